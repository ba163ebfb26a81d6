"""Ledger writes: points from meetings and activities (evidence), and adjustments by the branch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.scope import has_perm_at
from ronghe.core.scoring.models import Indicator, Scheme
from ronghe.members.models import Member
from ronghe.orglife.choices import AttendanceStatus, MeetingState
from ronghe.points import rules
from ronghe.points.choices import SourceType
from ronghe.points.models import PointsEntry
from ronghe.points.services.resolve import (
    BATCH,
    PointsError,
    Resolver,
    local_date,
    refuse_if_frozen,
)
from ronghe.points.services.results import refresh_member_years

if TYPE_CHECKING:
    from ronghe.orglife.models import Meeting


def _sync_source(
    *,
    source_type: str,
    source_id: str,
    desired: dict[tuple[int, int], tuple[Decimal, date]],
    scope_member_ids: Iterable[int] | None,
    resolver: Resolver,
    actor: User | None = None,
    note: str = "",
) -> dict[str, int]:
    """Make the ledger entries of one source equal `desired` {(member, indicator): (points, day)}."""
    return sync_entries(
        source_type=source_type,
        existing=PointsEntry.objects.filter(source_type=source_type, source_id=source_id),
        desired={(m, i, source_id): value for (m, i), value in desired.items()},
        resolver=resolver,
        actor=actor,
        note=lambda _source_id: note,
    )


def sync_entries(
    *,
    source_type: str,
    existing: QuerySet[PointsEntry],
    desired: dict[tuple[int, int, str], tuple[Decimal, date]],
    resolver: Resolver,
    actor: User | None = None,
    note: Callable[[str], str] = lambda _source_id: "",
) -> dict[str, int]:
    """Make `existing` (entries of `source_type`) equal `desired` {(member, indicator, source id):
    (points, day)}: create what is missing, update what changed, delete the rest; refresh the members'
    years touched. Refused (PointsError) when one of those years is finalized for a member concerned."""
    found = {(e.member_id, e.indicator_id, e.source_id): e for e in existing}
    to_delete = [e for key, e in found.items() if key not in desired]
    to_update = []
    to_create = []
    for key, (points, day) in desired.items():
        entry = found.get(key)
        if entry is None:
            to_create.append(
                PointsEntry(
                    member_id=key[0],
                    indicator_id=key[1],
                    points=points,
                    occurred_on=day,
                    year=day.year,
                    source_type=source_type,
                    source_id=key[2],
                    note=note(key[2])[:200],
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
            )
        elif entry.points != points or entry.occurred_on != day:
            to_update.append((entry, points, day))
    touched: dict[int, set[int]] = defaultdict(set)  # year → member ids
    paths = dict(
        Member.objects.filter(pk__in={k[0] for k in desired} | {k[0] for k in found}).values_list(
            "pk", "organization__path"
        )
    )
    for e in to_delete:
        refuse_if_frozen(resolver, paths[e.member_id], e.year)
        touched[e.year].add(e.member_id)
    for e in to_create:
        refuse_if_frozen(resolver, paths[e.member_id], e.year)
        touched[e.year].add(e.member_id)
    for e, _points, day in to_update:
        refuse_if_frozen(resolver, paths[e.member_id], e.year)
        refuse_if_frozen(resolver, paths[e.member_id], day.year)
        touched[e.year].add(e.member_id)
        touched[day.year].add(e.member_id)
    if to_delete:
        PointsEntry.objects.filter(pk__in=[e.pk for e in to_delete]).delete()
    for e, points, day in to_update:
        e.points, e.occurred_on, e.year = points, day, day.year
        e.save(update_fields=["points", "occurred_on", "year"])
    PointsEntry.objects.bulk_create(to_create, batch_size=BATCH)
    for year, ids in touched.items():
        refresh_member_years(member_ids=ids, year=year, resolver=resolver)
    return {"created": len(to_create), "updated": len(to_update), "deleted": len(to_delete)}


def sync_meeting_points(*, meeting: Meeting, actor: User | None = None) -> dict[str, int]:
    """Make a meeting's ledger entries match its current attendance (idempotent).

    Present members get the indicators whose sources name the meeting kind
    (``meeting:<kind>``); absent members get those naming ``meeting_absent``; excused members
    get nothing. Entries of members no longer present are removed. Refused when the meeting's
    year is finalized for a member concerned. A meeting not yet held (planned: ahead of its start,
    or started with members unmarked) earns and costs nothing; `orglife.services.advance_meetings`
    syncs it when it becomes held.
    """
    resolver = Resolver()
    day = local_date(meeting.held_at)
    started = meeting.state == MeetingState.HELD
    with transaction.atomic():
        desired: dict[tuple[int, int], tuple[Decimal, date]] = {}
        for att in meeting.attendances.select_related("member__organization") if started else ():
            if att.status == AttendanceStatus.PRESENT:
                source = f"meeting:{meeting.kind}"
            elif att.status == AttendanceStatus.ABSENT:
                source = "meeting_absent"
            else:
                continue
            scheme = resolver.scheme(att.member.organization.path, day.year)
            if scheme is None:
                continue
            for ind in resolver.by_source(scheme, source):
                desired[(att.member_id, ind.pk)] = (ind.points, day)
        counts = _sync_source(
            source_type=SourceType.ATTENDANCE,
            source_id=str(meeting.pk),
            desired=desired,
            scope_member_ids=None,
            resolver=resolver,
            actor=actor,
            note=meeting.title,
        )
        if any(counts.values()):
            audit.record("points.meeting_synced", actor=actor, obj=meeting, changes=counts)
    return counts


def remove_meeting_points(*, meeting: Meeting, actor: User | None = None) -> dict[str, int]:
    """Reverse all of a meeting's ledger entries (call before deleting the meeting)."""
    with transaction.atomic():
        counts = _sync_source(
            source_type=SourceType.ATTENDANCE,
            source_id=str(meeting.pk),
            desired={},
            scope_member_ids=None,
            resolver=Resolver(),
            actor=actor,
        )
        if counts["deleted"]:
            audit.record("points.meeting_points_removed", actor=actor, obj=meeting, changes=counts)
    return counts


def record_activity_points(
    *,
    source_type: str,
    source_id: str,
    member_ids: Iterable[int],
    on: date,
    note: str = "",
    actor: User | None = None,
) -> dict[str, int]:
    """Training, volunteering, a completed 先锋岗/突击队 task, an honour conferred by a selection or a
    month of 学习强国: the members listed earn the indicators sourced from it (idempotent)."""
    if source_type not in (
        SourceType.TRAINING,
        SourceType.VOLUNTEERING,
        SourceType.VANGUARD,
        SourceType.HONOUR,
        SourceType.STUDY,
    ):
        raise PointsError("只能记录培训、志愿服务、先锋岗任务、评选表彰或学习强国积分")
    resolver = Resolver()
    with transaction.atomic():
        desired: dict[tuple[int, int], tuple[Decimal, date]] = {}
        for member_id, path in Member.objects.filter(pk__in=list(member_ids)).values_list(
            "pk", "organization__path"
        ):
            scheme = resolver.scheme(path, on.year)
            if scheme is None:
                continue
            for ind in resolver.by_source(scheme, source_type):
                desired[(member_id, ind.pk)] = (ind.points, on)
        counts = _sync_source(
            source_type=source_type,
            source_id=source_id,
            desired=desired,
            scope_member_ids=None,
            resolver=resolver,
            actor=actor,
            note=note,
        )
        audit.record(
            "points.activity_recorded",
            actor=actor,
            object_type=f"points.{source_type}",
            object_id=source_id,
            changes=counts,
        )
    return counts


def check_indicator(resolver: Resolver, member: Member, indicator: Indicator, year: int) -> Scheme:
    scheme = resolver.scheme(member.organization.path, year)
    if scheme is None:
        raise PointsError(f"{year} 年度没有适用于该党员的积分方案", field="occurred_on")
    if indicator.scheme_id != scheme.pk:
        raise PointsError("所选指标不属于该党员适用的积分方案", field="indicator")
    return scheme


def adjust_points(
    *, actor: User, member: Member, indicator: Indicator, points: Decimal | str, on: date, reason: str
) -> PointsEntry:
    """A manual adjustment by an authorized role (points.edit at the member's node), with a reason."""
    if not has_perm_at(actor, "points.edit", member.organization.path):
        raise PermissionDenied("您没有调整积分的权限")
    try:
        value = rules.parse_points(points, positive=False)
    except ValueError as exc:
        raise PointsError(str(exc), field="points") from exc
    reason = (reason or "").strip()
    if not reason:
        raise PointsError("请填写调整原因", field="reason")
    resolver = Resolver()
    refuse_if_frozen(resolver, member.organization.path, on.year)
    check_indicator(resolver, member, indicator, on.year)
    with transaction.atomic():
        entry = PointsEntry.objects.create(
            member=member,
            indicator=indicator,
            points=value,
            occurred_on=on,
            year=on.year,
            source_type=SourceType.ADJUSTMENT,
            source_id=str(timezone.now().timestamp()) + f":{member.pk}",
            note=reason[:200],
            created_by=actor,
        )
        refresh_member_years(member_ids=[member.pk], year=on.year, resolver=resolver)
        audit.record(
            "points.adjusted",
            actor=actor,
            obj=entry,
            changes={"points": str(value), "indicator": indicator.code, "reason": reason, "on": str(on)},
        )
    return entry
