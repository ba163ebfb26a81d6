"""The fact gates other modules — ratings' 班子成员 veto, points' sanction veto, the introducer rule and
the assessment's 违纪违法案件 — and none of them shows what the case was about."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ronghe.assessment import derived as assessment_derived
from ronghe.assessment.rules import AssessmentRules
from ronghe.core.errors import InvalidInput
from ronghe.discipline import services
from ronghe.discipline.choices import CaseAction, CaseSource, SanctionKind
from ronghe.orgs.choices import OfficerPost
from ronghe.orgs.models import Officer
from ronghe.points import services as points
from ronghe.points.choices import SourceType
from ronghe.points.models import MemberYear, PointsEntry
from ronghe.ratings.choices import EntryState
from ronghe.ratings.models import Entry
from ronghe.recruitment import services as recruitment
from ronghe.recruitment.choices import Action
from tests.discipline.conftest import make_sanction
from tests.factories import MemberFactory
from tests.ratings.conftest import people, travel  # noqa: F401 — the rating tests' fixtures
from tests.ratings.flow import HIGH, evaluated, open_campaign
from tests.recruitment import flow as recruitment_flow

pytestmark = pytest.mark.django_db
SECRET = "在工程招标中违规收受礼金三万元"


def _sanctioned_officer(cast, kind=SanctionKind.SERIOUS_WARNING, starts=date(2026, 2, 2)):
    officer = MemberFactory(name="赵委员", organization=cast.branch_a)
    Officer.objects.create(
        organization=cast.branch_a, member=officer, post=OfficerPost.ORGANIZATION, started_on=date(2024, 1, 1)
    )
    make_sanction(officer, kind, starts, summary=SECRET)
    return officer


# ---------------------------------------------------------------- ratings


def test_a_committee_members_sanction_vetoes_the_branch_without_naming_it(cast, people, client):  # noqa: F811
    # given a 班子成员 of branch A under a 严重警告 in force this year
    _sanctioned_officer(cast)
    campaign = open_campaign(cast)
    # when the 工委 evaluates with no veto ticked by hand
    entry = evaluated(cast, people, campaign, cast.branch_a, cast.secretary_a, people["unit_a"], HIGH)
    # then the veto holds: no star level, the breakdown kept, and the reason is the fact only
    assert entry.level is None
    assert entry.breakdown["values"]["discipline_case"] == "1"
    assert entry.breakdown["derived"]["discipline_case"]["detail"] == "班子成员受处分（一票否决）"
    assert entry.breakdown["level"]["capped_by"][0].startswith("一票否决（班子成员受党纪政务处分）")
    # and the branch's page says so without the case text, the kind or the person
    client.force_login(cast.secretary_a)
    body = client.get(reverse("ratings:entry-detail", args=[entry.code])).content.decode()
    assert "班子成员受处分（一票否决）" in body
    for secret in (SECRET, "严重警告", "赵委员"):
        assert secret not in body


def test_a_vetoed_branch_once_named_shows_no_stars_and_no_certificate(cast, people, client):  # noqa: F811
    # given the vetoed entry named at the end of the campaign (no level: the veto holds)
    _sanctioned_officer(cast)
    campaign = open_campaign(cast)
    entry = evaluated(cast, people, campaign, cast.branch_a, cast.secretary_a, people["unit_a"], HIGH)
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.NAMED, current_level=None)
    # when the branch's secretary opens its rating, then it says 不参加 and offers no 星级证书
    client.force_login(cast.secretary_a)
    body = client.get(reverse("ratings:entry-detail", args=[entry.code])).content.decode()
    assert "<strong>不参加本年度评定</strong>（已命名）" in body
    assert "None 星" not in body and "★" not in body.split('id="entry-level"')[1].split("</p>")[0]
    assert reverse("ratings:certificate", args=[entry.code]) not in body
    assert client.get(reverse("ratings:certificate", args=[entry.code])).status_code == 404
    # and a member of the branch sees the same on the home page, without the case
    client.force_login(cast.member_a)
    home = client.get("/").content.decode()
    assert f"本支部星级：不参加 {campaign.year} 年度评定" in home
    for secret in (SECRET, "严重警告", "赵委员", "None 星"):
        assert secret not in home


def test_a_plain_members_sanction_does_not_veto_the_branch(cast, people):  # noqa: F811
    make_sanction(cast.member_a_record, SanctionKind.WARNING, date(2026, 2, 2))
    campaign = open_campaign(cast)
    entry = evaluated(cast, people, campaign, cast.branch_a, cast.secretary_a, people["unit_a"], HIGH)
    assert entry.breakdown["values"]["discipline_case"] == "0"
    assert entry.level is not None


def test_a_sanction_over_before_the_year_does_not_veto(cast, people):  # noqa: F811
    _sanctioned_officer(cast, SanctionKind.WARNING, starts=date(2024, 6, 1))  # in force to 2025-05-31
    campaign = open_campaign(cast)
    entry = evaluated(cast, people, campaign, cast.branch_a, cast.secretary_a, people["unit_a"], HIGH)
    assert entry.breakdown["values"]["discipline_case"] == "0"


# ---------------------------------------------------------------- points


def _sanction_through_the_case(cast, jijian, member, kind=SanctionKind.WARNING):
    case = services.receive_clue(
        actor=jijian,
        member=member,
        source=CaseSource.LETTER,
        received_on=date(2026, 3, 2),
        summary=SECRET,
        today=date(2026, 5, 1),
    )
    today = date(2026, 5, 1)
    services.advance_case(actor=jijian, case=case, action=CaseAction.VERIFY, on=date(2026, 3, 5), today=today)
    services.advance_case(
        actor=jijian, case=case, action=CaseAction.FILE, comment="初核属实", on=date(2026, 3, 20), today=today
    )
    services.advance_case(
        actor=jijian,
        case=case,
        action=CaseAction.SANCTION,
        comment="审查属实",
        on=date(2026, 4, 20),
        kind=kind,
        starts_on=date(2026, 4, 20),
        today=today,
    )
    return case


def test_a_sanction_vetoes_the_members_points_for_the_year(cast, jijian_a, client):
    # given the year's points scheme
    points.seed_default_scheme(organization=cast.committee, year=2026)
    # when 纪检 records a 警告 on member A
    _sanction_through_the_case(cast, jijian_a, cast.member_a_record)
    # then the member's year is vetoed by one line that says only what the fact is
    line = PointsEntry.objects.get(source_type=SourceType.SANCTION, member=cast.member_a_record)
    assert (line.indicator.code, line.points, line.occurred_on, line.note) == (
        "sanction",
        0,
        date(2026, 4, 20),
        "受到党纪政务处分（一票否决）",
    )
    assert MemberYear.objects.get(member=cast.member_a_record, year=2026).vetoed is True
    # and the secretary's view of the member's points shows the veto, not the case
    client.force_login(cast.secretary_a)
    body = client.get(
        reverse("points:member-points", args=[cast.member_a_record.code]) + "?year=2026"
    ).content.decode()
    assert "受到党纪政务处分" in body
    assert SECRET not in body


def test_a_handling_does_not_veto_points(cast, jijian_a):
    points.seed_default_scheme(organization=cast.committee, year=2026)
    case = services.receive_clue(
        actor=jijian_a,
        member=cast.member_a_record,
        source=CaseSource.LETTER,
        received_on=date(2026, 3, 2),
        summary=SECRET,
        today=date(2026, 5, 1),
    )
    services.advance_case(
        actor=jijian_a, case=case, action=CaseAction.VERIFY, on=date(2026, 3, 5), today=date(2026, 5, 1)
    )
    services.advance_case(
        actor=jijian_a,
        case=case,
        action=CaseAction.HANDLE,
        comment="情节轻微",
        on=date(2026, 3, 9),
        kind=SanctionKind.ADMONITION,
        starts_on=date(2026, 3, 9),
        today=date(2026, 5, 1),
    )
    assert not PointsEntry.objects.filter(source_type=SourceType.SANCTION).exists()


def test_sync_removes_a_veto_no_longer_in_force(cast):
    points.seed_default_scheme(organization=cast.committee, year=2026)
    sanction = make_sanction(cast.member_a_record, SanctionKind.WARNING, date(2026, 2, 2))
    points.sync_sanction_vetoes(year=2026)
    assert MemberYear.objects.get(member=cast.member_a_record, year=2026).vetoed is True
    # the sanction is revoked on appeal (recorded by moving it out of the year)
    type(sanction).objects.filter(pk=sanction.pk).update(starts_on=date(2027, 2, 2), ends_on=date(2028, 2, 1))
    assert points.sync_sanction_vetoes(year=2026) == {"created": 0, "updated": 0, "deleted": 1}
    assert MemberYear.objects.get(member=cast.member_a_record, year=2026).vetoed is False


# ---------------------------------------------------------------- recruitment


def test_a_member_under_probation_cannot_introduce(cast):
    # given an introducer under 留党察看 for two years from 2024-01-10
    case = recruitment_flow.through(cast, recruitment_flow.apply(cast), Action.ACTIVIST)
    under = MemberFactory(name="孙察看", organization=cast.branch_a)
    make_sanction(under, SanctionKind.PROBATION, date(2024, 1, 10), date(2026, 1, 9))
    # when the branch names them introducer on 2024-06-03
    with pytest.raises(InvalidInput) as exc:
        recruitment.record_step(
            actor=cast.secretary_a,
            case=case,
            action=Action.CANDIDATE,
            today=recruitment_flow.TODAY,
            introducers=[cast.member_a_record, under],
            values={"candidate_on": date(2024, 6, 3), "candidate_filed_on": date(2024, 6, 12)},
            publicity=(date(2024, 6, 4), date(2024, 6, 11)),
        )
    # then the rule names the person and the rule, nothing of the case
    assert exc.value.errors["introducers"] == [
        "受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人：孙察看"
    ]
    case.refresh_from_db()
    assert case.candidate_on is None


# ---------------------------------------------------------------- assessment


def test_a_major_sanction_in_the_unit_feeds_the_assessment_veto(cast):
    make_sanction(cast.member_a_record, SanctionKind.PROBATION, date(2026, 4, 1), summary=SECRET)
    make_sanction(cast.member_b_record, SanctionKind.WARNING, date(2026, 4, 1))
    values = assessment_derived.party_values([cast.unit_a.pk, cast.unit_b.pk], 2026, AssessmentRules())
    a, b = values[cast.unit_a.pk]["discipline.major_case"], values[cast.unit_b.pk]["discipline.major_case"]
    assert (a.value, a.detail) == (1, "2026 年本单位有党员受重处分（一票否决），详情仅纪检可见")
    assert (b.value, b.detail) == (0, "2026 年本单位没有党员受重处分")
