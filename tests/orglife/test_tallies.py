"""The meeting counts compliance reads follow every write of a meeting (issue 16 item 5)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from ronghe.orglife import compliance, services, tallies
from ronghe.orglife.models import Meeting, MeetingTally
from tests.orglife.conftest import at

pytestmark = pytest.mark.django_db


def kept(org_id: int) -> dict[tuple[int, int, str], int]:
    return {
        (t.year, t.month, t.kind): t.held
        for t in MeetingTally.objects.filter(organization_id=org_id, held__gt=0)
    }


def entries(meeting: Meeting) -> dict[int, services.AttendanceEntry]:
    return {a.member_id: services.AttendanceEntry(a.status) for a in meeting.attendances.all()}


def test_recorded_meeting_counts_in_its_local_month(cast, branch_members, record):
    # 2026-10-31 23:30 in Beijing is still October there (15:30 UTC), whatever the server's clock.
    record(held=at(2026, 10, 31, 23, 30), now=at(2026, 11, 2, 9))
    assert kept(cast.branch_a.pk) == {(2026, 10, "general_meeting"): 1}
    assert tallies.check() == []


def test_planned_meeting_counts_only_once_held(cast, branch_members, record):
    # Leave may be entered ahead (请假): all marked, the meeting becomes held once its time comes.
    members = services.members_for_attendance(cast.branch_a)
    meeting = services.record_meeting(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={"kind": "general_meeting", "title": "计划", "held_at": at(2026, 12, 24, 9), "ends_at": None},
        attendance={m.pk: services.AttendanceEntry("excused", reason="出差") for m in members},
        now=at(2026, 12, 1, 9),
    )
    assert meeting.state == "planned"
    assert kept(cast.branch_a.pk) == {}
    services.advance_meetings(now=at(2026, 12, 24, 10))
    assert Meeting.objects.get(pk=meeting.pk).state == "held"
    assert kept(cast.branch_a.pk) == {(2026, 12, "general_meeting"): 1}
    assert tallies.check() == []


def test_moving_a_meeting_moves_its_count(cast, branch_members, record):
    meeting = record(held=at(2026, 9, 10, 9), now=at(2026, 11, 2, 9))
    data = {"kind": "party_lecture", "title": "改期", "held_at": at(2026, 8, 5, 9), "ends_at": None}
    services.update_meeting(
        actor=cast.secretary_a,
        meeting=meeting,
        data=data,
        attendance=entries(meeting),
        now=at(2026, 11, 2, 9),
    )
    assert kept(cast.branch_a.pk) == {(2026, 8, "party_lecture"): 1}
    assert tallies.check() == []


def test_deleted_meeting_and_refused_quorum_do_not_count(cast, branch_members, record):
    first = record(held=at(2026, 9, 10, 9), now=at(2026, 11, 2, 9))
    second = record(held=at(2026, 9, 20, 9), now=at(2026, 11, 2, 9))
    assert kept(cast.branch_a.pk) == {(2026, 9, "general_meeting"): 2}
    services.delete_meeting(actor=cast.secretary_a, meeting=first)
    assert kept(cast.branch_a.pk) == {(2026, 9, "general_meeting"): 1}
    second.quorum_met = False
    second.save(update_fields=["quorum_met"])
    assert kept(cast.branch_a.pk) == {}
    assert tallies.check() == []


def test_compliance_reads_the_counts(cast, branch_members, record):
    record(held=at(2026, 3, 10, 9), now=at(2026, 11, 2, 9))
    orgs = cast.branch_a.subtree()
    reqs = [r for r in compliance.requirements_for_year(2026) if r.kind == "general_meeting"]
    assert reqs, "the seeded requirements hold a 党员大会 requirement"
    index = 1 if reqs[0].period == "quarter" else (3 if reqs[0].period == "month" else 1)
    assert compliance.held_counts(orgs, 2026, reqs) == {(cast.branch_a.pk, "general_meeting", index): 1}
    # Only months from `since` on are asked about (the to-do's window).
    assert compliance.held_counts(orgs, 2026, reqs, since=date(2026, 4, 1)) == {}


def test_bulk_loads_are_found_by_the_check_and_rebuilt(cast, branch_members):
    Meeting.objects.bulk_create(
        [
            Meeting(
                organization=cast.branch_a,
                kind="general_meeting",
                title="批量",
                held_at=at(2026, 5, 6, 9),
                state="held",
            )
        ]
    )
    wrong = tallies.check()
    assert [(m.cell[1:], m.kept, m.counted) for m in wrong] == [((2026, 5, "general_meeting"), 0, 1)]
    with pytest.raises(CommandError, match="1 个会议计数与会议记录不符"):
        call_command("orglife_tallies")
    call_command("orglife_tallies", "--rebuild")
    assert kept(cast.branch_a.pk) == {(2026, 5, "general_meeting"): 1}
    call_command("orglife_tallies")  # consistent now: no error
