"""The hand-off to 积分: the points deduction 未按时交纳党费 follows what was just written."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from ronghe.core.types import Actor
from ronghe.points.services.dues import sync_late_dues


def late_dues_changed(
    member_ids: Iterable[int], months: Iterable[date], actor: Actor | None, today: date | None = None
) -> None:
    """The points deduction 未按时交纳党费 follows what was just written about these months (its years up
    to this one; a finalized year is left alone: `points.services.dues`)."""
    today = today or timezone.localdate()
    ids = list(member_ids)
    if not ids:
        return
    for year in sorted({m.year for m in months if m.year <= today.year}):
        sync_late_dues(year=year, as_of=today, member_ids=ids, actor=actor)  # type: ignore[arg-type]
