"""Working days (工作日) in mainland China: weekends, public holidays and 调休 working weekends.

Source of truth, in order:
1. an administrators' table (``holidays.json`` in the data directory) — extended each December
   when the State Council publishes the next year's arrangement;
2. the ``chinese-calendar`` library, which only knows the years published when it was released
   (1.11.0: 2004–2026; 2027 raises NotImplementedError);
3. otherwise a plain Monday–Friday rule. Every answer says whether this fallback was used, so
   the UI can flag a date that may be wrong (design.md §6, security.md REL-2).

Periods follow 民法典 第二百零一条: a period counted in days starts the day after the starting
day. ``add_working_days(d, 5)`` is the fifth working day after ``d``.

The table file maps years to their exceptions::

    {"2027": {"holidays": ["2027-01-01", ...], "workdays": ["2027-02-06", ...]}}

A year listed in the table is complete: days not listed follow Monday–Friday without a flag.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar

TABLE = "table"
LIBRARY = "library"
FALLBACK = "fallback"


@dataclass(frozen=True)
class YearTable:
    holidays: frozenset[date]
    workdays: frozenset[date]


Table = Mapping[int, YearTable]


def parse_table(data: Mapping[str, Any]) -> dict[int, YearTable]:
    """Read the administrators' table (JSON object by year); raises ValueError naming the bad entry."""
    out: dict[int, YearTable] = {}
    for key, value in data.items():
        try:
            year = int(key)
            holidays = frozenset(date.fromisoformat(d) for d in value.get("holidays", []))
            workdays = frozenset(date.fromisoformat(d) for d in value.get("workdays", []))
        except (TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"节假日表中 {key} 年的数据格式有误：{exc}") from exc
        if any(d.year != year for d in holidays | workdays):
            raise ValueError(f"节假日表中 {key} 年含有其他年份的日期")
        out[year] = YearTable(holidays, workdays)
    return out


def load_table(path: Path | None = None) -> dict[int, YearTable]:
    """The table from ``path`` (default: ``holidays.json`` in RONGHE_DATA_DIR); empty if absent."""
    if path is None:
        from django.conf import settings

        path = Path(settings.DATA_DIR) / "holidays.json"
    if not path.exists():
        return {}
    return parse_table(json.loads(path.read_text(encoding="utf-8")))


def library_knows(year: int) -> bool:
    """Whether chinese-calendar has the State Council's arrangement for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 2))
    except NotImplementedError:
        return False
    return True


def day_source(day: date, table: Table | None = None) -> str:
    """Which source decides ``day``: TABLE, LIBRARY or FALLBACK (Monday–Friday)."""
    if table and day.year in table:
        return TABLE
    return LIBRARY if library_knows(day.year) else FALLBACK


def is_working_day(day: date, table: Table | None = None) -> tuple[bool, bool]:
    """(is it a working day, was the Monday–Friday fallback used)."""
    source = day_source(day, table)
    if source == TABLE:
        year = table[day.year]  # type: ignore[index]
        if day in year.holidays:
            return False, False
        if day in year.workdays:
            return True, False
        return day.weekday() < 5, False
    if source == LIBRARY:
        return chinese_calendar.is_workday(day), False
    return day.weekday() < 5, True


@dataclass(frozen=True)
class Span:
    end: date
    fallback: bool  # some day was decided by the Monday–Friday rule: flag it in the UI


def add_working_days(start: date, days: int, table: Table | None = None) -> Span:
    """The ``days``-th working day after ``start`` (the start day itself is not counted)."""
    if days < 1:
        raise ValueError("工作日数必须至少为 1")
    day, counted, fallback = start, 0, False
    while counted < days:
        day += timedelta(days=1)
        working, used_fallback = is_working_day(day, table)
        fallback = fallback or used_fallback
        if working:
            counted += 1
    return Span(day, fallback)


def count_working_days(start: date, end: date, table: Table | None = None) -> tuple[int, bool]:
    """Working days in (start, end] — after ``start``, up to and including ``end``."""
    day, counted, fallback = start, 0, False
    while day < end:
        day += timedelta(days=1)
        working, used_fallback = is_working_day(day, table)
        fallback = fallback or used_fallback
        counted += working
    return counted, fallback
