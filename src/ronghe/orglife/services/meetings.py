"""Meetings: record, update and delete one with its attendance; who is expected; the quorum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import require_at
from ronghe.members.models import Member
from ronghe.members.queries import Standing, members_of, standings_on
from ronghe.orglife import rules
from ronghe.orglife.choices import (
    AttendanceSource,
    AttendanceStatus,
    ExpectedAttendees,
    LateEntryMode,
    MeetingKind,
    MeetingState,
)
from ronghe.orglife.models import (
    Attendance,
    Meeting,
    MeetingRequirement,
    OrgLifePolicy,
    SittingIn,
)
from ronghe.orgs.models import Officer, Organization
from ronghe.points import services as points_services


class OrgLifeError(DomainError):
    """A refused use-case, with a Chinese message naming the field."""


MEETING_FIELDS = (
    "kind",
    "title",
    "held_at",
    "ends_at",
    "place",
    "host_id",
    "recorder_id",
    "agenda",
    "minutes",
    "remarks",
    "requires_sign_out",
)


@dataclass(frozen=True)
class AttendanceEntry:
    status: str
    reason: str = ""


COMMITTEE_KINDS = frozenset({MeetingKind.COMMITTEE_MEETING, MeetingKind.LEADERSHIP_LIFE_MEETING})


def expects_committee(kind: str, year: int) -> bool:
    """Whether a meeting kind expects the committee (officers) rather than all members.

    Read from that year's requirement (or the latest earlier one); 支委会 and 民主生活会 by default.
    """
    expected = (
        MeetingRequirement.objects.filter(kind=kind, year__lte=year)
        .order_by("-year")
        .values_list("expected", flat=True)
        .first()
    )
    if expected is None:
        return kind in COMMITTEE_KINDS
    return expected == ExpectedAttendees.COMMITTEE


def committee_on(organization: Organization, on: date) -> list[Standing]:
    """The committee of an organization on a day: members holding one of its posts (班子成员)
    that day — started on or before it and not yet left (a post ended on `on` is no longer held).
    For a 党组 these are the leading cadres expected at its 民主生活会."""
    ids = (
        Officer.objects.filter(organization=organization, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .values("member_id")
    )
    members = Member.objects.filter(pk__in=ids).order_by("name", "id")
    return [s for s in standings_on(members, on) if s.active]


def expected_attendees(organization: Organization, *, kind: str, on: date) -> list[Standing]:
    """Who is expected at a meeting held on `on`: the committee on that day for committee kinds,
    otherwise the organization's active members on that day (with their status on that day)."""
    if expects_committee(kind, on.year):
        return committee_on(organization, on)
    return members_of(organization, on=on)


def members_for_attendance(
    organization: Organization, *, kind: str = MeetingKind.GENERAL_MEETING, on: date | None = None
) -> list[Member]:
    """Attendance is proposed from those expected on the meeting date (today when not given).

    Each member carries `status_on`: their status on that date (预备党员 do not vote).
    """
    out = []
    for s in expected_attendees(organization, kind=kind, on=on or timezone.localdate()):
        s.member.status_on = s.status
        out.append(s.member)
    return out


def _meeting_day(data: dict[str, Any]) -> date:
    return timezone.localdate(data["held_at"])


def _snapshot(meeting: Meeting) -> dict[str, Any]:
    return {f: str(getattr(meeting, f)) if getattr(meeting, f) is not None else None for f in MEETING_FIELDS}


def check_attendance(entries: dict[int, AttendanceEntry]) -> None:
    for entry in entries.values():
        if entry.status not in AttendanceStatus.values:
            raise OrgLifeError("出席情况无效", "attendance")
        if entry.status == AttendanceStatus.EXCUSED and not entry.reason.strip():
            raise OrgLifeError("请假的党员须填写请假原因", "attendance")


def _write_attendance(meeting: Meeting, members: list[Member], entries: dict[int, AttendanceEntry]) -> None:
    """Write one row per expected member; voting rights follow the status on the meeting date."""
    existing = {a.member_id: a for a in meeting.attendances.all()}
    create, update = [], []
    for m in members:
        entry = entries.get(m.pk, AttendanceEntry(AttendanceStatus.UNMARKED))
        voter = rules.is_voter(getattr(m, "status_on", None) or m.status)
        row = existing.get(m.pk)
        if row is None:
            create.append(
                Attendance(
                    meeting=meeting,
                    member=m,
                    status=entry.status,
                    reason=entry.reason.strip(),
                    is_voter=voter,
                )
            )
        elif row.status != entry.status or row.reason != entry.reason.strip() or row.is_voter != voter:
            row.status, row.reason, row.is_voter = entry.status, entry.reason.strip(), voter
            update.append(row)
    Attendance.objects.bulk_create(create)
    Attendance.objects.bulk_update(update, ["status", "reason", "is_voter"])


def refresh_quorum(meeting: Meeting) -> bool | None:
    """Store whether enough of those expected attended for the meeting to count.

    支委会: strictly more than half of the committee members on the date (rules.committee_quorum);
    民主生活会: at least two thirds of those expected (rules.meets_two_thirds). Other kinds: None.
    With nobody expected (no committee recorded) it stays None: it cannot be checked.
    """
    value = None
    if meeting.kind in COMMITTEE_KINDS:
        statuses = list(meeting.attendances.values_list("status", flat=True))
        present = sum(1 for s in statuses if s == AttendanceStatus.PRESENT)
        if statuses:
            check = (
                rules.committee_quorum
                if meeting.kind == MeetingKind.COMMITTEE_MEETING
                else rules.meets_two_thirds
            )
            value = check(present=present, expected=len(statuses))
    if meeting.quorum_met != value:
        meeting.quorum_met = value
        meeting.save(update_fields=["quorum_met", "updated_at"])
    return value


def _check_state(
    held_at: datetime,
    now: datetime,
    members: list[Member],
    entries: dict[int, AttendanceEntry],
    checked_in: dict[int, str] | None = None,
) -> str:
    """The state a meeting saved with this attendance takes, or a refusal.

    Ahead of its start a meeting is planned: nobody can be marked present or absent yet (请假 may
    be entered ahead; a check-in already made stays). Once started, saving it completes the record,
    so every expected member must be marked.
    """
    if held_at > now:
        kept = checked_in or {}
        early = sum(
            1
            for m in members
            if (e := entries.get(m.pk)) is not None
            and e.status in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT)
            and kept.get(m.pk) != e.status
        )
        if early:
            raise OrgLifeError(
                f"会议尚未开始，不能登记出席或缺席：请将 {early} 人改为未标记（请假可提前登记）", "attendance"
            )
        return MeetingState.PLANNED
    unmarked = sum(
        1
        for m in members
        if entries.get(m.pk, AttendanceEntry(AttendanceStatus.UNMARKED)).status == AttendanceStatus.UNMARKED
    )
    if unmarked:
        raise OrgLifeError(f"还有 {unmarked} 名应到人员未标记出席情况，请标记后再保存", "attendance")
    return MeetingState.HELD


def _write_sitting_in(meeting: Meeting, sitting_in: list[tuple[str, str]]) -> None:
    meeting.sitting_ins.all().delete()
    SittingIn.objects.bulk_create(
        [
            SittingIn(meeting=meeting, name=n.strip()[:50], affiliation=a.strip()[:100])
            for n, a in sitting_in
            if n.strip()
        ]
    )


def _check_header(data: dict[str, Any], members: list[Member]) -> None:
    if data.get("ends_at") and data["ends_at"] <= data["held_at"]:
        raise OrgLifeError("结束时间必须晚于开始时间", "ends_at")
    ids = {m.pk for m in members}
    for field in ("host", "recorder"):
        person = data.get(field)
        if person is not None and person.pk not in ids:
            raise OrgLifeError(f"{'主持人' if field == 'host' else '记录人'}须为本次会议应到人员", field)


def record_meeting(
    *,
    actor: User,
    organization: Organization,
    data: dict[str, Any],
    attendance: dict[int, AttendanceEntry],
    sitting_in: list[tuple[str, str]] | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Record a meeting with its attendance. Late entries follow the policy (marked or refused)."""
    require_at(actor, "orglife.edit", organization.path)
    now = now or timezone.now()
    members = members_for_attendance(organization, kind=data["kind"], on=_meeting_day(data))
    _check_header(data, members)
    check_attendance(attendance)
    state = _check_state(data["held_at"], now, members, attendance)
    policy = OrgLifePolicy.current()
    end = data.get("ends_at") or data["held_at"]
    late, refusal = rules.late_entry(
        held_on=timezone.localdate(end),
        entered_on=timezone.localdate(now),
        after_days=policy.late_after_days,
        refuse=policy.late_entry_mode == LateEntryMode.REFUSE,
    )
    if refusal:
        audit.record(
            "orglife.meeting.create", obj=organization, outcome="failure", changes={"reason": refusal}
        )
        raise OrgLifeError(refusal, "held_at")
    with transaction.atomic():
        meeting = Meeting(
            organization=organization,
            created_by=actor if getattr(actor, "pk", None) else None,
            entered_late=late,
            state=state,
            **data,
        )
        meeting.save()
        _write_attendance(meeting, members, attendance)
        _write_sitting_in(meeting, sitting_in or [])
        refresh_quorum(meeting)
        audit.record(
            "orglife.meeting.create", obj=meeting, changes={"after": _snapshot(meeting), "late": late}
        )
        points_services.sync_meeting_points(meeting=meeting)
    return meeting


def update_meeting(
    *,
    actor: User,
    meeting: Meeting,
    data: dict[str, Any],
    attendance: dict[int, AttendanceEntry],
    sitting_in: list[tuple[str, str]] | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Save a meeting's record; saved after its start it is completed (held), before it planned."""
    require_at(actor, "orglife.edit", meeting.organization.path)
    now = now or timezone.now()
    kind = data.get("kind", meeting.kind)
    on = timezone.localdate(data.get("held_at", meeting.held_at))
    members = members_for_attendance(meeting.organization, kind=kind, on=on)
    known = set(meeting.attendances.values_list("member_id", flat=True)) - {m.pk for m in members}
    for standing in standings_on(Member.objects.filter(pk__in=known), on):
        standing.member.status_on = standing.status  # already on the attendance: kept when edited
        members.append(standing.member)
    _check_header(data, members)
    check_attendance(attendance)
    checked_in = dict(
        meeting.attendances.filter(source=AttendanceSource.CHECKIN).values_list("member_id", "status")
    )
    state = _check_state(data.get("held_at", meeting.held_at), now, members, attendance, checked_in)
    with transaction.atomic():
        before = _snapshot(meeting)
        for key, value in data.items():
            setattr(meeting, key, value)
        meeting.state = state
        meeting.save()
        _write_attendance(meeting, members, attendance)
        if sitting_in is not None:
            _write_sitting_in(meeting, sitting_in)
        refresh_quorum(meeting)
        audit.record("orglife.meeting.update", obj=meeting, changes=audit.diff(before, _snapshot(meeting)))
        points_services.sync_meeting_points(meeting=meeting)
    return meeting


def advance_meetings(*, now: datetime | None = None, meeting: Meeting | None = None) -> int:
    """Move planned meetings whose start has come and whose attendance is all marked (by check-in or
    correction) to held, and bring their points in; return how many moved.

    Run by the daily task and on the next meeting page view, so points arrive without an edit.
    One query finds them (planned meetings are few: index on state, held_at); only movers are written.
    """
    now = now or timezone.now()
    # correlated on meeting_id (indexed), so only the few planned meetings' rows are read
    unmarked = Attendance.objects.filter(meeting=OuterRef("pk"), status=AttendanceStatus.UNMARKED)
    due = Meeting.objects.filter(state=MeetingState.PLANNED, held_at__lte=now).exclude(Exists(unmarked))
    if meeting is not None:
        due = due.filter(pk=meeting.pk)
    moved = 0
    for m in due.select_related("organization"):
        try:
            with transaction.atomic():
                # conditional, so a concurrent view and the task do not both move it
                if not Meeting.objects.filter(pk=m.pk, state=MeetingState.PLANNED).update(
                    state=MeetingState.HELD
                ):
                    continue
                m.state = MeetingState.HELD
                m.save(update_fields=["state", "updated_at"])  # signals: the read caches drop their copies
                audit.record("orglife.meeting.held", obj=m, system=True, changes={"state": MeetingState.HELD})
                points_services.sync_meeting_points(meeting=m)
        except DomainError:
            # points refused (a finalized year): it stays planned rather than fail the page view;
            # an edit by the secretary shows the reason
            m.state = MeetingState.PLANNED
            continue
        moved += 1
    if meeting is not None and moved:
        meeting.state = MeetingState.HELD
    return moved


def delete_meeting(*, actor: User, meeting: Meeting) -> None:
    require_at(actor, "orglife.edit", meeting.organization.path)
    with transaction.atomic():
        points_services.remove_meeting_points(meeting=meeting)
        audit.record("orglife.meeting.delete", obj=meeting, changes={"before": _snapshot(meeting)})
        files = [settings.MEDIA_ROOT / "orglife" / a.stored_name for a in meeting.attachments.all()]
        meeting.delete()

        def remove_files() -> None:
            for f in files:
                f.unlink(missing_ok=True)

        transaction.on_commit(remove_files)
