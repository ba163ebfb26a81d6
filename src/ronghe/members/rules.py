"""Member rules: derived values, statistics bands (domain-rules §6), status and transfer transitions. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ronghe.core.errors import TransitionNotAllowed
from ronghe.core.idnumbers import IdInfo
from ronghe.core.workflow import Process, Step
from ronghe.members.choices import (
    Education,
    MemberStatus,
    StatusAction,
    TransferAction,
    TransferStatus,
)


def years_between(start: date, today: date) -> int:
    """Whole years from `start` to `today` (a birthday on 29 February counts on 1 March)."""
    years = today.year - start.year
    if (today.month, today.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)


def age(birth_date: date, today: date) -> int:
    """周岁: whole years since birth."""
    return years_between(birth_date, today)


def party_standing(full_on: date | None, today: date) -> int | None:
    """党龄: whole years counted from the date of 转正 (党章 第七条; domain-rules §3 "Derived dates").
    None while the member is still probationary."""
    if full_on is None or full_on > today:
        return None
    return years_between(full_on, today)


def political_birthday(joined_on: date) -> str:
    """政治生日: the month and day the member joined the Party (入党日期)."""
    return f"{joined_on.month}月{joined_on.day}日"


AGE_BANDS = (
    ("30岁及以下", 0, 30),
    ("31-35岁", 31, 35),
    ("36-40岁", 36, 40),
    ("41-45岁", 41, 45),
    ("46-50岁", 46, 50),
    ("51-55岁", 51, 55),
    ("56-60岁", 56, 60),
    ("61岁及以上", 61, 999),
)


def age_band(years: int) -> str:
    """The national 公报 age bands (domain-rules §6): ≤30, 31–35, …, 56–60, ≥61."""
    for label, lo, hi in AGE_BANDS:
        if lo <= years <= hi:
            return label
    return AGE_BANDS[0][0]


JOIN_PERIODS = (
    "新中国成立前",
    "新中国成立后至十一届三中全会前",
    "十一届三中全会后至十八大前",
    "十八大以来",
)


def join_period(joined_on: date) -> str:
    """入党时间 bands of the national 公报 (domain-rules §6), by month:
    up to 1949-09 ("1949年9月及以前"); 1949-10 to 1978-12 (十一届三中全会, 1978-12);
    1979-01 to 2012-10; from 2012-11 (十八大) on."""
    ym = (joined_on.year, joined_on.month)
    if ym <= (1949, 9):
        return JOIN_PERIODS[0]
    if ym <= (1978, 12):
        return JOIN_PERIODS[1]
    if ym <= (2012, 10):
        return JOIN_PERIODS[2]
    return JOIN_PERIODS[3]


COLLEGE_OR_ABOVE = frozenset({Education.POSTGRADUATE, Education.UNDERGRADUATE, Education.JUNIOR_COLLEGE})


def is_college_or_above(education: str) -> bool:
    """学历 "大专及以上" (domain-rules §6): 研究生, 大学本科, 大学专科."""
    return education in COLLEGE_OR_ABOVE


def id_number_conflicts(info: IdInfo, *, gender: str = "", birth_date: date | None = None) -> dict[str, str]:
    """Fields whose value disagrees with the ID number (GB 11643: digits 7–14 birth date, 17th digit
    odd = 男, even = 女). Returns {field: Chinese message}."""
    errors: dict[str, str] = {}
    if gender and gender != info.sex:
        errors["gender"] = f"与公民身份号码不一致：号码第17位表示性别为{info.sex}"
    if birth_date and birth_date != info.birth_date:
        errors["birth_date"] = f"与公民身份号码不一致：号码中的出生日期为{info.birth_date:%Y-%m-%d}"
    return errors


MIN_JOIN_AGE = 18
PROBATION_DAYS_MIN = 365


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


EDIT = "members.edit"

# The member's status (党籍) as a declared process on core/workflow: (status, action) → step. The one
# table that decides what may happen to a member; the dated rules are in `next_status`.
STATUS_PROCESS = Process(
    name="members.status",
    noun="党员",
    state_field="status",
    steps={
        (MemberStatus.PROBATIONARY, StatusAction.MAKE_FULL): Step(MemberStatus.FULL, EDIT),
        (MemberStatus.PROBATIONARY, StatusAction.EXTEND_PROBATION): Step(MemberStatus.PROBATIONARY, EDIT),
        (MemberStatus.PROBATIONARY, StatusAction.CANCEL_PROBATION): Step(MemberStatus.CANCELLED, EDIT),
        (MemberStatus.PROBATIONARY, StatusAction.SUSPEND): Step(MemberStatus.SUSPENDED, EDIT),
        (MemberStatus.FULL, StatusAction.SUSPEND): Step(MemberStatus.SUSPENDED, EDIT),
        (MemberStatus.SUSPENDED, StatusAction.RESTORE): Step(
            MemberStatus.FULL, EDIT, also_to=(MemberStatus.PROBATIONARY,)
        ),
        (MemberStatus.FULL, StatusAction.EXPEL): Step(MemberStatus.LEFT, EDIT),
        (MemberStatus.SUSPENDED, StatusAction.EXPEL): Step(MemberStatus.LEFT, EDIT),
        (MemberStatus.PROBATIONARY, StatusAction.DECEASE): Step(MemberStatus.DECEASED, EDIT),
        (MemberStatus.FULL, StatusAction.DECEASE): Step(MemberStatus.DECEASED, EDIT),
        (MemberStatus.SUSPENDED, StatusAction.DECEASE): Step(MemberStatus.DECEASED, EDIT),
    },
    state_labels=dict(MemberStatus.choices),
    action_labels=dict(StatusAction.choices),
    audit_event="member.status_change",
    comment_field="reason",
    conflict="该党员的状态已被他人变更，请刷新后查看",
    refusal="当前状态为“{state}”，不能办理“{action}”",
)


def allowed_actions(status: str) -> list[str]:
    return STATUS_PROCESS.actions_from(status)


def next_status(
    status: str,
    action: str,
    *,
    joined_on: date,
    effective_on: date,
    extended_before: bool = False,
    full_on: date | None = None,
) -> str:
    """Check a status change against the process and the dated rules; return the new status.

    - 转正 only from 预备党员, not before the one-year probation ends (党章 第七条: 预备期为一年);
    - 延长预备期 at most once (发展细则, domain-rules §3 step 23: allowed only once, 6–12 months);
    - 恢复党籍 returns to 正式党员 if the member had been made full, else to 预备党员;
    - no change dated before the member joined.
    """
    step = STATUS_PROCESS.step(status, action)
    if effective_on < joined_on:
        raise TransitionNotAllowed("生效日期：不能早于入党日期", field="effective_on")
    if action == StatusAction.MAKE_FULL and effective_on < add_years(joined_on, 1):
        raise TransitionNotAllowed(
            f"生效日期：预备期为一年，最早于 {add_years(joined_on, 1):%Y-%m-%d} 转正", field="effective_on"
        )
    if action == StatusAction.EXTEND_PROBATION and extended_before:
        raise TransitionNotAllowed("预备期只能延长一次")
    if action == StatusAction.RESTORE and full_on is None:
        return MemberStatus.PROBATIONARY
    return step.to


# Transfers (domain-rules §5): an outgoing letter waits for its receipt, or is withdrawn.
TRANSFER_PROCESS = Process(
    name="members.transfer",
    noun="转接",
    state_field="status",
    steps={
        (TransferStatus.PENDING, TransferAction.CONFIRM): Step(TransferStatus.COMPLETED, EDIT),
        (TransferStatus.PENDING, TransferAction.CANCEL): Step(TransferStatus.CANCELLED, EDIT),
    },
    state_labels=dict(TransferStatus.choices),
    action_labels=dict(TransferAction.choices),
    audit_event="member.transfer_{action}",
    conflict="该转接已被他人处理，请刷新后查看",
    refusal="转接状态为“{state}”，不能{action}",
)


def next_transfer_status(status: str, action: str) -> str:
    return TRANSFER_PROCESS.step(status, action).to


DEFAULT_VALIDITY_DAYS = 30
MAX_VALIDITY_DAYS = 90


@dataclass(frozen=True)
class LetterValidity:
    valid_until: date
    overdue: bool
    days_left: int


def letter_validity(issued_on: date, validity_days: int, today: date) -> LetterValidity:
    """An outgoing letter is valid for `validity_days` days counting the day of issue
    (issued 1 June, 30 days → valid through 30 June); it is overdue from the day after."""
    until = issued_on + timedelta(days=validity_days - 1)
    return LetterValidity(valid_until=until, overdue=today > until, days_left=(until - today).days)


def check_validity_days(days: int, maximum: int = MAX_VALIDITY_DAYS) -> None:
    """The issuer sets the period (domain-rules §5, [C]): at least 1 day, at most the configured maximum."""
    if days < 1 or days > maximum:
        raise TransitionNotAllowed(f"有效期：应为1至{maximum}天", field="validity_days")
