"""Use-cases of organizational life: one function per user intent, scoped and audited."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import has_perm_anywhere, require_at
from ronghe.members.models import Member
from ronghe.members.queries import Standing, members_of, standings_on
from ronghe.orglife import rules
from ronghe.orglife.choices import (
    AttendanceSource,
    AttendanceStatus,
    ExpectedAttendees,
    LateEntryMode,
    MeetingKind,
)
from ronghe.orglife.models import (
    Attachment,
    Attendance,
    Decision,
    Meeting,
    MeetingRequirement,
    OrgLifePolicy,
    SittingIn,
    VoterExclusion,
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


def _check_attendance(entries: dict[int, AttendanceEntry]) -> None:
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
        entry = entries.get(m.pk, AttendanceEntry(AttendanceStatus.ABSENT))
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
    _check_attendance(attendance)
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
) -> Meeting:
    require_at(actor, "orglife.edit", meeting.organization.path)
    kind = data.get("kind", meeting.kind)
    on = timezone.localdate(data.get("held_at", meeting.held_at))
    members = members_for_attendance(meeting.organization, kind=kind, on=on)
    known = set(meeting.attendances.values_list("member_id", flat=True)) - {m.pk for m in members}
    for standing in standings_on(Member.objects.filter(pk__in=known), on):
        standing.member.status_on = standing.status  # already on the attendance: kept when edited
        members.append(standing.member)
    _check_header(data, members)
    _check_attendance(attendance)
    with transaction.atomic():
        before = _snapshot(meeting)
        for key, value in data.items():
            setattr(meeting, key, value)
        meeting.save()
        _write_attendance(meeting, members, attendance)
        if sitting_in is not None:
            _write_sitting_in(meeting, sitting_in)
        refresh_quorum(meeting)
        audit.record("orglife.meeting.update", obj=meeting, changes=audit.diff(before, _snapshot(meeting)))
        points_services.sync_meeting_points(meeting=meeting)
    return meeting


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


def voters_of(meeting: Meeting) -> tuple[int, int]:
    """(voters expected, voters present) from the meeting's attendance.

    Voters are the members full on the meeting date, less those the higher organization approved
    leaving out of the expected voters (VoterExclusion, domain-rules §1.3 legacy guidance).
    """
    rows = list(
        meeting.attendances.filter(is_voter=True)
        .exclude(member_id__in=meeting.voter_exclusions.values("member_id"))
        .values_list("status", flat=True)
    )
    return len(rows), sum(1 for s in rows if s == AttendanceStatus.PRESENT)


def _require_higher(actor: User, meeting: Meeting) -> None:
    """Leaving a member out of the expected voters needs the higher organization's consent:
    it is recorded by someone with orglife.edit on the parent organization."""
    parent = meeting.organization.parent
    if parent is None:
        raise PermissionDenied("只有上级党组织可以登记不计入应到会人数的党员")
    require_at(actor, "orglife.edit", parent.path)


def add_voter_exclusion(
    *, actor: User, meeting: Meeting, member: Member, reason: str, approval_ref: str
) -> VoterExclusion:
    """Leave a full member out of a 党员大会's expected voters, with the reason and the approval."""
    _require_higher(actor, meeting)
    if meeting.kind != MeetingKind.GENERAL_MEETING:
        raise OrgLifeError("只有党员大会可以登记不计入应到会人数的党员", "member")
    if not reason.strip():
        raise OrgLifeError("请填写不计入应到会人数的原因", "reason")
    if not approval_ref.strip():
        raise OrgLifeError("请填写上级批准文号", "approval_ref")
    row = meeting.attendances.filter(member=member).first()
    if row is None or not row.is_voter:
        raise OrgLifeError(f"{member.name} 不是本次会议有表决权的党员", "member")
    if meeting.voter_exclusions.filter(member=member).exists():
        raise OrgLifeError(f"{member.name} 已登记为不计入应到会人数", "member")
    if meeting.decisions.exists():
        raise OrgLifeError("本次会议已有表决结果，须先删除决议再调整应到会人数", "member")
    with transaction.atomic():
        exclusion = VoterExclusion.objects.create(
            meeting=meeting,
            member=member,
            reason=reason.strip()[:200],
            approval_ref=approval_ref.strip()[:100],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            "orglife.voter_exclusion.create",
            actor=actor,
            obj=exclusion,
            changes={
                "member": member.name,
                "reason": exclusion.reason,
                "approval_ref": exclusion.approval_ref,
            },
        )
    return exclusion


def remove_voter_exclusion(*, actor: User, exclusion: VoterExclusion) -> None:
    meeting = exclusion.meeting
    _require_higher(actor, meeting)
    if meeting.decisions.exists():
        raise OrgLifeError("本次会议已有表决结果，须先删除决议再调整应到会人数", "member")
    with transaction.atomic():
        audit.record(
            "orglife.voter_exclusion.delete",
            actor=actor,
            obj=exclusion,
            changes={"member": exclusion.member.name, "approval_ref": exclusion.approval_ref},
        )
        exclusion.delete()


def add_decision(
    *, actor: User, meeting: Meeting, text: str, method: str, yes: int, no: int, abstain: int
) -> Decision:
    """Record a decision and its votes. At a 党员大会, refuse it without quorum (§1.3)."""
    require_at(actor, "orglife.edit", meeting.organization.path)
    if not text.strip():
        raise OrgLifeError("请填写决议内容", "text")
    expected, present = voters_of(meeting)
    if meeting.kind != MeetingKind.GENERAL_MEETING:
        present = meeting.attendances.filter(status=AttendanceStatus.PRESENT).count()
        expected = meeting.attendances.count()
    if meeting.kind == MeetingKind.COMMITTEE_MEETING and not rules.committee_quorum(
        present=present, expected=expected
    ):
        reason = (
            f"到会委员 {present} 人，未超过支委会委员 {expected} 人的半数，会议不能进行，不能表决"
            if expected
            else "未登记会议当日的支委会委员，无法核对到会人数，不能表决"
        )
        audit.record("orglife.decision.create", obj=meeting, outcome="failure", changes={"reason": reason})
        raise OrgLifeError(reason, "yes")
    if yes + no + abstain > present:
        raise OrgLifeError(
            f"赞成、反对、弃权合计 {yes + no + abstain} 票，超过到会有表决权的 {present} 人", "yes"
        )
    if meeting.kind == MeetingKind.GENERAL_MEETING:
        outcome = rules.evaluate_general_meeting_vote(
            voters_expected=expected, voters_present=present, yes=yes
        )
        if not outcome.quorate:
            audit.record(
                "orglife.decision.create",
                obj=meeting,
                outcome="failure",
                changes={"reason": outcome.explanation},
            )
            raise OrgLifeError(outcome.explanation, "yes")
        passed = outcome.passed
    else:
        passed = rules.evaluate_simple_vote(voters_present=present, yes=yes)
    with transaction.atomic():
        decision = Decision.objects.create(
            meeting=meeting,
            text=text.strip(),
            method=method,
            voters_expected=expected,
            voters_present=present,
            yes=yes,
            no=no,
            abstain=abstain,
            passed=passed,
        )
        audit.record(
            "orglife.decision.create",
            obj=decision,
            changes={"yes": yes, "no": no, "abstain": abstain, "passed": passed},
        )
    return decision


def delete_decision(*, actor: User, decision: Decision) -> None:
    require_at(actor, "orglife.edit", decision.meeting.organization.path)
    with transaction.atomic():
        audit.record("orglife.decision.delete", obj=decision, changes={"text": decision.text})
        decision.delete()


def set_grades(*, actor: User, meeting: Meeting, grades: dict[int, str]) -> None:
    """民主评议: grade full members; probationary members stay ungraded; 优秀 ≤ 1/3 (§1.2)."""
    require_at(actor, "orglife.edit", meeting.organization.path)
    if meeting.kind != MeetingKind.DEMOCRATIC_APPRAISAL:
        raise OrgLifeError("只有民主评议党员会议可以评定等次", "grade")
    rows = list(meeting.attendances.select_related("member"))
    new: dict[int, str] = {}
    for row in rows:
        grade = grades.get(row.member_id, "")
        if grade and not row.is_voter:
            raise OrgLifeError(f"{row.member.name} 是预备党员，参加评议但不评定等次", "grade")
        new[row.pk] = grade
    reason = rules.check_grades(list(new.values()))
    if reason:
        raise OrgLifeError(reason, "grade")
    with transaction.atomic():
        changed = []
        for row in rows:
            if row.grade != new[row.pk]:
                changed.append((row.member.name, row.grade, new[row.pk]))
                row.grade = new[row.pk]
        Attendance.objects.bulk_update(rows, ["grade"])
        audit.record("orglife.appraisal.grade", obj=meeting, changes={"grades": changed})
        points_services.sync_meeting_points(meeting=meeting)


ALLOWED_UPLOADS = {
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    ".pdf": ("application/pdf", [b"%PDF-"]),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [b"PK\x03\x04"]),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
}


def add_attachment(*, actor: User, meeting: Meeting, upload: UploadedFile[bytes]) -> Attachment:
    """Store a photo or document outside the database under a generated name, with its SHA-256."""
    require_at(actor, "orglife.edit", meeting.organization.path)
    name = Path(upload.name or "").name[:200]
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED_UPLOADS:
        raise OrgLifeError("附件类型不支持：只接受 JPG、PNG、PDF、DOCX、XLSX 文件", "file")
    size = upload.size or 0  # Django's upload handlers always set it
    if size > settings.RONGHE_UPLOAD_MAX_BYTES:
        raise OrgLifeError(
            f"附件过大：不能超过 {settings.RONGHE_UPLOAD_MAX_BYTES // (1024 * 1024)} MB", "file"
        )
    content_type, magics = ALLOWED_UPLOADS[ext]
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise OrgLifeError("附件内容与文件类型不符", "file")
    folder = Path(settings.MEDIA_ROOT) / "orglife"
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}{ext}"
    digest = hashlib.sha256()
    target = folder / stored
    with target.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    try:
        with transaction.atomic():
            att = Attachment.objects.create(
                meeting=meeting,
                original_name=name,
                stored_name=stored,
                content_type=content_type,
                size=size,
                sha256=digest.hexdigest(),
                uploaded_by=actor,
            )
            audit.record(
                "orglife.attachment.create", obj=att, changes={"sha256": att.sha256, "size": att.size}
            )
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return att


def open_checkin(*, actor: User, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Issue a fresh short-lived check-in code for the meeting (the previous code stops working)."""
    require_at(actor, "orglife.edit", meeting.organization.path)
    now = now or timezone.now()
    policy = OrgLifePolicy.current()
    start, end = rules.checkin_window(
        held_at=meeting.held_at, ends_at=meeting.ends_at, early_minutes=policy.checkin_early_minutes
    )
    if now > end:
        raise OrgLifeError("会议已结束，不能再开启签到", "checkin")
    meeting.checkin_code = secrets.token_urlsafe(6)[:8]
    meeting.checkin_expires_at = min(now + timedelta(minutes=policy.checkin_code_minutes), end)
    meeting.save(update_fields=["checkin_code", "checkin_expires_at", "updated_at"])
    audit.record("orglife.checkin.open", obj=meeting, changes={"expires_at": str(meeting.checkin_expires_at)})
    return meeting


def _checkin_target(*, user: User, code: str, now: datetime) -> tuple[Meeting, Attendance]:
    meeting = Meeting.objects.select_related("organization").filter(checkin_code=code).first()
    member_id = getattr(user, "member_id", None)
    if meeting is None or not member_id:
        raise OrgLifeError("签到码无效", "code")
    row = meeting.attendances.filter(member_id=member_id).first()
    if row is None:
        raise OrgLifeError("您不是该党组织的党员，不能签到", "code")
    policy = OrgLifePolicy.current()
    start, end = rules.checkin_window(
        held_at=meeting.held_at, ends_at=meeting.ends_at, early_minutes=policy.checkin_early_minutes
    )
    if not (start <= now <= end):
        raise OrgLifeError("不在会议签到时间内", "code")
    return meeting, row


def check_in(*, user: User, code: str, now: datetime | None = None) -> Attendance:
    """A member marks themselves present: own organization only, inside the window, once."""
    now = now or timezone.now()
    meeting, row = _checkin_target(user=user, code=code, now=now)
    if meeting.checkin_expires_at is None or now > meeting.checkin_expires_at:
        raise OrgLifeError("签到码已过期，请向会议组织者索取新的签到码", "code")
    if row.checked_in_at is not None:
        raise OrgLifeError("您已签到，不能重复签到", "code")
    with transaction.atomic():
        row.status, row.reason, row.source, row.checked_in_at = (
            AttendanceStatus.PRESENT,
            "",
            AttendanceSource.CHECKIN,
            now,
        )
        row.save(update_fields=["status", "reason", "source", "checked_in_at"])
        audit.record("orglife.checkin", obj=row, actor=user)
        refresh_quorum(meeting)
        points_services.sync_meeting_points(meeting=meeting)
    return row


def check_out(*, user: User, code: str, now: datetime | None = None) -> Attendance:
    now = now or timezone.now()
    meeting, row = _checkin_target(user=user, code=code, now=now)
    if not meeting.requires_sign_out:
        raise OrgLifeError("本次会议不需要签退", "code")
    if row.checked_in_at is None:
        raise OrgLifeError("您尚未签到，不能签退", "code")
    if row.checked_out_at is not None:
        raise OrgLifeError("您已签退", "code")
    row.checked_out_at = now
    row.save(update_fields=["checked_out_at"])
    audit.record("orglife.checkout", obj=row, actor=user)
    return row


def correct_attendance(
    *, actor: User, attendance: Attendance, status: str, reason: str, note: str
) -> Attendance:
    """The secretary corrects one attendance afterwards; the correction needs a reason and is audited."""
    require_at(actor, "orglife.edit", attendance.meeting.organization.path)
    if not note.strip():
        raise OrgLifeError("请填写更正理由", "note")
    _check_attendance({0: AttendanceEntry(status, reason)})
    before = {"status": attendance.status, "reason": attendance.reason}
    with transaction.atomic():
        attendance.status, attendance.reason, attendance.source = (
            status,
            reason.strip(),
            AttendanceSource.CORRECTED,
        )
        attendance.save(update_fields=["status", "reason", "source"])
        audit.record(
            "orglife.attendance.correct",
            obj=attendance,
            changes={
                **audit.diff(before, {"status": status, "reason": attendance.reason}),
                "note": note.strip(),
            },
        )
        refresh_quorum(attendance.meeting)
        points_services.sync_meeting_points(meeting=attendance.meeting)
    return attendance


def update_requirement(
    *, actor: User, requirement: MeetingRequirement, data: dict[str, Any]
) -> MeetingRequirement:
    _require_manager(actor)
    before = {k: getattr(requirement, k) for k in data}
    with transaction.atomic():
        for k, v in data.items():
            setattr(requirement, k, v)
        requirement.save()
        audit.record("orglife.requirement.update", obj=requirement, changes=audit.diff(before, data))
    return requirement


def copy_requirements(*, actor: User, from_year: int, to_year: int) -> int:
    """Copy one year's requirements to another year that has none yet (past years keep theirs)."""
    _require_manager(actor)
    if MeetingRequirement.objects.filter(year=to_year).exists():
        raise OrgLifeError(f"{to_year} 年已有组织生活要求，不能覆盖", "to_year")
    source = list(MeetingRequirement.objects.filter(year=from_year))
    if not source:
        raise OrgLifeError(f"{from_year} 年没有可复制的要求", "from_year")
    with transaction.atomic():
        for r in source:
            r.pk, r.year = None, to_year
        MeetingRequirement.objects.bulk_create(source)
        audit.record(
            "orglife.requirement.copy",
            object_type="orglife.meetingrequirement",
            object_id=str(to_year),
            changes={"from": from_year, "to": to_year, "count": len(source)},
        )
    return len(source)


def update_policy(*, actor: User, data: dict[str, Any]) -> OrgLifePolicy:
    _require_manager(actor)
    policy = OrgLifePolicy.current()
    before = {k: getattr(policy, k) for k in data}
    with transaction.atomic():
        for k, v in data.items():
            setattr(policy, k, v)
        policy.save()
        audit.record("orglife.policy.update", obj=policy, changes=audit.diff(before, data))
    return policy


def _require_manager(actor: User) -> None:
    if not has_perm_anywhere(actor, "orglife.manage_requirements"):
        raise PermissionDenied("您没有设置组织生活要求的权限")
