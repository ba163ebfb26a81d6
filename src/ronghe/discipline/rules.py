"""Discipline rules: the case process, what each kind of sanction is and how long it is in force.

Periods stated in the regulations (domain-rules.md states none besides the 留党察看 introducer rule):

- 中国共产党纪律处分条例 (2023) 第十条: 警告 — one year, 严重警告 — eighteen months without promotion in
  the Party; 第十一条: 撤销党内职务 — two years without an equal or higher post; 第十二条: 留党察看 — one or
  two years (never more than two), no vote, no election, no right to be elected during it; 第十三条:
  开除党籍 — no readmission for five years (recorded without end).
- 公职人员政务处分法 第八条: 警告 6 months, 记过 12, 记大过 18, 降级/撤职 24 months; 开除 without end.
- 诫勉 affects promotion for six months (《关于对党员领导干部进行诫勉的规定》); 批评教育 and 责令检查 are
  a point in time (in force on their day only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ronghe.core.workflow.process import Process, Step
from ronghe.discipline.choices import CaseAction, CaseState, SanctionCategory, SanctionKind

MANAGE = "discipline.manage"

CASE_PROCESS = Process(
    name="discipline.case",
    noun="案件",
    state_field="state",
    steps={
        (CaseState.RECEIVED, CaseAction.VERIFY): Step(CaseState.VERIFYING, MANAGE),
        (CaseState.VERIFYING, CaseAction.FILE): Step(
            CaseState.FILED, MANAGE, comment_required="立案时请填写立案依据"
        ),
        (CaseState.VERIFYING, CaseAction.CONCLUDE): Step(
            CaseState.CONCLUDED, MANAGE, comment_required="了结时请填写初核结论"
        ),
        (CaseState.VERIFYING, CaseAction.HANDLE): Step(
            CaseState.DECIDED, MANAGE, comment_required="予以处理时请填写处理依据"
        ),
        (CaseState.FILED, CaseAction.SANCTION): Step(
            CaseState.DECIDED, MANAGE, comment_required="给予处分时请填写审查结论"
        ),
        (CaseState.FILED, CaseAction.HANDLE): Step(
            CaseState.DECIDED, MANAGE, comment_required="予以处理时请填写审查结论"
        ),
        (CaseState.FILED, CaseAction.CONCLUDE): Step(
            CaseState.CONCLUDED, MANAGE, comment_required="了结时请填写审查结论"
        ),
        (CaseState.DECIDED, CaseAction.CLOSE): Step(CaseState.CLOSED, MANAGE),
    },
    state_labels=dict(CaseState.choices),
    action_labels=dict(CaseAction.choices),
    audit_event="discipline.case_{action}",
    conflict="该案件已被他人处理，请刷新后查看",
)


@dataclass(frozen=True)
class KindInfo:
    category: str
    months: int | None  # the period in force; None: without end; 0: its own day only
    major: bool  # 重处分 (撤销党内职务, 留党察看, 开除党籍; 降级, 撤职, 开除)


KINDS: dict[str, KindInfo] = {
    SanctionKind.WARNING: KindInfo(SanctionCategory.PARTY, 12, False),
    SanctionKind.SERIOUS_WARNING: KindInfo(SanctionCategory.PARTY, 18, False),
    SanctionKind.REMOVAL: KindInfo(SanctionCategory.PARTY, 24, True),
    SanctionKind.PROBATION: KindInfo(SanctionCategory.PARTY, 12, True),
    SanctionKind.EXPULSION: KindInfo(SanctionCategory.PARTY, None, True),
    SanctionKind.GOV_WARNING: KindInfo(SanctionCategory.GOVERNMENT, 6, False),
    SanctionKind.GOV_DEMERIT: KindInfo(SanctionCategory.GOVERNMENT, 12, False),
    SanctionKind.GOV_MAJOR_DEMERIT: KindInfo(SanctionCategory.GOVERNMENT, 18, False),
    SanctionKind.GOV_DEMOTION: KindInfo(SanctionCategory.GOVERNMENT, 24, True),
    SanctionKind.GOV_REMOVAL: KindInfo(SanctionCategory.GOVERNMENT, 24, True),
    SanctionKind.GOV_DISMISSAL: KindInfo(SanctionCategory.GOVERNMENT, None, True),
    SanctionKind.CRITICISM: KindInfo(SanctionCategory.HANDLING, 0, False),
    SanctionKind.SELF_EXAMINATION: KindInfo(SanctionCategory.HANDLING, 0, False),
    SanctionKind.ADMONITION: KindInfo(SanctionCategory.HANDLING, 6, False),
}

# The action that records each category: 处分 after 立案, 处理 after 初核 or 立案.
ACTION_CATEGORIES: dict[str, frozenset[str]] = {
    CaseAction.SANCTION: frozenset({SanctionCategory.PARTY, SanctionCategory.GOVERNMENT}),
    CaseAction.HANDLE: frozenset({SanctionCategory.HANDLING}),
}


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, on the last day of a shorter month (31 Jan + 1 → 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    return date(year, month, min(day.day, last[month - 1]))


def calculate_ends_on(kind: str, starts_on: date, *, probation_years: int = 1) -> date | None:
    """The last day a sanction of `kind` starting on `starts_on` is in force (the day before the period
    ends), None when it has no end. 留党察看 is one or two years (纪律处分条例 第十二条)."""
    info = KINDS[kind]
    if info.months is None:
        return None
    if info.months == 0:
        return starts_on
    months = 12 * probation_years if kind == SanctionKind.PROBATION else info.months
    return add_months(starts_on, months) - _ONE_DAY


def check_sanction(
    *,
    action: str,
    kind: str,
    starts_on: date | None,
    ends_on: date | None,
    received_on: date,
    probation_years: int,
) -> tuple[str, str] | None:
    """A refusal (field, Chinese message) for a sanction recorded by `action`, or None.

    The kind must belong to the action (处分 after 立案; 处理 such as 诫勉 after 初核 or 立案); it cannot start
    before the clue was received nor end before it starts; 留党察看 lasts one or two years (第十二条)."""
    if kind not in KINDS:
        return "kind", "请选择处分或处理的种类"
    allowed = ACTION_CATEGORIES.get(action, frozenset())
    if KINDS[kind].category not in allowed:
        if action == CaseAction.SANCTION:
            return "kind", "给予处分时请选择党纪处分或政务处分的种类"
        return "kind", "予以处理时请选择批评教育、责令检查或诫勉"
    if starts_on is None:
        return "starts_on", "请填写生效日期"
    if starts_on < received_on:
        return "starts_on", "生效日期不能早于线索受理日期"
    if ends_on is not None and ends_on < starts_on:
        return "ends_on", "影响期满日期不能早于生效日期"
    if kind == SanctionKind.PROBATION and probation_years not in (1, 2):
        return "probation_years", "留党察看期限为一年或二年（纪律处分条例第十二条）"
    return None


def is_in_force(starts_on: date, ends_on: date | None, start: date, end: date) -> bool:
    """A sanction is in force during [start, end] when its own period overlaps it (both ends inclusive)."""
    return starts_on <= end and (ends_on is None or ends_on >= start)


def next_review_on(reviewed_on: date, months: int) -> date:
    """A 廉政风险点 is reviewed again `months` after its last review."""
    return add_months(reviewed_on, months)


def is_review_overdue(next_review: date, today: date) -> bool:
    """A review is overdue from the day after its due day (the due day itself is not late)."""
    return next_review < today


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)
