"""The dates the rules derive: months later, 周岁, the end of the 预备期, 入党时间 and 转正."""

from __future__ import annotations

import calendar
from datetime import date

from ronghe.members.rules import add_years, years_between
from ronghe.recruitment.choices import FullOutcome
from ronghe.recruitment.rules.facts import Facts


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later; the month's last day when it has no such day
    (31 January + 1 month = 28/29 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth_date: date, day: date) -> int:
    """周岁 on `day` (a birthday on 29 February counts on 1 March)."""
    return years_between(birth_date, day)


def probation_end(admitted_on: date, extension_months: int | None = None) -> date:
    """The day the 预备期 ends and the member may become full: one year from the 入党时间 (the 支部大会
    date, 党章 第七条), plus the extension if there was one. 党龄 counts from this day."""
    end = add_years(admitted_on, 1)
    return add_months(end, extension_months) if extension_months else end


def joined_on(facts: Facts) -> date | None:
    """入党时间 = the date of the 支部大会 that passed the admission, not the approval date."""
    return facts.admitted_on


def full_on(facts: Facts) -> date | None:
    """转正 date (党龄 starts): the end of the 预备期, or of its extension — once 转正 was decided."""
    if facts.admitted_on is None or facts.full_outcome != FullOutcome.FULL:
        return None
    return probation_end(facts.admitted_on, facts.extension_months)


def _d(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""
