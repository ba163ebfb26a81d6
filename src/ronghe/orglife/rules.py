"""Pure rules of organizational life (domain-rules §1). No ORM, no request."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from ronghe.core import checkin
from ronghe.orglife.choices import ComplianceState, ExpectedAttendees, Grade, MeetingKind, Period
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.rules import has_committee

DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class PeriodSlot:
    period: str
    index: int  # month 1–12, quarter 1–4, or 1 for the year
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.period == Period.MONTH:
            return f"{self.index}月"
        if self.period == Period.QUARTER:
            return f"第{'一二三四'[self.index - 1]}季度"
        return "全年"


def period_slots(period: str, year: int) -> list[PeriodSlot]:
    """The calendar periods of a year: 12 months, 4 quarters (Jan–Mar …), or the year itself."""
    if period == Period.MONTH:
        return [
            PeriodSlot(period, m, date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1]))
            for m in range(1, 13)
        ]
    if period == Period.QUARTER:
        out = []
        for q in range(1, 5):
            last = q * 3
            out.append(
                PeriodSlot(
                    period, q, date(year, last - 2, 1), date(year, last, calendar.monthrange(year, last)[1])
                )
            )
        return out
    return [PeriodSlot(period, 1, date(year, 1, 1), date(year, 12, 31))]


def slot_index(period: str, month: int) -> int:
    """Which slot of `period` a month falls into (a meeting counts for the date it was held)."""
    if period == Period.MONTH:
        return month
    if period == Period.QUARTER:
        return (month - 1) // 3 + 1
    return 1


def evaluate_state(*, required: int, held: int, start: date, end: date, today: date) -> str:
    """State of one obligation.

    met: held ≥ required (at any time, even early). Otherwise: overdue once the period's last day
    has passed; due soon when the last day is within the next 14 days (DUE_SOON_DAYS) and the
    period has begun; not yet due otherwise.
    """
    if held >= required:
        return ComplianceState.MET
    return unmet_state(start=start, end=end, today=today)


def unmet_state(*, start: date, end: date, today: date) -> str:
    """State of an obligation not met (`evaluate_state`): the period's dates decide, not how many
    meetings short it is, so a count of organizations is judged per period at once (`rollup`)."""
    if today > end:
        return ComplianceState.OVERDUE
    if today >= start and (end - today).days <= DUE_SOON_DAYS:
        return ComplianceState.DUE_SOON
    return ComplianceState.NOT_DUE


BRANCH_KINDS = frozenset({OrgKind.BRANCH, OrgKind.JOINT_BRANCH})


def depends_on_setup(*, org_kind: str, expected: str) -> bool:
    """Whether a requirement's obligation on such an organization depends on its setup (`owed`)."""
    return (org_kind in BRANCH_KINDS and expected == ExpectedAttendees.COMMITTEE) or org_kind == OrgKind.GROUP


def owed(*, org_kind: str, expected: str, full_members: int, members: int) -> bool:
    """Whether an organization owes a requirement on a day, given its setup that day.

    - A 党支部's committee meetings (支委会, expected = 支委委员) only while it has a 支部委员会: 7 or
      more 正式党员 of the branch and its 党小组 (支部条例 第六章, domain-rules §2.1,
      `orgs.rules.has_committee`). The count decides, not the officers on record: a branch of 7
      that has not registered its committee still owes the meeting (and the organization page
      warns that the committee is missing); one of 6 with a 书记 and a 副书记 has no committee.
    - A 党小组's meetings (支部条例 第十三条) only while it has members of its own (正式 or 预备):
      an empty group has nobody to meet.
    - Everything else is owed whatever the numbers.
    """
    if org_kind in BRANCH_KINDS and expected == ExpectedAttendees.COMMITTEE:
        return has_committee(full_members)
    if org_kind == OrgKind.GROUP:
        return members > 0
    return True


def owed_in_period(at_start: bool, at_end: bool) -> bool:
    """A period's obligation is owed when it is owed on the period's first and last days.

    The setup is read on those two days only, not on each day between (a change and its reversal
    inside one month go unseen): a branch that reaches 7 正式党员 on 15 March owes its 支委会 from
    April (it has had no time to elect a committee in March); one that falls to 6 on 15 March owes
    none for March. Obligations never appear for a period the branch did not wholly have the setup for.
    """
    return at_start and at_end


def compliance_rate(*, met: int, overdue: int) -> float | None:
    """Rate = met / (met + overdue): obligations not yet due and not yet met are not judged."""
    judged = met + overdue
    return None if judged == 0 else met / judged


def is_voter(status: str) -> bool:
    """Only 正式党员 vote; 预备党员 do not (支部条例 第十一条, 选举条例 第五条)."""
    return status == "full"


@dataclass(frozen=True)
class VoteOutcome:
    quorate: bool
    passed: bool
    explanation: str


def evaluate_general_meeting_vote(*, voters_expected: int, voters_present: int, yes: int) -> VoteOutcome:
    """支部党员大会 (支部条例 第十一条, domain-rules §1.3).

    Quorum: strictly more than half of the voters expected are present (present × 2 > expected).
    Pass: yes votes strictly more than half of the voters *expected* (yes × 2 > expected);
    exactly half fails. 10 expected → at least 6 present and at least 6 yes.
    """
    if voters_expected <= 0:
        return VoteOutcome(False, False, "没有有表决权的正式党员，不能表决")
    if voters_present * 2 <= voters_expected:
        return VoteOutcome(
            False,
            False,
            f"到会有表决权的党员 {voters_present} 人，未超过应到会有表决权党员 {voters_expected} 人的半数，"
            "不足法定人数，不能进行表决",
        )
    passed = yes * 2 > voters_expected
    if passed:
        return VoteOutcome(
            True, True, f"赞成 {yes} 票，超过应到会有表决权党员 {voters_expected} 人的半数，通过"
        )
    return VoteOutcome(
        True, False, f"赞成 {yes} 票，未超过应到会有表决权党员 {voters_expected} 人的半数，未通过"
    )


def evaluate_simple_vote(*, voters_present: int, yes: int) -> bool:
    """Other meetings: a motion passes when yes votes exceed half of those voting present."""
    return voters_present > 0 and yes * 2 > voters_present


def max_excellent(graded: int) -> int:
    """民主评议: 优秀 ≤ 1/3 of the graded members (domain-rules §1.2).

    The bound is applied without rounding up: excellent × 3 ≤ graded, i.e. floor(graded / 3).
    10 graded → 3; 9 → 3; 8 → 2; 2 → 0. Probationary members are not graded and do not count.
    """
    return graded // 3


def check_grades(grades: list[str]) -> str | None:
    """Return the reason the set of grades is refused, or None if it is acceptable."""
    graded = [g for g in grades if g]
    excellent = sum(1 for g in graded if g == Grade.EXCELLENT)
    limit = max_excellent(len(graded))
    if excellent > limit:
        return f"评为优秀的 {excellent} 人，超过参评正式党员 {len(graded)} 人的三分之一（最多 {limit} 人）"
    return None


def late_entry(*, held_on: date, entered_on: date, after_days: int, refuse: bool) -> tuple[bool, str | None]:
    """Entering a meeting after the fact (domain.md §5; local policy).

    A meeting recorded more than `after_days` days after the day it was held is a late entry:
    it is marked 补录, or refused when the policy forbids back-filling. Returns (late, refusal).
    """
    late = (entered_on - held_on).days > after_days
    if late and refuse:
        return (
            True,
            f"会议已过去 {(entered_on - held_on).days} 天，超过 {after_days} 天的补录期限，不允许补录",
        )
    return late, None


def checkin_window(
    *, held_at: datetime, ends_at: datetime | None, early_minutes: int
) -> tuple[datetime, datetime]:
    """Members may check in from `early_minutes` before the start until the end (start + 3 h if none):
    the one rule of `core.checkin`, named for meetings."""
    return checkin.window(starts_at=held_at, ends_at=ends_at, early_minutes=early_minutes)


# Below this compliance rate a unit's row is highlighted as weak on the 落实情况 table (a display aid, not a
# regulation: domain-rules give no threshold).
WEAK_COMPLIANCE_RATE = 0.8


def is_weak(rate: float | None) -> bool:
    """Whether a compliance rate is below the highlight threshold (None: nothing judged yet)."""
    return rate is not None and rate < WEAK_COMPLIANCE_RATE


# The meetings that decide by vote (支部条例 第十一、十二条): the 支部党员大会 and the 支委会. The other
# kinds (党课, 主题党日, 组织生活会…) study, review or talk; they record no resolutions.
VOTING_KINDS = frozenset({MeetingKind.GENERAL_MEETING, MeetingKind.COMMITTEE_MEETING})


def votes(kind: str) -> bool:
    """Whether a meeting of `kind` records resolutions and their votes."""
    return kind in VOTING_KINDS


def committee_quorum(*, present: int, expected: int) -> bool:
    """支委会: "须有半数以上委员到会方可进行" (支部条例 第十二条, domain-rules §1.1).

    Strictly more than half of the committee members on the meeting date: present × 2 > expected.
    5 members → 3 needed; 4 members → 3 needed (2 is exactly half and is not enough).
    """
    return expected > 0 and present * 2 > expected


def meets_two_thirds(*, present: int, expected: int) -> bool:
    """民主生活会: attendance must reach 2/3 of those expected (present × 3 ≥ expected × 2)."""
    return expected > 0 and present * 3 >= expected * 2


def study_days(*, year: int, month: int, weekday: int, weeks: list[int]) -> list[date]:
    """双周学习日: the `weekday` (1=Mon) of the given weeks of the month (the n-th such weekday)."""
    days = [
        date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).isoweekday() == weekday
    ]
    return [days[w - 1] for w in weeks if 1 <= w <= len(days)]


def parse_weeks(raw: str) -> list[int]:
    """The study-day weeks setting ("2,4") as a list of week numbers 1–5."""
    return sorted(
        {int(w) for w in raw.replace("，", ",").split(",") if w.strip().isdigit() and 1 <= int(w) <= 5}
    )
