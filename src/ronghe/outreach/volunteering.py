"""志愿服务 use-cases: publish an activity, sign up, the one phone check-in (core.checkin) crediting the
activity's hours, the points of the volunteering indicator, and the standing teams (党员志愿服务先锋队)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from ronghe.core import audit, checkin
from ronghe.core.errors import DomainError
from ronghe.core.scope import require_at, scoped
from ronghe.core.types import Actor
from ronghe.education import rules as education_rules
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.outreach.models import (
    TeamMembership,
    VolunteerActivity,
    VolunteerRecord,
    VolunteerTeam,
)
from ronghe.points.choices import SourceType
from ronghe.points.services import ledger

VIEW, EDIT = "outreach.view", "outreach.edit"
CODE_MINUTES, EARLY_MINUTES = 15, 30
WHAT = "活动"


def create_activity(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> VolunteerActivity:
    require_at(actor, EDIT, organization.path)
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError("请填写活动名称", "title")
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise DomainError("请填写开始和结束时间", "starts_at")
    try:
        hours = Decimal(str(data.get("hours"))).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise DomainError("服务时长应为数字", "hours") from None
    # the same rule as a training session: no more hours than the activity lasts
    if problem := education_rules.session_hours_problem(hours=hours, starts_at=starts_at, ends_at=ends_at):
        raise DomainError(problem.replace("学时", "服务时长").replace("课程", "活动"), "hours")
    with transaction.atomic():
        activity = VolunteerActivity.objects.create(
            organization=organization,
            title=title[:200],
            place=(data.get("place") or "").strip()[:200],
            description=(data.get("description") or "").strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            hours=hours,
            created_by=actor,  # type: ignore[misc]
        )
        audit.record("outreach.volunteer.create", actor=actor, obj=activity, changes={"hours": str(hours)})
    return activity


def _member(user: Actor, activity: VolunteerActivity) -> Member:
    member_id = getattr(user, "member_id", None)
    member = (
        Member.objects.filter(
            pk=member_id or 0,
            status__in=ACTIVE_STATUSES,
            organization__path__startswith=activity.organization.path,
        ).first()
        if member_id
        else None
    )
    if member is None:
        raise DomainError("您不是组织本次活动的党组织的党员", "activity")
    return member


def sign_up(*, user: Actor, activity: VolunteerActivity, now: datetime | None = None) -> VolunteerRecord:
    now = now or timezone.now()
    member = _member(user, activity)
    if now > activity.ends_at:
        raise DomainError("活动已结束，不能报名", "activity")
    record, created = VolunteerRecord.objects.get_or_create(
        activity=activity,
        member=member,
        defaults={"signed_up_at": now, "year": timezone.localtime(activity.starts_at).year},
    )
    if not created:
        raise DomainError("您已报名本次活动", "activity")
    audit.record("outreach.volunteer.sign_up", actor=user, obj=record)
    return record


def _window(activity: VolunteerActivity) -> tuple[datetime, datetime]:
    return checkin.window(starts_at=activity.starts_at, ends_at=activity.ends_at, early_minutes=EARLY_MINUTES)


def open_checkin(
    *, actor: Actor, activity: VolunteerActivity, now: datetime | None = None
) -> VolunteerActivity:
    require_at(actor, EDIT, activity.organization.path)
    now = now or timezone.now()
    _, end = _window(activity)
    activity.checkin_code, activity.checkin_expires_at = checkin.issue_code(
        now=now, end=end, minutes=CODE_MINUTES, what=WHAT
    )
    activity.save(update_fields=["checkin_code", "checkin_expires_at"])
    audit.record("outreach.volunteer.checkin_open", actor=actor, obj=activity)
    return activity


def activity_for_code(code: str) -> VolunteerActivity | None:
    return (
        VolunteerActivity.objects.select_related("organization").filter(checkin_code=code).first()
        if code
        else None
    )


def check_in(*, user: Actor, code: str, now: datetime | None = None) -> VolunteerRecord:
    """A member of the organizing organization checks in on the phone (signed up or walking in), once,
    inside the window; the activity's hours are credited and the volunteering points follow."""
    now = now or timezone.now()
    activity = activity_for_code(code)
    if activity is None:
        raise DomainError("签到码无效", "code")
    member = _member(user, activity)
    start, end = _window(activity)
    checkin.check_window(now=now, start=start, end=end, what=WHAT)
    checkin.check_code(now=now, expires_at=activity.checkin_expires_at, what=WHAT)
    with transaction.atomic():
        record, _ = VolunteerRecord.objects.select_for_update().get_or_create(
            activity=activity, member=member, defaults={"year": timezone.localtime(activity.starts_at).year}
        )
        if record.checked_in_at is not None:
            raise DomainError("您已签到，不能重复签到", "code")
        record.checked_in_at, record.hours = now, activity.hours
        record.save(update_fields=["checked_in_at", "hours"])
        audit.record("outreach.volunteer.checkin", actor=user, obj=record)
        sync_points(activity, user)
    return record


def sync_points(activity: VolunteerActivity, actor: Actor | None) -> None:
    """The members who served earn the volunteering indicator of their points scheme (idempotent)."""
    ledger.record_activity_points(
        source_type=SourceType.VOLUNTEERING,
        source_id=f"outreach:{activity.code}",
        member_ids=list(
            activity.records.filter(checked_in_at__isnull=False).values_list("member_id", flat=True)
        ),
        on=timezone.localtime(activity.starts_at).date(),
        note=f"志愿服务：{activity.title}",
        actor=actor if getattr(actor, "is_authenticated", False) else None,  # type: ignore[arg-type]
    )


def activities_for_user(user: Actor | None) -> QuerySet[VolunteerActivity]:
    return scoped(VolunteerActivity.objects.all(), user, VIEW).select_related("organization")


def open_for_member(member: Member, now: datetime | None = None) -> list[VolunteerActivity]:
    """Activities ahead or under way that the member's organization or one above it published."""
    now = now or timezone.now()
    path = member.organization.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "."]
    return list(
        VolunteerActivity.objects.filter(organization__path__in=prefixes, ends_at__gte=now)
        .select_related("organization")
        .order_by("starts_at")[:20]
    )


def member_record(member_id: int, year: int) -> tuple[list[VolunteerRecord], Decimal]:
    rows = list(
        VolunteerRecord.objects.filter(member_id=member_id, year=year)
        .select_related("activity__organization")
        .order_by("-activity__starts_at")
    )
    total = VolunteerRecord.objects.filter(member_id=member_id, year=year).aggregate(t=Sum("hours"))["t"]
    return rows, Decimal(total or 0).quantize(Decimal("0.1"))


# ---------------------------------------------------------------- 党员志愿服务先锋队


def create_team(*, actor: Actor, organization: Organization, name: str, focus: str = "") -> VolunteerTeam:
    require_at(actor, EDIT, organization.path)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写队名", "name")
    if VolunteerTeam.objects.filter(organization=organization, name=name).exists():
        raise DomainError(f"{organization.name}已有“{name}”", "name")
    with transaction.atomic():
        team = VolunteerTeam.objects.create(
            organization=organization, name=name[:100], focus=(focus or "").strip()[:200]
        )
        audit.record("outreach.team.create", actor=actor, obj=team, changes={"name": team.name})
    return team


def add_team_members(
    *, actor: Actor, team: VolunteerTeam, members: list[Member], captain: Member | None = None
) -> int:
    """Members (in the team's organization or below, 在册) join the team; those already in it are kept.
    Returns how many joined."""
    require_at(actor, EDIT, team.organization.path)
    outside = [
        m.name
        for m in members
        if not m.organization.path.startswith(team.organization.path) or m.status not in ACTIVE_STATUSES
    ]
    if outside:
        raise DomainError(f"{'、'.join(outside)} 不是{team.organization.name}的在册党员，不能加入", "members")
    if not members:
        raise DomainError("请选择队员", "members")
    today = timezone.localdate()
    with transaction.atomic():
        have = set(team.memberships.values_list("member_id", flat=True))
        new = [m for m in members if m.pk not in have]
        TeamMembership.objects.bulk_create(
            [TeamMembership(team=team, member=m, joined_on=today, is_captain=m == captain) for m in new]
        )
        if captain is not None:
            team.memberships.update(is_captain=False)
            team.memberships.filter(member=captain).update(is_captain=True)
        audit.record("outreach.team.members", actor=actor, obj=team, changes={"added": [m.name for m in new]})
    return len(new)


def teams_for_user(user: Actor | None) -> QuerySet[VolunteerTeam]:
    return (
        scoped(VolunteerTeam.objects.all(), user, VIEW)
        .select_related("organization")
        .annotate(n_members=Count("memberships"))
    )


def team_roster(team: VolunteerTeam, year: int) -> list[tuple[TeamMembership, Decimal]]:
    """The team's members, captain first, with their volunteer hours this year."""
    rows = list(team.memberships.select_related("member__organization"))
    hours = dict(
        VolunteerRecord.objects.filter(member_id__in=[r.member_id for r in rows], year=year)
        .values("member_id")
        .annotate(t=Sum("hours"))
        .values_list("member_id", "t")
    )
    return [(r, Decimal(hours.get(r.member_id) or 0).quantize(Decimal("0.1"))) for r in rows]


def teams_of_member(member_id: int) -> list[VolunteerTeam]:
    return list(VolunteerTeam.objects.filter(memberships__member_id=member_id).select_related("organization"))
