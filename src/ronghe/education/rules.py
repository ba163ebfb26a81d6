"""Pure rules of 党员教育培训 (domain-rules §1.1) and the 学习强国 ranking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from ronghe.core.workflow.process import OWNER, Process, Step
from ronghe.points.choices import ClaimAction, ClaimState

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


EXTERNAL_KIND = "education.external"  # the evidence owner kind of an external training
MAX_HOURS_PER_DAY = Decimal(8)


def external_training_problem(
    *, hours: Decimal, starts_on: date, ends_on: date, today: date
) -> tuple[str, str] | None:
    """An external training is over (no date after today), ends no earlier than it starts, and credits
    more than 0 and at most 8 学时 per day it lasted (a training day is counted as at most 8 学时).
    Returns (message, field) or None."""
    if ends_on < starts_on:
        return "结束日期不能早于开始日期", "ends_on"
    if starts_on > today or ends_on > today:
        return "培训日期不能晚于今天，培训结束后再登记", "ends_on"
    if hours <= 0:
        return "学时应大于 0", "hours"
    days = (ends_on - starts_on).days + 1
    most = MAX_HOURS_PER_DAY * days
    if hours > most:
        return f"学时不能超过每天 8 学时（共 {days} 天，最多 {most} 学时）", "hours"
    return None


# A member's external training, decided by the branch like a points claim (core/workflow).
EXTERNAL_PROCESS = Process(
    name="education.external",
    noun="外部培训",
    state_field="state",
    steps={
        (ClaimState.SUBMITTED, ClaimAction.APPROVE): Step(
            ClaimState.APPROVED,
            "education.edit",
            forbid_owner="不能审核本人的培训记录",
            denied="您没有审核外部培训的权限",
        ),
        (ClaimState.SUBMITTED, ClaimAction.REJECT): Step(
            ClaimState.REJECTED,
            "education.edit",
            comment_required="退回时请填写理由",
            forbid_owner="不能审核本人的培训记录",
            denied="您没有审核外部培训的权限",
        ),
        (ClaimState.SUBMITTED, ClaimAction.WITHDRAW): Step(
            ClaimState.WITHDRAWN, OWNER, denied="只能撤回本人的培训记录"
        ),
    },
    state_labels=dict(ClaimState.choices),
    action_labels=dict(ClaimAction.choices),
    audit_event="education.external_{action}",
    conflict="该培训记录已被他人处理，请刷新后查看",
)


BIRTHDAY_KIND = "education.birthday"  # the evidence owner kind of a 政治生日 ceremony (its photo)


def birthday_attendee_problem(*, name: str, joined_on: date | None, month: int) -> str | None:
    """Only a member whose 政治生日 (the month of the 入党日期) falls in the ceremony's month celebrates it."""
    if joined_on is None:
        return f"{name} 没有入党日期，不能过政治生日"
    if joined_on.month != month:
        return f"{name} 的政治生日在 {joined_on.month} 月，不在本次仪式的 {month} 月"
    return None
