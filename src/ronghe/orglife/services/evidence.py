"""A meeting's evidence: attachments (type and size checked, stored outside the web root) and
phone check-in with its corrections."""

from __future__ import annotations

from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit, checkin
from ronghe.core.errors import DomainError
from ronghe.core.evidence import files
from ronghe.core.scope import require_at
from ronghe.orglife import rules
from ronghe.orglife.choices import (
    AttendanceSource,
    AttendanceStatus,
)
from ronghe.orglife.models import (
    Attachment,
    Attendance,
    Meeting,
    OrgLifePolicy,
)
from ronghe.orglife.services.meetings import (
    AttendanceEntry,
    OrgLifeError,
    advance_meetings,
    check_attendance,
    refresh_quorum,
)
from ronghe.points import services as points_services

ATTACHMENT_FOLDER = "orglife"
ALLOWED_UPLOADS = files.ALLOWED_UPLOADS


def add_attachment(*, actor: User, meeting: Meeting, upload: UploadedFile[bytes]) -> Attachment:
    """Store a photo or document outside the database under a generated name, with its SHA-256
    (checked and written by `core.evidence.files`)."""
    require_at(actor, "orglife.edit", meeting.organization.path)
    try:
        stored = files.store_upload(upload, folder=ATTACHMENT_FOLDER)
    except DomainError as exc:
        raise OrgLifeError(exc.message, exc.field) from exc
    try:
        with transaction.atomic():
            att = Attachment.objects.create(
                meeting=meeting,
                original_name=stored.original_name,
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=actor,
            )
            audit.record(
                "orglife.attachment.create", obj=att, changes={"sha256": att.sha256, "size": att.size}
            )
    except Exception:
        files.discard(ATTACHMENT_FOLDER, stored.stored_name)
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
    try:  # the one check-in mechanism (core.checkin), shared with training and volunteering
        meeting.checkin_code, meeting.checkin_expires_at = checkin.issue_code(
            now=now, end=end, minutes=policy.checkin_code_minutes
        )
    except DomainError as exc:
        raise OrgLifeError(exc.message, exc.field) from None
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
    try:
        checkin.check_window(now=now, start=start, end=end)
    except DomainError as exc:
        raise OrgLifeError(exc.message, exc.field) from None
    return meeting, row


def check_in(*, user: User, code: str, now: datetime | None = None) -> Attendance:
    """A member marks themselves present: own organization only, inside the window, once."""
    now = now or timezone.now()
    meeting, row = _checkin_target(user=user, code=code, now=now)
    try:
        checkin.check_code(now=now, expires_at=meeting.checkin_expires_at)
    except DomainError as exc:
        raise OrgLifeError(exc.message, exc.field) from None
    if row.checked_in_at is not None:
        raise OrgLifeError("您已签到，不能重复签到", "code")
    with transaction.atomic():
        # Conditional on "not yet checked in": of a double tap's two requests only one writes the
        # check-in and its audit row; the other is told it is already done (issue 22).
        fields = {
            "status": AttendanceStatus.PRESENT,
            "reason": "",
            "source": AttendanceSource.CHECKIN,
            "checked_in_at": now,
        }
        if not Attendance.objects.filter(pk=row.pk, checked_in_at__isnull=True).update(**fields):
            raise OrgLifeError("您已签到，不能重复签到", "code")
        for name, value in fields.items():
            setattr(row, name, value)
        audit.record("orglife.checkin", obj=row, actor=user)
        refresh_quorum(meeting)
        points_services.sync_meeting_points(meeting=meeting)
    advance_meetings(now=now, meeting=meeting)  # the last one marked completes a started meeting
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
    check_attendance({0: AttendanceEntry(status, reason)})
    if status == AttendanceStatus.UNMARKED:
        raise OrgLifeError("请选择出席、请假或缺席", "status")
    if attendance.meeting.held_at > timezone.now() and status != AttendanceStatus.EXCUSED:
        raise OrgLifeError("会议尚未开始，只能提前登记请假", "status")
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
    advance_meetings(meeting=attendance.meeting)  # marking the last one completes a started meeting
    return attendance
