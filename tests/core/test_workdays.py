"""Working days: table → chinese-calendar → flagged Monday–Friday fallback."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ronghe.core import workdays


def test_library_year_skips_national_day_and_counts_adjusted_weekend():
    # 2026-09-30 (Wed): 10-01..10-07 are holidays; 10-08 onward are working days.
    span = workdays.add_working_days(date(2026, 9, 30), 1)
    assert span == workdays.Span(date(2026, 10, 8), False)
    assert workdays.is_working_day(date(2026, 10, 1)) == (False, False)


def test_five_working_days_over_a_plain_weekend():
    # Friday 2026-11-20 → Mon..Fri of the next week; the start day is not counted.
    assert workdays.add_working_days(date(2026, 11, 20), 5) == workdays.Span(date(2026, 11, 27), False)
    assert workdays.add_working_days(date(2026, 11, 20), 4).end == date(2026, 11, 26)


def test_unknown_year_falls_back_to_weekdays_and_is_flagged():
    assert not workdays.library_knows(2027)
    # Friday 2027-01-01 would be New Year's Day, but 2027 is not published: weekdays only, flagged.
    span = workdays.add_working_days(date(2026, 12, 31), 1)
    assert span == workdays.Span(date(2027, 1, 1), True)
    assert workdays.is_working_day(date(2027, 1, 2)) == (False, True)


def test_span_crossing_into_an_unknown_year_is_flagged():
    span = workdays.add_working_days(date(2026, 12, 28), 5)
    assert span.end == date(2027, 1, 4) and span.fallback


def test_table_covers_a_year_the_library_does_not_know(tmp_path):
    path = tmp_path / "holidays.json"
    path.write_text(
        json.dumps({"2027": {"holidays": ["2027-01-01"], "workdays": ["2027-01-03"]}}), encoding="utf-8"
    )
    table = workdays.load_table(path)
    assert workdays.day_source(date(2027, 5, 1), table) == workdays.TABLE
    # 12-31 → 01-01 holiday, 01-02 Saturday, 01-03 adjusted working Sunday.
    assert workdays.add_working_days(date(2026, 12, 31), 1, table) == workdays.Span(date(2027, 1, 3), False)
    assert workdays.count_working_days(date(2026, 12, 31), date(2027, 1, 4), table) == (2, False)


def test_bad_table_is_refused_with_a_message():
    with pytest.raises(ValueError, match="2027 年的数据格式有误"):
        workdays.parse_table({"2027": {"holidays": ["2027-13-01"]}})
    with pytest.raises(ValueError, match="其他年份"):
        workdays.parse_table({"2027": {"holidays": ["2028-01-01"]}})


def test_missing_table_file_is_empty(tmp_path):
    assert workdays.load_table(tmp_path / "none.json") == {}


@pytest.mark.parametrize("days", [0, -1])
def test_at_least_one_working_day(days):
    with pytest.raises(ValueError):
        workdays.add_working_days(date(2026, 11, 20), days)
