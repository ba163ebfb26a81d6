"""Derived branch indicators (`ratings.derived`): exact values, no-data cases, boundaries, links
that open for a 工委 admin, and a number of queries that does not grow with the branches."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ronghe.core.scoring.models import Indicator
from ronghe.orglife import compliance, facts
from ronghe.orglife.models import Meeting
from ronghe.orglife.rollup import subtree_tallies
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Officer, Organization
from ronghe.points import services as points_services
from ronghe.points.models import Claim, MemberYear
from ronghe.ratings.derived import INDICATORS, DerivedValue, branch_values
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2025
AFTER = date(2026, 1, 10)  # every obligation of 2025 is judged


def _meeting(org: Organization, kind: str, month: int, day: int = 10) -> Meeting:
    return Meeting.objects.create(
        organization=org, kind=kind, title=kind, held_at=datetime(YEAR, month, day, 9, tzinfo=TZ)
    )


def _officer(org: Organization, member, post: str, started: date = date(2023, 1, 1), ended=None) -> Officer:  # noqa: ANN001
    return Officer.objects.create(
        organization=org, member=member, post=post, started_on=started, ended_on=ended
    )


@pytest.fixture
def scheme(cast):  # noqa: ANN001, ANN201
    return points_services.seed_default_scheme(organization=cast.committee, year=YEAR, recompute=False)


def _result(member, scheme, total: str, a_count: int) -> MemberYear:  # noqa: ANN001
    return MemberYear.objects.create(
        member=member,
        year=YEAR,
        organization=member.organization,
        scheme=scheme,
        total=Decimal(total),
        a_count=a_count,
        grade=f"{a_count}A",
    )


def _claim(member, scheme, on: date, state: str = "approved") -> Claim:  # noqa: ANN001
    indicator = Indicator.objects.filter(scheme=scheme).first()
    return Claim.objects.create(
        member=member,
        indicator=indicator,
        occurred_on=on,
        points=Decimal("1"),
        description="志愿服务",
        state=state,
    )


def test_registry_declares_fed_and_unfed_codes():
    assert {c for c, i in INDICATORS.items() if i.feeds} == {
        "orglife.compliance_rate",
        "orgs.election_on_time",
        "orgs.committee_complete",
        "points.average",
        "points.share_5a",
        "points.claims_approved",
        "assessment.vanguard_achieved",
        "dues.paid_rate",
        "education.hours_completion",
        "outreach.survey_satisfaction",
        "selections.honours",
    }
    assert {c for c, i in INDICATORS.items() if not i.feeds} == set()
    assert all(i.code == c and i.name and i.unit for c, i in INDICATORS.items())


def test_a_branch_with_known_records_gets_exactly_the_expected_numbers(cast, scheme):  # noqa: ANN001
    branch = cast.branch_a
    members = [cast.member_a_record, *(MemberFactory(organization=branch) for _ in range(5))]
    branch.last_election_on, branch.term_years = date(2023, 5, 1), 3
    branch.save()
    _officer(branch, members[0], "secretary")
    for quarter in range(4):
        _meeting(branch, "general_meeting", 3 * quarter + 1)
        _meeting(branch, "party_lecture", 3 * quarter + 2)
    _meeting(branch, "general_meeting", 2)  # a second one in Q1 meets nothing more
    for member, total, a_count in zip(members[:4], ("80", "90.5", "100", "70"), (5, 5, 3, 4), strict=True):
        _result(member, scheme, total, a_count)
    _claim(members[0], scheme, date(YEAR, 3, 1))
    _claim(members[1], scheme, date(YEAR, 12, 31))
    _claim(members[1], scheme, date(YEAR + 1, 1, 1))  # another year
    _claim(members[2], scheme, date(YEAR, 5, 1), state="submitted")  # not approved
    _claim(cast.member_b_record, scheme, date(YEAR, 5, 1))  # another branch

    values = branch_values(YEAR, [branch.pk], today=AFTER)[branch.pk]

    # the compliance rate is the branch's tally on the compliance page and in the per-org engine
    (oc,) = compliance.compute_compliance(branch.subtree(), YEAR, AFTER)
    assert oc.tally.met == 8
    judged = oc.tally.met + oc.tally.overdue
    (page_tally, _n) = subtree_tallies(Organization.objects.all(), [branch.path], YEAR, AFTER)[branch.path]
    assert (page_tally.met, page_tally.overdue) == (8, oc.tally.overdue)
    expected = (Decimal(800) / judged).quantize(Decimal("0.01"))
    assert values["orglife.compliance_rate"].value == expected
    assert expected == Decimal(facts.compliance_rate(branch, YEAR, AFTER) * 100).quantize(Decimal("0.01"))
    assert values["orglife.compliance_rate"].detail == f"已到期 {judged} 项要求，按要求开展 8 项"

    assert values["orgs.election_on_time"].value == 1  # due 2026-05-01
    # 6 正式党员: no committee, a 书记
    assert values["orgs.committee_complete"] == DerivedValue(
        Decimal(1),
        "正式党员 6 人，不设支部委员会，设书记；现有班子成员 1 人，有书记",
        values["orgs.committee_complete"].url,
    )
    assert values["points.average"] == DerivedValue(
        Decimal("85.13"), "4 名党员，总积分 340.50", values["points.average"].url
    )
    assert values["points.share_5a"].value == Decimal("50.00")
    assert values["points.claims_approved"].value == 2
    # nobody trained yet: 0 of 6 reached their 学时; no satisfaction survey closed
    assert values["education.hours_completion"].value == Decimal("0.00")
    assert values["education.hours_completion"].detail == "在册党员 6 人，0 人达到年度学时要求（共 0.0 学时）"
    assert values["outreach.survey_satisfaction"] == DerivedValue(
        None, f"{YEAR} 年没有已结束的满意度问卷", values["outreach.survey_satisfaction"].url
    )
    assert values["dues.paid_rate"].value is None  # no 党费 records in this test


def test_urls_open_the_records_for_a_committee_admin(cast, scheme, client_for):  # noqa: ANN001
    branch = cast.branch_a
    _result(cast.member_a_record, scheme, "88", 5)
    _result(cast.member_b_record, scheme, "77", 5)
    _meeting(branch, "general_meeting", 1)
    values = branch_values(YEAR, [branch.pk], today=AFTER)[branch.pk]
    client = client_for(cast.committee_admin)
    bodies = {}
    for code, value in values.items():
        if not INDICATORS[code].feeds:
            assert value.url == ""
            continue
        response = client.get(value.url)
        assert response.status_code == 200, code
        bodies[code] = response.content.decode()
    # the compliance page of the branch and year shows the rate the value comes from
    tally = facts.compliance_by_organization([branch.pk], YEAR)[branch.pk]
    judged = tally.met + tally.overdue
    assert tally.met == 1
    assert values["orglife.compliance_rate"].value == (Decimal(100) / judged).quantize(Decimal("0.01"))
    assert f'<div class="fs-5">{tally.rate_percent}</div>' in bodies["orglife.compliance_rate"]
    assert branch.name in bodies["orglife.compliance_rate"]
    # the branch's members with their totals, not the county's
    assert "张甲" in bodies["points.average"] and "李乙" not in bodies["points.average"]
    assert branch.name in bodies["orgs.committee_complete"]


def test_a_branch_without_members_or_data(cast):  # noqa: ANN001
    empty = OrganizationFactory(name="空支部", parent=cast.org_a, kind=OrgKind.BRANCH)
    values = branch_values(YEAR, [empty.pk], today=AFTER)[empty.pk]
    assert values["orgs.committee_complete"].value is None
    assert values["orgs.election_on_time"].value is None  # no last election on record
    assert values["points.average"].value is None
    assert values["points.share_5a"].value is None
    assert values["points.claims_approved"].value == 0
    # no meeting at all: every meeting obligation is overdue; only the coverage obligation (谈心谈话
    # of every member) is met with no member to cover, as the compliance page counts it
    rate = facts.compliance_rate(empty, YEAR, AFTER)
    assert rate is not None and rate < 0.05
    assert values["orglife.compliance_rate"].value == Decimal(rate * 100).quantize(Decimal("0.01"))
    # before anything is due the rate is not judged
    early = branch_values(YEAR, [cast.branch_a.pk], today=date(YEAR, 1, 2))[cast.branch_a.pk]
    assert early["orglife.compliance_rate"].value is None
    # nor for an organization no requirement applies to (a 临时党组织 holds no elections either)
    temporary = OrganizationFactory(
        parent=cast.org_a, kind=OrgKind.TEMPORARY, last_election_on=date(2024, 1, 1)
    )
    values = branch_values(YEAR, [temporary.pk], today=AFTER)[temporary.pk]
    assert values["orglife.compliance_rate"].value is None
    assert values["orgs.election_on_time"].value is None


def test_unknown_ids_are_left_out(cast):  # noqa: ANN001
    assert branch_values(YEAR, [cast.branch_a.pk, 999_999], today=AFTER).keys() == {cast.branch_a.pk}
    assert branch_values(YEAR, [], today=AFTER) == {}


@pytest.mark.parametrize(
    ("last_election_on", "on_time"),
    [
        (date(2022, 12, 30), 0),  # due 2025-12-30: expired before the year's end
        (date(2022, 12, 31), 1),  # due 2025-12-31: the last day is still on time
        (date(2023, 1, 1), 1),  # due the next day
    ],
)
def test_election_on_time_at_the_years_end(cast, last_election_on, on_time):  # noqa: ANN001
    branch = cast.branch_a
    branch.last_election_on, branch.term_years = last_election_on, 3
    branch.save()
    value = branch_values(YEAR, [branch.pk], today=AFTER)[branch.pk]["orgs.election_on_time"]
    assert value.value == on_time


def test_election_of_the_running_year_is_judged_as_of_today(cast):  # noqa: ANN001
    branch = cast.branch_a
    branch.last_election_on, branch.term_years = date(2023, 11, 1), 3  # due 2026-11-01
    branch.save()
    running = branch_values(2026, [branch.pk], today=date(2026, 6, 1))[branch.pk]
    assert running["orgs.election_on_time"].value == 1
    ended = branch_values(2026, [branch.pk], today=date(2027, 1, 5))[branch.pk]
    assert ended["orgs.election_on_time"].value == 0


def test_committee_follows_the_branch_size(cast):  # noqa: ANN001
    branch = cast.branch_a
    members = [cast.member_a_record, *(MemberFactory(organization=branch) for _ in range(5))]
    MemberFactory(organization=branch, status="probationary", full_on=None)  # 预备党员 do not count

    def complete() -> Decimal | None:
        return branch_values(YEAR, [branch.pk], today=AFTER)[branch.pk]["orgs.committee_complete"].value

    assert complete() == 0  # 6 正式党员 need no committee, but a 书记
    _officer(branch, members[0], "secretary")
    assert complete() == 1
    members.append(MemberFactory(organization=branch))  # 7 正式党员: a committee of 3–7
    assert complete() == 0
    _officer(branch, members[1], "organization")
    _officer(branch, members[2], "propaganda", ended=date(2025, 12, 31))  # left on the year's last day
    assert complete() == 0
    _officer(branch, members[3], "discipline")
    assert complete() == 1
    # a post started after the year does not count for it
    Officer.objects.filter(post="discipline").update(started_on=date(2026, 1, 2))
    assert complete() == 0


def _branches(cast, n: int, scheme) -> list[int]:  # noqa: ANN001
    ids = []
    for i in range(n):
        branch = OrganizationFactory(
            name=f"批量支部{i}", parent=cast.org_b, kind=OrgKind.BRANCH, last_election_on=date(2024, 1, 1)
        )
        member = MemberFactory(organization=branch)
        OrganizationFactory(name=f"批量小组{i}", parent=branch, kind=OrgKind.GROUP)
        _officer(branch, member, "secretary")
        _meeting(branch, "general_meeting", 1 + i % 12)
        _result(member, scheme, "60", 5)
        _claim(member, scheme, date(YEAR, 6, 1))
        ids.append(branch.pk)
    return ids


def test_queries_do_not_grow_with_the_branches(cast, scheme, django_assert_max_num_queries):  # noqa: ANN001
    few = _branches(cast, 3, scheme)
    with CaptureQueriesContext(connection) as captured:
        assert len(branch_values(YEAR, few, today=AFTER)) == 3
    many = few + _branches(cast, 27, scheme)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        values = branch_values(YEAR, many, today=AFTER)
    assert len(values) == 30
    assert all(v["points.share_5a"].value == 100 for v in values.values())
    # about twenty-one before 学时 (6 queries with approved external training), 群众满意度 (3) and the
    # honours of selections (1) were fed
    assert len(captured.captured_queries) <= 31, [q["sql"][:80] for q in captured.captured_queries]


def test_nested_organizations_are_each_counted_over_their_subtree(cast):  # noqa: ANN001
    _meeting(cast.branch_a, "general_meeting", 1)
    values = branch_values(YEAR, [cast.org_a.pk, cast.branch_a.pk], today=AFTER)
    tallies = facts.compliance_by_organization([cast.org_a.pk, cast.branch_a.pk], YEAR, AFTER)
    for pk in (cast.org_a.pk, cast.branch_a.pk):
        org = Organization.objects.get(pk=pk)
        rate = facts.compliance_rate(org, YEAR, AFTER)
        assert rate is not None and tallies[pk].rate == rate
        assert values[pk]["orglife.compliance_rate"].value == Decimal(rate * 100).quantize(Decimal("0.01"))


@pytest.mark.parametrize("listed", [200, 1])
def test_many_branches_are_read_through_their_common_ancestor(cast, monkeypatch, listed):  # noqa: ANN001
    # above PATHS_LISTED subtrees the meetings are grouped over the common ancestor's subtree:
    # the same tallies, the other organizations' meetings (a 总支's own) counted in none
    monkeypatch.setattr(facts, "PATHS_LISTED", listed)
    other = OrganizationFactory(parent=cast.org_a, kind=OrgKind.BRANCH)
    _meeting(cast.branch_a, "general_meeting", 1)
    _meeting(cast.branch_b, "party_lecture", 1)
    _meeting(cast.org_a, "general_meeting", 4)
    ids = [cast.branch_a.pk, cast.branch_b.pk, other.pk]
    tallies = facts.compliance_by_organization(ids, YEAR, AFTER)
    for org in (cast.branch_a, cast.branch_b, other):
        assert tallies[org.pk].rate == facts.compliance_rate(org, YEAR, AFTER)
    assert tallies[cast.branch_a.pk].met == tallies[cast.branch_b.pk].met == 1  # not the 总支's meeting


def test_rules_behind_the_orgs_indicators():
    from ronghe.orgs import rules

    def facts_of(full: int, committee: int, kind: str = OrgKind.BRANCH) -> rules.OrgFacts:
        return rules.OrgFacts(
            kind=kind, full_members=full, members=full, subtree_members=full, committee_size=committee
        )

    assert rules.officers_complete(facts_of(6, 1), has_secretary=True)
    assert not rules.officers_complete(facts_of(6, 1), has_secretary=False)
    assert not rules.officers_complete(facts_of(7, 2), has_secretary=True)
    assert rules.officers_complete(facts_of(7, 3), has_secretary=True)
    assert rules.officers_complete(facts_of(12, 7), has_secretary=True)
    assert not rules.officers_complete(facts_of(12, 8), has_secretary=True)
    due_end = date(2022, 12, 31)  # 3 years: due 2025-12-31
    assert rules.election_on_time(OrgKind.BRANCH, due_end, 3, date(2025, 12, 31)) is True
    assert rules.election_on_time(OrgKind.BRANCH, due_end, 3, date(2026, 1, 1)) is False
    assert rules.election_on_time(OrgKind.BRANCH, due_end, 3, date(2027, 1, 2)) is False  # overdue > 1 year
    assert rules.election_on_time(OrgKind.BRANCH, None, 3, date(2025, 12, 31)) is None
    assert rules.election_on_time(OrgKind.GROUP, due_end, 3, date(2025, 12, 31)) is None


def test_dues_paid_rate_counts_months_paid_on_time(cast):  # noqa: ANN001
    from ronghe.dues.models import DuesRecord

    branch = cast.branch_a
    rows = [  # (month, state, timing): Jan on time, Feb prepaid, Mar back-paid, Apr unpaid, May exempt
        (1, "paid", "regular"),
        (2, "paid", "prepaid"),
        (3, "paid", "backpaid"),
        (4, "due", ""),
        (5, "exempt", ""),
    ]
    for month, state, timing in rows:
        DuesRecord.objects.create(
            member=cast.member_a_record,
            organization=branch,
            period=date(YEAR, month, 1),
            amount_due=Decimal("15.00"),
            state=state,
            timing=timing,
        )
    value = branch_values(YEAR, [branch.pk], today=AFTER)[branch.pk]["dues.paid_rate"]
    assert value.value == Decimal("50.00")  # 2 on time of 4 due
    assert value.detail == "应交 4 人次（不含免交），按时交纳 2 人次，补交 1 人次"
