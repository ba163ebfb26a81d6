"""Pure rules of 党员教育培训 (domain-rules §1.1) and the 学习强国 ranking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

HOUR = Decimal(3600)
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def required_hours(*, is_officer: bool, member_hours: Decimal, officer_hours: Decimal) -> Decimal:
    """党员教育培训: every member at least 32 学时 a year of centralised training and collective study;
    secretaries and committee members of grassroots organizations at least 56 (教育管理条例, 党员教育培训
    工作规划; domain-rules §1.1). The figures are the configurable policy's."""
    return officer_hours if is_officer else member_hours


def session_hours_problem(*, hours: Decimal, starts_at: datetime, ends_at: datetime) -> str | None:
    """A session lasts a positive time, and credits at least half an hour and no more 学时 than its
    length in hours (one 学时 is counted as at most one clock hour)."""
    if ends_at <= starts_at:
        return "结束时间应晚于开始时间"
    length = Decimal((ends_at - starts_at).total_seconds()) / HOUR
    if hours < Decimal("0.5"):
        return "学时至少为 0.5"
    if hours > length:
        return f"学时不能超过课程时长（{length.quantize(Decimal('0.1'))} 小时）"
    return None


def completion_percent(done: int, total: int) -> Decimal | None:
    """Share of members who reached their requirement, in percent (None for nobody)."""
    if total == 0:
        return None
    return (Decimal(done * 100) / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def month_problem(month: str) -> str | None:
    return None if MONTH_RE.match(month) else "月份格式应为 YYYY-MM，如 2026-03"


@dataclass(frozen=True)
class UnitStudy:
    unit_id: int
    name: str
    members: int
    participants: int
    points: int

    @property
    def participation(self) -> Decimal | None:
        return completion_percent(self.participants, self.members)

    @property
    def per_capita(self) -> Decimal | None:
        if self.members == 0:
            return None
        return (Decimal(self.points) / self.members).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rank_units(rows: list[UnitStudy]) -> list[tuple[int, UnitStudy]]:
    """学习强国 among units, as the seed reports it: by per-capita points, then participation rate,
    descending; equal figures share a rank (1, 2, 2, 4). Units without members come last, unranked (0)."""
    counted = [r for r in rows if r.members]
    counted.sort(key=lambda r: (-(r.per_capita or 0), -(r.participation or 0), r.name))
    out: list[tuple[int, UnitStudy]] = []
    for i, row in enumerate(counted):
        prev = counted[i - 1] if i else None
        same = prev is not None and (prev.per_capita, prev.participation) == (
            row.per_capita,
            row.participation,
        )
        out.append((out[-1][0] if same else i + 1, row))
    out.extend((0, r) for r in sorted((r for r in rows if not r.members), key=lambda r: r.name))
    return out
