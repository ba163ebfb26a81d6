"""Planned (已安排) vs held meetings, and attendance that starts unmarked (issue 16, items 1 and 2)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from ronghe.accounts.models import User
from ronghe.core.models import AuditEntry
from ronghe.orglife import compliance, facts, rollup, services
from ronghe.orglife.models import Meeting
from ronghe.orglife.queries import study_day_schedule
from ronghe.orgs.models import Organization
from ronghe.points import services as points_services
from ronghe.points.models import PointsEntry
from tests.orglife.conftest import at

pytestmark = pytest.mark.django_db

DEC_2, DEC_24 = at(2026, 12, 2, 9), at(2026, 12, 24, 15, 0)


def _plan(cast, *, kind="theme_day", held=DEC_24, now=DEC_2, attendance=None) -> Meeting:
    return services.record_meeting(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={"kind": kind, "title": "已安排的会议", "held_at": held, "ends_at": None},
        attendance=attendance or {},
        now=now,
    )


def _met(cast, kind: str, index: int, today: date) -> int:
    """How many meetings count for the branch's obligation `kind`/`index` (the per-organization engine)."""
    results = compliance.compute_compliance(Organization.objects.filter(pk=cast.branch_a.pk), 2026, today)
    return next(o.held for o in results[0].obligations if o.kind == kind and o.slot.index == index)


def _rollup_met(cast, today: date) -> int:
    tallies = rollup.subtree_tallies(
        Organization.objects.filter(pk=cast.branch_a.pk), [cast.branch_a.path], 2026, today
    )
    return tallies[cast.branch_a.path][0].met


# services ------------------------------------------------------------------------------------------


def test_a_meeting_saved_ahead_is_planned_with_everyone_unmarked(cast, branch_members):
    meeting = _plan(cast)
    assert meeting.state == "planned"
    assert set(meeting.attendances.values_list("status", flat=True)) == {"unmarked"}
    assert meeting.attendances.count() == 12


def test_nobody_can_be_marked_present_or_absent_ahead_but_leave_can(cast, branch_members):
    full, _ = branch_members
    entries = {
        full[0].pk: services.AttendanceEntry("present"),
        full[1].pk: services.AttendanceEntry("absent"),
    }
    with pytest.raises(services.OrgLifeError, match="请将 2 人改为未标记"):
        _plan(cast, attendance=entries)
    meeting = _plan(cast, attendance={full[2].pk: services.AttendanceEntry("excused", "出差")})
    assert meeting.attendances.get(member=full[2]).status == "excused"


def test_a_started_meeting_cannot_be_completed_with_members_unmarked(cast, branch_members):
    full, _ = branch_members
    with pytest.raises(services.OrgLifeError, match="还有 2 名应到人员未标记出席情况"):
        services.record_meeting(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            data={"kind": "theme_day", "title": "主题党日", "held_at": at(2026, 11, 20, 9), "ends_at": None},
            attendance={m.pk: services.AttendanceEntry("present") for m in full},
            now=at(2026, 11, 20, 12),
        )
    assert not Meeting.objects.exists()


def test_a_planned_meeting_counts_nowhere_until_held(cast, branch_members, time_machine):
    # given a theme day on 12-24 saved on 12-02
    points_services.seed_default_scheme(organization=cast.committee, year=2026)
    time_machine.move_to(at(2026, 12, 2, 9), tick=False)
    today = date(2026, 12, 2)
    meeting = _plan(cast)
    # then December's 主题党日 is not done, in the engine, the rollup and the facts other apps read
    assert _met(cast, "theme_day", 12, today) == 0
    assert _rollup_met(cast, today) == 0
    assert facts.attendance_facts(cast.branch_a, date(2026, 12, 1), date(2026, 12, 31)).meetings == 0
    assert not PointsEntry.objects.exists()
    # when the day comes and the secretary completes the record (everyone marked)
    time_machine.move_to(at(2026, 12, 24, 17), tick=False)
    rows = list(meeting.attendances.all())
    services.update_meeting(
        actor=cast.secretary_a,
        meeting=meeting,
        data={"kind": "theme_day", "title": "主题党日", "held_at": DEC_24, "ends_at": None},
        attendance={r.member_id: services.AttendanceEntry("present") for r in rows},
    )
    # then it is held, counts and earns
    meeting.refresh_from_db()
    assert meeting.state == "held"
    assert _met(cast, "theme_day", 12, date(2026, 12, 24)) == 1
    assert _rollup_met(cast, date(2026, 12, 24)) == 1
    assert PointsEntry.objects.filter(source_id=str(meeting.pk)).count() == 12


def test_the_daily_task_moves_a_meeting_completed_by_check_in(cast, branch_members, time_machine):
    # given a planned theme day where everyone but 张甲 asked for leave ahead, and 张甲 checks in early
    points_services.seed_default_scheme(organization=cast.committee, year=2026)
    full, prob = branch_members
    leave = {m.pk: services.AttendanceEntry("excused", "出差") for m in full[1:] + prob}
    meeting = _plan(cast, attendance=leave)
    time_machine.move_to(at(2026, 12, 24, 14, 50), tick=False)
    services.open_checkin(actor=cast.secretary_a, meeting=meeting)
    code = Meeting.objects.get(pk=meeting.pk).checkin_code
    services.check_in(user=User.objects.get(pk=cast.member_a.pk), code=code)
    # the meeting has not started yet: still planned, no points
    assert Meeting.objects.get(pk=meeting.pk).state == "planned"
    assert not PointsEntry.objects.exists()
    # when the daily task runs after the start, with no edit
    time_machine.move_to(at(2026, 12, 25, 1), tick=False)
    call_command("send_reminders", stdout=io.StringIO())
    # then the meeting is held and 张甲's points arrived
    assert Meeting.objects.get(pk=meeting.pk).state == "held"
    assert PointsEntry.objects.filter(member=cast.member_a_record, source_id=str(meeting.pk)).exists()


def test_a_started_meeting_with_members_unmarked_stays_planned(cast, branch_members, time_machine):
    meeting = _plan(cast)
    time_machine.move_to(at(2026, 12, 25, 1), tick=False)
    assert services.advance_meetings() == 0
    meeting.refresh_from_db()
    assert (meeting.state, meeting.state_label) == ("planned", "待标记出席")


# pages ---------------------------------------------------------------------------------------------


def test_the_attendance_form_starts_unmarked(cast, branch_members, client_for):
    full, _ = branch_members
    body = (
        client_for(cast.secretary_a)
        .get(reverse("orglife:meeting-create") + f"?org={cast.branch_a.code}")
        .content.decode()
    )
    assert f'name="att-{full[0].pk}"' in body
    assert '<option value="unmarked" selected>未标记</option>' in body
    assert '<option value="present" selected>' not in body


def test_the_page_refuses_to_complete_a_meeting_with_members_unmarked(cast, branch_members, client_for):
    full, _ = branch_members
    data = {
        "org": str(cast.branch_a.code),
        "kind": "theme_day",
        "title": "主题党日",
        "held_at": "2026-11-20T09:00",
        "ends_at": "2026-11-20T10:30",
        **{f"att-{m.pk}": "present" for m in full},
    }
    response = client_for(cast.secretary_a).post(reverse("orglife:meeting-create"), data)
    assert response.status_code == 400
    assert "还有 2 名应到人员未标记出席情况" in response.content.decode()
    assert not Meeting.objects.exists()


def test_pages_show_a_planned_meeting_as_planned(cast, branch_members, client_for, time_machine):
    time_machine.move_to(at(2026, 12, 2, 9), tick=False)
    meeting = _plan(cast)
    client = client_for(cast.secretary_a)
    listing = client.get(reverse("orglife:meeting-list")).content.decode()
    row = listing.split(f'id="meeting-{meeting.code}-row"')[1].split("</tr>")[0]
    assert "已安排" in row
    assert '<td class="text-end">—</td>' in row  # no 实到 for a meeting not held
    detail = client.get(reverse("orglife:meeting-detail", kwargs={"code": meeting.code})).content.decode()
    assert 'id="planned-badge">已安排' in detail
    assert "未标记 12" in detail
    calendar = client.get(
        reverse("orglife:org-calendar", kwargs={"code": cast.branch_a.code}) + "?year=2026"
    ).content.decode()
    december = calendar.split('id="ob-theme_day-12"')[1].split("</div>\n  </div>")[0]
    assert "0/1 次" in december
    assert "已安排" in december


def test_a_study_day_ahead_is_planned_in_the_schedule(cast, branch_members, client_for, time_machine):
    time_machine.move_to(at(2026, 12, 2, 9), tick=False)
    meeting = _plan(cast, kind="study_day", held=at(2026, 12, 24, 15))
    sessions = {s.day: s for s in study_day_schedule(cast.branch_a, 2026, date(2026, 12, 2))}
    assert (sessions[date(2026, 12, 24)].meeting, sessions[date(2026, 12, 24)].state) == (meeting, "planned")


def test_home_counts_only_held_meetings_this_month(cast, branch_members, client_for, time_machine, record):
    time_machine.move_to(at(2026, 12, 2, 9), tick=False)
    record(present=12, held=at(2026, 12, 1, 9))
    _plan(cast)
    response = client_for(cast.secretary_a).get(reverse("home:home"))
    assert response.context["meeting_count"] == 1


def test_the_home_page_moves_a_meeting_completed_by_check_in(cast, branch_members, client_for, time_machine):
    # given a planned theme day: everyone but 张甲 on leave ahead, 张甲 checked in before the start
    full, prob = branch_members
    meeting = _plan(
        cast, attendance={m.pk: services.AttendanceEntry("excused", "出差") for m in full[1:] + prob}
    )
    time_machine.move_to(at(2026, 12, 24, 14, 50), tick=False)
    services.open_checkin(actor=cast.secretary_a, meeting=meeting)
    services.check_in(user=cast.member_a, code=Meeting.objects.get(pk=meeting.pk).checkin_code)
    # when the secretary opens the home page after the start
    time_machine.move_to(at(2026, 12, 24, 15, 5), tick=False)
    response = client_for(cast.secretary_a).get(reverse("home:home"))
    # then the meeting is held and counted in 本月会议
    assert Meeting.objects.get(pk=meeting.pk).state == "held"
    assert response.context["meeting_count"] == 1
    # and the platform moved it, not the secretary who happened to open a page
    held = AuditEntry.objects.get(event="orglife.meeting.held", object_id=str(meeting.code))
    assert held.actor_id is None and held.actor_username == ""
