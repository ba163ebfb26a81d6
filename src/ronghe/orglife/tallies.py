"""Meetings held per organization, kind and month, kept as they are written (issue 16 item 5).

Compliance asks one question of the meetings: how many counting meetings each organization held of
each kind in each period. Grouping every meeting of the year for that (with the month of a
timestamp worked out per row) grows with the county; the answer kept per (organization, year,
month, kind) is read instead, a quarter or a year being the sum of its months.

A meeting counts once held (not planned) and not refused for quorum (`quorum_met` False), in the
local month of `held_at` (TIME_ZONE). Every ORM save or delete of a meeting moves its count by one
(signals, below, connected in the app's `ready`), in the writer's transaction, as an increment so
concurrent writers of one cell do not overwrite each other. Bulk loads (`bulk_create`, the demo)
call `rebuild`; `ronghe orglife_tallies --check` compares the kept counts with a recount.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from ronghe.orglife.choices import MeetingState
from ronghe.orglife.models import Meeting, MeetingTally

Cell = tuple[int, int, int, str]  # organization id, year, month, kind


def _cell(
    org_id: int, kind: str, held_at: datetime | None, state: str, quorum_met: bool | None
) -> Cell | None:
    if state != MeetingState.HELD or quorum_met is False or held_at is None:
        return None
    local = timezone.localtime(held_at)
    return (org_id, local.year, local.month, kind)


def cell_of(meeting: Meeting) -> Cell | None:
    """The cell the meeting counts in, or None when it does not count."""
    return _cell(meeting.organization_id, meeting.kind, meeting.held_at, meeting.state, meeting.quorum_met)


Values = tuple[int, str, "datetime | None", str, "bool | None"]


def _stored_values(meeting: Meeting) -> Values | None:
    """The counted fields of the meeting as stored: the values it was loaded with
    (`Meeting.from_db`), or read again when those are unknown (deferred, or built by hand);
    None for a meeting not stored yet."""
    stored: Values | None = getattr(meeting, "_stored", None)
    if stored is not None and Meeting.NOT_LOADED not in stored:
        return stored
    if meeting.pk is None:
        return None
    return Meeting.objects.filter(pk=meeting.pk).values_list(*Meeting.TALLY_FIELDS).first()


def _add(cell: Cell, delta: int) -> None:
    org_id, year, month, kind = cell
    rows = MeetingTally.objects.filter(organization_id=org_id, year=year, month=month, kind=kind)
    if rows.update(held=F("held") + delta):
        return
    try:
        with transaction.atomic():
            MeetingTally.objects.create(
                organization_id=org_id, year=year, month=month, kind=kind, held=max(delta, 0)
            )
    except IntegrityError:  # a concurrent writer created the cell first
        rows.update(held=F("held") + delta)


def before_save(instance: Meeting, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        instance._tally_before = _stored_values(instance)  # type: ignore[attr-defined]


def after_save(instance: Meeting, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    before: Values | None = getattr(instance, "_tally_before", None)
    written = kwargs.get("update_fields")
    after: Values = tuple(  # type: ignore[assignment]
        getattr(instance, f)
        if before is None or written is None or f.removesuffix("_id") in written or f in written
        else before[i]
        for i, f in enumerate(Meeting.TALLY_FIELDS)
    )
    old, new = (_cell(*before) if before else None), _cell(*after)
    if old != new:
        if old is not None:
            _add(old, -1)
        if new is not None:
            _add(new, 1)
    instance._stored = after


def before_delete(instance: Meeting, **kwargs: Any) -> None:
    instance._tally_before = _stored_values(instance)  # type: ignore[attr-defined]


def after_delete(instance: Meeting, **kwargs: Any) -> None:
    before: Values | None = getattr(instance, "_tally_before", None)
    old = _cell(*before) if before else None
    if old is not None:
        _add(old, -1)


def recount(meetings: QuerySet[Meeting]) -> dict[Cell, int]:
    """The counts recomputed from the meetings themselves (one GROUP BY)."""
    tz = timezone.get_current_timezone()
    rows = (
        meetings.filter(state=MeetingState.HELD)
        .exclude(quorum_met=False)
        .annotate(y=ExtractYear("held_at", tzinfo=tz), m=ExtractMonth("held_at", tzinfo=tz))
        .values("organization_id", "y", "m", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(r["organization_id"], r["y"], r["m"], r["kind"]): r["n"] for r in rows}


def rebuild(organization_ids: Iterable[int] | None = None) -> int:
    """Recount the cells of the given organizations (all when None) from their meetings; return
    how many cells are kept. For bulk loads and upgrades."""
    meetings = Meeting.objects.all()
    tallies = MeetingTally.objects.all()
    if organization_ids is not None:
        ids = list(organization_ids)
        meetings, tallies = meetings.filter(organization_id__in=ids), tallies.filter(organization_id__in=ids)
    found = recount(meetings)
    with transaction.atomic():
        tallies.delete()
        MeetingTally.objects.bulk_create(
            (
                MeetingTally(organization_id=o, year=y, month=m, kind=k, held=n)
                for (o, y, m, k), n in found.items()
            ),
            batch_size=5000,
        )
    return len(found)


@dataclass(frozen=True)
class Mismatch:
    cell: Cell
    kept: int
    counted: int


def check() -> list[Mismatch]:
    """Cells whose kept count differs from a recount (empty when all is well)."""
    found = recount(Meeting.objects.all())
    kept = {
        (o, y, m, k): n
        for o, y, m, k, n in MeetingTally.objects.filter(~Q(held=0)).values_list(
            "organization_id", "year", "month", "kind", "held"
        )
    }
    return [
        Mismatch(cell, kept.get(cell, 0), found.get(cell, 0))
        for cell in sorted(set(found) | set(kept))
        if kept.get(cell, 0) != found.get(cell, 0)
    ]
