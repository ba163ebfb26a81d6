"""Who is expected at a meeting: the roster on the meeting date, the committee on that date,
voters left out with approval, the 党组's 民主生活会 and the 双周学习日."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ronghe.accounts.choices import Role
from ronghe.core.models import AuditEntry
from ronghe.members import services as member_services
from ronghe.orglife import compliance, queries, services
from ronghe.orglife.models import Attendance, Decision, Meeting, VoterExclusion
from ronghe.orgs.models import Officer
from ronghe.points import services as points_services
from ronghe.points.models import MemberYear, PointsEntry
from tests.factories import MemberFactory, OrganizationFactory, UserFactory, grant
from tests.orglife.conftest import at

pytestmark = pytest.mark.django_db


def present_first(org, n, kind="general_meeting", on=date(2026, 11, 20)):
    members = services.members_for_attendance(org, kind=kind, on=on)
    members.sort(key=lambda m: (m.status_on != "full", m.pk))
    return {m.pk: services.AttendanceEntry("present" if i < n else "absent") for i, m in enumerate(members)}


def record(actor, org, kind, n, held=None, title="测试会议"):
    held = held or at(2026, 11, 20, 9, 0)
    return services.record_meeting(
        actor=actor,
        organization=org,
        data={"kind": kind, "title": title, "held_at": held, "ends_at": None},
        attendance=present_first(org, n, kind, held.date()),
        now=held,
    )


# 1. the roster on the meeting date --------------------------------------------------------


def test_past_meeting_expects_the_roster_of_its_date(cast):
    made_full = MemberFactory(
        organization=cast.branch_a,
        name="后转正",
        status="probationary",
        joined_on=date(2025, 6, 1),
        full_on=None,
    )
    member_services.change_status(
        actor=cast.committee_admin,
        member=made_full,
        action="make_full",
        effective_on=date(2026, 6, 1),
        reason="预备期满",
        approval_ref="党员大会决议",
    )
    newcomer = MemberFactory(organization=cast.branch_b, name="后调入")
    member_services.transfer_internal(
        actor=cast.committee_admin, member=newcomer, to_organization=cast.branch_a, on_date=date(2026, 6, 1)
    )
    # a 党员大会 held on 2026-05-31: 后转正 was probationary, 后调入 still in branch B
    meeting = record(cast.secretary_a, cast.branch_a, "general_meeting", 3, held=at(2026, 5, 31, 9, 0))
    rows = {a.member.name: a for a in meeting.attendances.select_related("member")}
    assert set(rows) == {"张甲", "后转正"}
    assert rows["后转正"].is_voter is False
    assert services.voters_of(meeting) == (1, 1)
    # the next day both are expected and 后转正 votes
    meeting = record(cast.secretary_a, cast.branch_a, "general_meeting", 3, held=at(2026, 6, 1, 9, 0))
    rows = {a.member.name: a for a in meeting.attendances.select_related("member")}
    assert set(rows) == {"张甲", "后转正", "后调入"}
    assert rows["后转正"].is_voter is True


def test_create_page_proposes_the_list_for_the_chosen_date(cast, client_for):
    MemberFactory(
        organization=cast.branch_a,
        name="新党员",
        joined_on=date(2026, 7, 1),
        full_on=None,
        status="probationary",
    )
    client = client_for(cast.secretary_a)
    url = reverse("orglife:meeting-create") + f"?org={cast.branch_a.code}&kind=general_meeting"
    assert "新党员" not in client.get(url + "&on=2026-06-30").content.decode()
    body = client.get(url + "&on=2026-07-01").content.decode()
    assert "新党员" in body and "应到 2 人" in body


# 2. 支委会 quorum -----------------------------------------------------------------------


@pytest.fixture
def committee(cast):
    """branch_a's committee on 2026-11-20: 4 members in post (one left that very day, one earlier)."""
    people = [cast.member_a_record] + [
        MemberFactory(organization=cast.branch_a, name=f"委员{i}") for i in range(5)
    ]
    for m in people[:4]:
        Officer.objects.create(
            organization=cast.branch_a, member=m, post="member", started_on=date(2024, 1, 1)
        )
    Officer.objects.create(
        organization=cast.branch_a,
        member=people[4],
        post="member",
        started_on=date(2024, 1, 1),
        ended_on=date(2026, 11, 20),
    )
    Officer.objects.create(
        organization=cast.branch_a, member=people[5], post="member", started_on=date(2026, 11, 21)
    )
    return people[:4]


@pytest.mark.parametrize(("present", "quorate"), [(2, False), (3, True)])
def test_committee_meeting_needs_more_than_half_of_the_committee(cast, committee, present, quorate):
    meeting = record(cast.secretary_a, cast.branch_a, "committee_meeting", present)
    # only the four in post on the day are expected
    assert meeting.attendances.count() == 4
    assert Meeting.objects.get(pk=meeting.pk).quorum_met is quorate
    counts = compliance.held_counts(
        type(cast.branch_a).objects.filter(pk=cast.branch_a.pk), 2026, compliance.requirements_for_year(2026)
    )
    assert counts.get((cast.branch_a.pk, "committee_meeting", 11), 0) == (1 if quorate else 0)
    if quorate:
        d = services.add_decision(
            actor=cast.secretary_a,
            meeting=meeting,
            text="研究发展对象",
            method="hands",
            yes=3,
            no=0,
            abstain=0,
        )
        assert d.passed is True
    else:
        with pytest.raises(services.OrgLifeError, match="到会委员 2 人，未超过支委会委员 4 人的半数"):
            services.add_decision(
                actor=cast.secretary_a,
                meeting=meeting,
                text="研究发展对象",
                method="hands",
                yes=2,
                no=0,
                abstain=0,
            )
        assert Decision.objects.count() == 0


def test_committee_quorum_follows_a_correction(cast, committee):
    meeting = record(cast.secretary_a, cast.branch_a, "committee_meeting", 2)
    assert Meeting.objects.get(pk=meeting.pk).quorum_met is False
    row = meeting.attendances.filter(status="absent").first()
    services.correct_attendance(
        actor=cast.secretary_a, attendance=row, status="present", reason="", note="漏记"
    )
    assert Meeting.objects.get(pk=meeting.pk).quorum_met is True


def test_committee_meeting_without_recorded_committee_is_not_judged(cast, branch_members):
    meeting = record(cast.secretary_a, cast.branch_a, "committee_meeting", 0)
    assert meeting.attendances.count() == 0
    assert Meeting.objects.get(pk=meeting.pk).quorum_met is None
    with pytest.raises(services.OrgLifeError, match="未登记会议当日的支委会委员"):
        services.add_decision(
            actor=cast.secretary_a, meeting=meeting, text="x", method="hands", yes=0, no=0, abstain=0
        )


# 3. voters left out of voters_expected ------------------------------------------------------


def exclude(actor, meeting, names):
    for a in meeting.attendances.select_related("member").filter(member__name__in=names):
        services.add_voter_exclusion(
            actor=actor,
            meeting=meeting,
            member=a.member,
            reason="自费出国超过6个月",
            approval_ref="甲局总支〔2026〕3号",
        )


@pytest.mark.parametrize(
    ("present", "yes", "outcome"), [(4, 4, "no quorum"), (5, 4, "fails"), (5, 5, "passes")]
)
def test_exclusions_lower_voters_expected_at_exactly_half(cast, branch_members, present, yes, outcome):
    # 10 full members; 2 left out with approval → 8 expected: 4 present is exactly half (no quorum)
    meeting = record(cast.secretary_a, cast.branch_a, "general_meeting", 0)
    full, _ = branch_members
    Attendance.objects.filter(meeting=meeting, member__in=full[:present]).update(status="present")
    exclude(cast.secretary_a, meeting, ["正式7", "正式8"])
    assert services.voters_of(meeting) == (8, present)
    kwargs = {
        "actor": cast.secretary_a,
        "meeting": meeting,
        "text": "接收预备党员",
        "method": "hands",
        "no": 0,
        "abstain": 0,
    }
    if outcome == "no quorum":
        with pytest.raises(
            services.OrgLifeError, match="到会有表决权的党员 4 人，未超过应到会有表决权党员 8 人的半数"
        ):
            services.add_decision(yes=yes, **kwargs)
    else:
        d = services.add_decision(yes=yes, **kwargs)
        assert (d.voters_expected, d.voters_present, d.passed) == (8, present, outcome == "passes")


def test_exclusion_needs_reason_approval_and_the_higher_organization(cast, branch_members):
    meeting = record(cast.secretary_a, cast.branch_a, "general_meeting", 6)
    target = branch_members[0][9]
    branch_secretary = UserFactory()
    grant(branch_secretary, Role.BRANCH_SECRETARY, cast.branch_a)
    with pytest.raises(PermissionDenied):
        services.add_voter_exclusion(
            actor=branch_secretary, meeting=meeting, member=target, reason="病", approval_ref="1号"
        )
    with pytest.raises(services.OrgLifeError, match="请填写上级批准文号"):
        services.add_voter_exclusion(
            actor=cast.secretary_a, meeting=meeting, member=target, reason="病", approval_ref=" "
        )
    with pytest.raises(services.OrgLifeError, match="不是本次会议有表决权的党员"):
        services.add_voter_exclusion(
            actor=cast.secretary_a,
            meeting=meeting,
            member=branch_members[1][0],
            reason="病",
            approval_ref="1号",
        )
    assert VoterExclusion.objects.count() == 0
    e = services.add_voter_exclusion(
        actor=cast.secretary_a, meeting=meeting, member=target, reason="卧床不起", approval_ref="1号"
    )
    entry = AuditEntry.objects.get(event="orglife.voter_exclusion.create")
    assert entry.changes["approval_ref"] == "1号" and entry.changes["reason"] == "卧床不起"
    services.add_decision(
        actor=cast.secretary_a, meeting=meeting, text="x", method="hands", yes=6, no=0, abstain=0
    )
    with pytest.raises(services.OrgLifeError, match="已有表决结果"):
        services.remove_voter_exclusion(actor=cast.secretary_a, exclusion=e)


def test_exclusion_views(cast, branch_members, client_for):
    meeting = record(cast.secretary_a, cast.branch_a, "general_meeting", 6)
    target = branch_members[0][9]
    url = reverse("orglife:exclusion-create", kwargs={"code": meeting.code})
    data = {"member": target.pk, "reason": "服刑", "approval_ref": "甲局总支〔2026〕5号"}
    branch_secretary = UserFactory()
    grant(branch_secretary, Role.BRANCH_SECRETARY, cast.branch_a)
    assert client_for(branch_secretary).post(url, data).status_code == 403
    assert client_for(cast.outsider_b).post(url, data).status_code == 404
    bad = client_for(cast.secretary_a).post(url, {**data, "approval_ref": ""})
    assert bad.status_code == 400 and "上级批准文号" in bad.content.decode()
    assert client_for(cast.secretary_a).post(url, data).status_code == 302
    body = (
        client_for(cast.secretary_a)
        .get(reverse("orglife:meeting-detail", kwargs={"code": meeting.code}))
        .content.decode()
    )
    assert "应到会有表决权党员 9 人" in body and "服刑" in body
    e = VoterExclusion.objects.get()
    delete = reverse("orglife:exclusion-delete", kwargs={"code": meeting.code, "pk": e.pk})
    assert client_for(branch_secretary).post(delete).status_code == 403
    assert client_for(cast.secretary_a).post(delete).status_code == 302
    assert not VoterExclusion.objects.exists()


# 4. 双重组织生活 ---------------------------------------------------------------------------


@pytest.fixture
def leading_group(cast):
    """甲局党组 with six members in post, all from branch_a."""
    group = OrganizationFactory(
        name="甲局党组", kind="leading_group", parent=cast.committee, unit=cast.unit_a
    )
    leaders = [cast.member_a_record] + [
        MemberFactory(organization=cast.branch_a, name=f"领导{i}") for i in range(5)
    ]
    for i, m in enumerate(leaders):
        Officer.objects.create(
            organization=group,
            member=m,
            post="secretary" if i == 0 else "member",
            started_on=date(2025, 1, 1),
        )
    return group, leaders


@pytest.mark.parametrize(("present", "met"), [(4, True), (3, False)])
def test_leadership_life_meeting_expects_the_group_and_needs_two_thirds(cast, leading_group, present, met):
    group, leaders = leading_group
    meeting = record(
        cast.committee_admin, group, "leadership_life_meeting", present, held=at(2026, 12, 10, 9, 0)
    )
    assert {a.member_id for a in meeting.attendances.all()} == {m.pk for m in leaders}
    assert Meeting.objects.get(pk=meeting.pk).quorum_met is met  # 4 of 6 is exactly two thirds
    reqs = [r for r in compliance.requirements_for_year(2026) if r.kind == "leadership_life_meeting"]
    counts = compliance.held_counts(type(group).objects.filter(pk=group.pk), 2026, reqs)
    assert counts.get((group.pk, "leadership_life_meeting", 1), 0) == (1 if met else 0)


def test_leaders_page_shows_branch_and_life_meeting_attendance(
    cast, leading_group, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    group, leaders = leading_group
    record(cast.committee_admin, group, "leadership_life_meeting", 4, held=at(2026, 12, 10, 9, 0))
    record(cast.secretary_a, cast.branch_a, "theme_day", 6, held=at(2026, 3, 10, 9, 0))
    record(cast.secretary_a, cast.branch_a, "general_meeting", 0, held=at(2026, 4, 10, 9, 0))
    client = client_for(cast.committee_admin)
    body = client.get(reverse("orglife:leaders") + "?year=2026").content.decode()
    assert len(re.findall(r'id="leader-\d+-row"', body)) == 6
    rows = {
        r.officer.member.name: r
        for r in queries.leader_attendance(list(queries.leaders_for_user(cast.committee_admin, 2026)), 2026)
    }
    first = rows[leaders[0].name]
    assert (first.branch_present, first.branch_expected, first.life_present, first.life_expected) == (
        1,
        2,
        1,
        1,
    )
    assert first.both is True
    assert rows["领导4"].life_present == 0 and rows["领导4"].both is False
    # outsiders see no leader of A; a plain member is refused
    assert "领导0" not in client_for(cast.outsider_b).get(reverse("orglife:leaders")).content.decode()
    assert client_for(cast.member_a).get(reverse("orglife:leaders")).status_code == 403
    client = client_for(cast.committee_admin)
    client.get(reverse("orglife:leaders") + "?year=2026")  # warm up: the session's first refresh, the caches
    with django_assert_max_num_queries(30) as ctx:
        client.get(reverse("orglife:leaders") + "?year=2026")
    few = len(ctx.captured_queries)
    for _ in range(6):
        Officer.objects.create(
            organization=group,
            member=MemberFactory(organization=cast.branch_a),
            post="member",
            started_on=date(2025, 1, 1),
        )
    with django_assert_num_queries(few):
        assert (
            len(
                re.findall(
                    r'id="leader-\d+-row"',
                    client.get(reverse("orglife:leaders") + "?year=2026").content.decode(),
                )
            )
            == 12
        )


# 5. 双周学习日 -----------------------------------------------------------------------------


def test_study_day_compliance_requires_each_scheduled_day(cast, branch_members, client_for, time_machine):
    time_machine.move_to(at(2026, 12, 3, 9))
    # November 2026 study days (2nd and 4th Thursday): 12th and 26th
    record(cast.secretary_a, cast.branch_a, "study_day", 10, held=at(2026, 11, 12, 15, 0))
    results = compliance.compute_compliance(
        type(cast.branch_a).objects.filter(pk=cast.branch_a.pk), 2026, date(2026, 12, 3)
    )
    nov = next(o for o in results[0].obligations if o.kind == "study_day" and o.slot.index == 11)
    assert (nov.required, nov.held, nov.state) == (2, 1, "overdue")
    record(cast.secretary_a, cast.branch_a, "study_day", 10, held=at(2026, 11, 26, 15, 0))
    results = compliance.compute_compliance(
        type(cast.branch_a).objects.filter(pk=cast.branch_a.pk), 2026, date(2026, 12, 3)
    )
    nov = next(o for o in results[0].obligations if o.kind == "study_day" and o.slot.index == 11)
    assert (nov.required, nov.held, nov.state) == (2, 2, "met")
    schedule = {s.day: s.state for s in queries.study_day_schedule(cast.branch_a, 2026, date(2026, 12, 3))}
    assert schedule[date(2026, 11, 26)] == "held"
    assert schedule[date(2026, 10, 22)] == "missed"
    assert schedule[date(2026, 12, 10)] == "upcoming"
    body = (
        client_for(cast.secretary_a)
        .get(reverse("orglife:org-calendar", kwargs={"code": cast.branch_a.code}) + "?year=2026")
        .content.decode()
    )
    assert 'id="study-20261126"' in body and "kind=study_day&amp;on=2026-12-10" in body


def test_study_day_setting_changes_the_required_count(cast, branch_members):
    services.update_policy(
        actor=cast.committee_admin, data={"study_day_weekday": 5, "study_day_weeks": "1,3,5"}
    )
    # Fridays of January 2026: 2, 9, 16, 23, 30 → weeks 1, 3, 5 = 3 sessions; February has no 5th Friday
    by_month = compliance.study_days_by_month(2026)
    assert by_month[1] == [date(2026, 1, 2), date(2026, 1, 16), date(2026, 1, 30)]
    assert by_month[2] == [date(2026, 2, 6), date(2026, 2, 20)]
    results = compliance.compute_compliance(
        type(cast.branch_a).objects.filter(pk=cast.branch_a.pk), 2026, date(2026, 3, 1)
    )
    required = {o.slot.index: o.required for o in results[0].obligations if o.kind == "study_day"}
    assert (required[1], required[2]) == (3, 2)


# 6. points follow attendance recorded through orglife -------------------------------------------


def test_points_follow_meetings_recorded_edited_and_deleted(cast, branch_members):
    points_services.seed_default_scheme(organization=cast.committee, year=2026)
    full, _ = branch_members
    meeting = record(cast.secretary_a, cast.branch_a, "theme_day", 1, held=at(2026, 3, 10, 9, 0))
    a = cast.member_a_record
    present = [m for m in full if meeting.attendances.get(member=m).status == "present"]
    assert [m.pk for m in present] == [a.pk]
    entry = PointsEntry.objects.get(member=a, source_id=str(meeting.pk))
    assert entry.points == D("2")
    assert MemberYear.objects.get(member=a, year=2026).total == D("62")
    # the secretary marks A excused on edit: A's entry is reversed, another member now earns it
    other = full[1]
    services.update_meeting(
        actor=cast.secretary_a,
        meeting=meeting,
        data={"kind": "theme_day", "title": "测试会议", "held_at": meeting.held_at, "ends_at": None},
        attendance={
            # everyone else stays as recorded (absent): an edit marks every expected member
            **{
                mid: services.AttendanceEntry("absent")
                for mid in meeting.attendances.values_list("member_id", flat=True)
            },
            a.pk: services.AttendanceEntry("excused", "出差"),
            other.pk: services.AttendanceEntry("present"),
        },
    )
    assert not PointsEntry.objects.filter(member=a, source_id=str(meeting.pk)).exists()
    assert MemberYear.objects.get(member=a, year=2026).total == D("60")
    assert PointsEntry.objects.get(member=other, source_id=str(meeting.pk)).points == D("2")
    # deleting the meeting reverses every entry it produced
    services.delete_meeting(actor=cast.secretary_a, meeting=meeting)
    assert not PointsEntry.objects.filter(source_id=str(meeting.pk)).exists()
    assert MemberYear.objects.get(member=other, year=2026).total == D("60")
