"""Training use-cases: classes, enrolment, sessions, phone check-in (core.checkin) and hours."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from ronghe.core import audit, checkin
from ronghe.core.errors import DomainError
from ronghe.core.evidence import services as evidence
from ronghe.core.scope import require_at
from ronghe.core.types import Actor
from ronghe.core.workflow import services as workflow
from ronghe.education import rules
from ronghe.education.choices import AttendanceSource, Audience
from ronghe.education.models import (
    BirthdayCeremony,
    EducationPolicy,
    Enrolment,
    ExternalTraining,
    SessionAttendance,
    StudyScore,
    TrainingClass,
    TrainingSession,
)
from ronghe.members.choices import ACTIVE_STATUSES, MemberStatus
from ronghe.members.models import Member
from ronghe.orgs.models import Officer, Organization, subtree_filter
from ronghe.points.choices import ClaimAction, SourceType
from ronghe.points.services import ledger

VIEW, EDIT, MANAGE = "education.view", "education.edit", "education.manage"


def _hours(raw: object, field: str = "hours") -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("学时应为数字", field) from None
    if not value.is_finite():
        raise DomainError("学时应为数字", field)
    return value.quantize(Decimal("0.1"))


def create_class(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> TrainingClass:
    """A 培训班 held by `organization` (education.edit there)."""
    require_at(actor, EDIT, organization.path)
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError("请填写培训班名称", "title")
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise DomainError("请填写开班和结业日期", "starts_on")
    if ends_on < starts_on:
        raise DomainError("结业日期不能早于开班日期", "ends_on")
    audience = data.get("audience") or Audience.ALL
    if audience not in Audience.values:
        raise DomainError("请选择培训对象", "audience")
    with transaction.atomic():
        tc = TrainingClass.objects.create(
            organization=organization,
            title=title[:200],
            audience=audience,
            year=starts_on.year,
            starts_on=starts_on,
            ends_on=ends_on,
            description=(data.get("description") or "").strip(),
            created_by=actor,  # type: ignore[misc]
        )
        audit.record("education.class.create", actor=actor, obj=tc, changes={"title": tc.title})
    return tc


def audience_members(training_class: TrainingClass, on: date | None = None) -> list[Member]:
    """The active members of the class's organization subtree who belong to its audience."""
    on = on or training_class.starts_on
    qs = Member.objects.filter(
        subtree_filter(training_class.organization.path, "organization__path"), status__in=ACTIVE_STATUSES
    )
    if training_class.audience == Audience.PROBATIONARY:
        qs = qs.filter(status=MemberStatus.PROBATIONARY)
    elif training_class.audience in (Audience.SECRETARIES, Audience.STAFF):
        officers = Officer.objects.filter(started_on__lte=on).exclude(ended_on__lt=on)
        if training_class.audience == Audience.SECRETARIES:
            officers = officers.filter(post="secretary")
        qs = qs.filter(pk__in=officers.values("member_id"))
    return list(qs.order_by("organization__path", "name"))


def enrol(*, actor: Actor, training_class: TrainingClass, members: list[Member] | None = None) -> int:
    """Enrol the members listed, or (None) the class's whole audience; members outside the class's
    organization are refused. Returns how many were added (those already enrolled are kept)."""
    require_at(actor, EDIT, training_class.organization.path)
    if members is None:
        members = audience_members(training_class)
    outside = [
        m.name for m in members if not m.organization.path.startswith(training_class.organization.path)
    ]
    if outside:
        raise DomainError(f"{'、'.join(outside[:5])} 不属于举办党组织，不能报名", "members")
    if not members:
        raise DomainError("没有符合培训对象的党员", "members")
    with transaction.atomic():
        existing = set(training_class.enrolments.values_list("member_id", flat=True))
        new = [Enrolment(training_class=training_class, member=m) for m in members if m.pk not in existing]
        Enrolment.objects.bulk_create(new)
        audit.record("education.class.enrol", actor=actor, obj=training_class, changes={"added": len(new)})
    return len(new)


def add_session(
    *,
    actor: Actor,
    training_class: TrainingClass,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    hours: object,
) -> TrainingSession:
    require_at(actor, EDIT, training_class.organization.path)
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写课程名称", "title")
    value = _hours(hours)
    if problem := rules.session_hours_problem(hours=value, starts_at=starts_at, ends_at=ends_at):
        raise DomainError(problem, "hours" if "学时" in problem else "ends_at")
    with transaction.atomic():
        session = TrainingSession.objects.create(
            training_class=training_class,
            title=title[:200],
            starts_at=starts_at,
            ends_at=ends_at,
            hours=value,
        )
        audit.record("education.session.create", actor=actor, obj=session, changes={"hours": str(value)})
    return session


def _window(session: TrainingSession, policy: EducationPolicy) -> tuple[datetime, datetime]:
    return checkin.window(
        starts_at=session.starts_at, ends_at=session.ends_at, early_minutes=policy.checkin_early_minutes
    )


def open_checkin(*, actor: Actor, session: TrainingSession, now: datetime | None = None) -> TrainingSession:
    """A fresh short-lived code for the session's QR code (the previous code stops working)."""
    require_at(actor, EDIT, session.training_class.organization.path)
    now = now or timezone.now()
    policy = EducationPolicy.current()
    _, end = _window(session, policy)
    session.checkin_code, session.checkin_expires_at = checkin.issue_code(
        now=now, end=end, minutes=policy.checkin_code_minutes, what="课程"
    )
    session.save(update_fields=["checkin_code", "checkin_expires_at"])
    audit.record("education.checkin.open", actor=actor, obj=session)
    return session


def session_for_code(code: str) -> TrainingSession | None:
    return (
        TrainingSession.objects.select_related("training_class__organization")
        .filter(checkin_code=code)
        .first()
        if code
        else None
    )


def check_in(*, user: Actor, code: str, now: datetime | None = None) -> SessionAttendance:
    """An enrolled member marks themselves present, inside the window, once; the session's 学时 are
    credited and the training points indicator follows."""
    now = now or timezone.now()
    session = session_for_code(code)
    member_id = getattr(user, "member_id", None)
    if session is None or not member_id:
        raise DomainError("签到码无效", "code")
    if not session.training_class.enrolments.filter(member_id=member_id).exists():
        raise DomainError("您不是本培训班的学员，不能签到", "code")
    start, end = _window(session, EducationPolicy.current())
    checkin.check_window(now=now, start=start, end=end, what="课程")
    checkin.check_code(now=now, expires_at=session.checkin_expires_at, what="培训")
    try:
        with transaction.atomic():
            row = SessionAttendance.objects.create(
                session=session,
                member_id=member_id,
                hours=session.hours,
                source=AttendanceSource.CHECKIN,
                checked_in_at=now,
                year=timezone.localtime(session.starts_at).year,
            )
            audit.record("education.checkin", actor=user, obj=row)
            sync_session_points(session, user)
    except IntegrityError:
        raise DomainError("您已签到，不能重复签到", "code") from None
    return row


def record_attendance(
    *, actor: Actor, session: TrainingSession, member: Member, hours: object, note: str
) -> SessionAttendance:
    """The organizer records (or corrects) one member's attendance afterwards, with a reason; the hours
    may not exceed the session's."""
    require_at(actor, EDIT, session.training_class.organization.path)
    if not session.training_class.enrolments.filter(member=member).exists():
        raise DomainError(f"{member.name} 不是本培训班的学员", "member")
    value = _hours(hours)
    if value <= 0 or value > session.hours:
        raise DomainError(f"学时应在 0.1 至 {session.hours} 之间（本课程学时）", "hours")
    if not (note or "").strip():
        raise DomainError("请填写补录理由", "note")
    with transaction.atomic():
        row, created = SessionAttendance.objects.update_or_create(
            session=session,
            member=member,
            defaults={
                "hours": value,
                "source": AttendanceSource.ENTERED,
                "year": timezone.localtime(session.starts_at).year,
            },
        )
        audit.record(
            "education.attendance.record",
            actor=actor,
            obj=row,
            changes={"hours": str(value), "note": note.strip()[:200], "created": created},
        )
        sync_session_points(session, actor)
    return row


def sync_session_points(session: TrainingSession, actor: Actor | None) -> None:
    """The members present at the session earn the training indicator of their points scheme."""
    # the ledger's own entry point for training: idempotent per session, the members present earn it
    ledger.record_activity_points(
        source_type=SourceType.TRAINING,
        source_id=f"education:{session.code}",
        member_ids=list(session.attendances.values_list("member_id", flat=True)),
        on=timezone.localtime(session.starts_at).date(),
        note=f"培训：{session.training_class.title} · {session.title}",
        actor=actor if getattr(actor, "is_authenticated", False) else None,  # type: ignore[arg-type]
    )


def update_policy(*, actor: Actor, member_hours: object, officer_hours: object) -> EducationPolicy:
    """The 工委 sets the yearly 学时 requirement (education.manage at the root)."""
    from ronghe.orgs.models import Organization as Org

    root = Org.objects.filter(parent__isnull=True).order_by("path").first()
    require_at(actor, MANAGE, root.path if root else "")
    member, officer = _hours(member_hours, "member_hours"), _hours(officer_hours, "officer_hours")
    if not (0 < member <= 500):
        raise DomainError("党员学时要求应在 1 至 500 之间", "member_hours")
    if not (member <= officer <= 500):
        raise DomainError("书记、委员学时要求不能低于党员学时要求", "officer_hours")
    policy = EducationPolicy.current()
    before = {"member_hours": str(policy.member_hours), "officer_hours": str(policy.officer_hours)}
    policy.member_hours, policy.officer_hours = member, officer
    policy.save(update_fields=["member_hours", "officer_hours", "updated_at"])
    audit.record(
        "education.policy.update",
        actor=actor,
        obj=policy,
        changes=audit.diff(before, {"member_hours": str(member), "officer_hours": str(officer)}),
    )
    return policy


def _date(raw: object, field: str, label: str) -> date:
    if not isinstance(raw, date):
        raise DomainError(f"请填写{label}", field)
    return raw


def submit_external_training(
    *, actor: Actor, member: Member, data: dict[str, Any], upload: UploadedFile[bytes] | None
) -> ExternalTraining:
    """A member records a training outside the platform with its evidence (a certificate, the notice,
    a photo); it counts in their 学时 once their branch approves it. Only for oneself."""
    if getattr(actor, "member_id", None) != member.pk:
        raise PermissionDenied("只能登记本人的外部培训")
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError("请填写培训名称", "title")
    organiser = (data.get("organiser") or "").strip()
    if not organiser:
        raise DomainError("请填写举办单位", "organiser")
    starts_on = _date(data.get("starts_on"), "starts_on", "开始日期")
    ends_on = _date(data.get("ends_on"), "ends_on", "结束日期")
    value = _hours(data.get("hours"))
    if problem := rules.external_training_problem(
        hours=value, starts_on=starts_on, ends_on=ends_on, today=timezone.localdate()
    ):
        raise DomainError(*problem)
    if upload is None:
        raise DomainError("请上传培训证明（结业证书、通知或照片）", "file")
    with transaction.atomic():
        record = ExternalTraining.objects.create(
            member=member,
            title=title[:200],
            organiser=organiser[:200],
            starts_on=starts_on,
            ends_on=ends_on,
            hours=value,
            year=ends_on.year,
            submitted_by=actor,  # type: ignore[misc]
        )
        # the file is the record's evidence; the branch (education.view) may open it
        evidence.attach_file(
            actor=actor,
            kind=rules.EXTERNAL_KIND,
            object_id=record.pk,
            organization=member.organization,
            upload=upload,
            permission="self.view",
            view_permission=VIEW,
        )
        workflow.start(rules.EXTERNAL_PROCESS, record, by=actor)
        audit.record(
            "education.external_submit",
            actor=actor,
            obj=record,
            changes={"title": record.title, "hours": str(value), "ends_on": str(ends_on)},
        )
    return record


def decide_external_training(
    *, actor: Actor, record: ExternalTraining, action: str, comment: str = ""
) -> ExternalTraining:
    """The branch approves (the hours count in the member's 学时 of the year, and the training points
    indicator follows) or rejects with a reason; the member may withdraw while it waits."""
    comment = (comment or "").strip()
    decided = action != ClaimAction.WITHDRAW
    with transaction.atomic():
        workflow.transition(
            rules.EXTERNAL_PROCESS,
            record,
            action,
            by=actor,
            comment=comment,
            fields={
                "decided_by": actor if decided else None,
                "decided_at": timezone.now(),
                "decision_reason": comment[:200],
            },
        )
        if action == ClaimAction.APPROVE:
            ledger.record_activity_points(
                source_type=SourceType.TRAINING,
                source_id=f"education-external:{record.code}",
                member_ids=[record.member_id],
                on=record.ends_on,
                note=f"外部培训：{record.title}",
                actor=actor,  # type: ignore[arg-type]
            )
    return record


def birthday_members(organization: Organization, month: int) -> list[Member]:
    """The active members of the organization's subtree whose 入党 anniversary falls in `month`."""
    return list(
        Member.objects.filter(
            subtree_filter(organization.path, "organization__path"),
            status__in=ACTIVE_STATUSES,
            joined_on__month=month,
        ).order_by("joined_on__day", "name")
    )


def hold_birthday_ceremony(
    *,
    actor: Actor,
    organization: Organization,
    held_on: date,
    members: list[Member] | None = None,
    oath_retaken: bool = True,
    note: str = "",
    photo: UploadedFile[bytes] | None = None,
) -> BirthdayCeremony:
    """Record the month's 政治生日 ceremony: the members listed (None: every member of the subtree whose
    anniversary falls in the month), whether the oath was retaken, and a photo as evidence."""
    require_at(actor, EDIT, organization.path)
    if not isinstance(held_on, date):
        raise DomainError("请填写仪式日期", "held_on")
    if held_on > timezone.localdate():
        raise DomainError("仪式日期不能晚于今天，仪式举行后再登记", "held_on")
    if members is None:
        members = birthday_members(organization, held_on.month)
    outside = [m.name for m in members if not m.organization.path.startswith(organization.path)]
    if outside:
        raise DomainError(f"{'、'.join(outside[:5])} 不属于本党组织", "members")
    for m in members:
        if problem := rules.birthday_attendee_problem(
            name=m.name, joined_on=m.joined_on, month=held_on.month
        ):
            raise DomainError(problem, "members")
    if not members:
        raise DomainError(f"本党组织没有 {held_on.month} 月过政治生日的党员", "members")
    with transaction.atomic():
        ceremony = BirthdayCeremony.objects.create(
            organization=organization,
            held_on=held_on,
            oath_retaken=bool(oath_retaken),
            note=(note or "").strip()[:200],
            created_by=actor,  # type: ignore[misc]
        )
        ceremony.attendees.set(members)
        if photo is not None:
            evidence.attach_file(
                actor=actor,
                kind=rules.BIRTHDAY_KIND,
                object_id=ceremony.pk,
                organization=organization,
                upload=photo,
                permission=EDIT,
                note="仪式照片",
            )
        audit.record(
            "education.birthday.hold",
            actor=actor,
            obj=ceremony,
            changes={"held_on": str(held_on), "members": len(members), "oath_retaken": ceremony.oath_retaken},
        )
    return ceremony


def sync_study_points(*, month: str, actor: Actor | None) -> dict[str, int]:
    """学习强国 feeds points: every member with learning points in the month earns, once for that month,
    the indicators of their scheme sourced from "study" (caps apply). Re-importing a month re-syncs it:
    the month's whole table decides, whichever unit's file came last."""
    year, number = int(month[:4]), int(month[5:7])
    return ledger.record_activity_points(
        source_type=SourceType.STUDY,
        source_id=f"xuexi:{month}",
        member_ids=list(
            StudyScore.objects.filter(month=month, points__gt=0).values_list("member_id", flat=True)
        ),
        on=date(year, number, 1),
        note=f"学习强国 {month}",
        actor=actor if getattr(actor, "is_authenticated", False) else None,  # type: ignore[arg-type]
    )
