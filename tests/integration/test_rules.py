"""同步部署/同步点评 rules at their boundaries (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from ronghe.integration import rules


@pytest.mark.parametrize(
    ("state", "deadline", "expected"),
    [
        pytest.param("in_progress", date(2026, 11, 23), True, id="yesterday_case"),
        pytest.param("in_progress", date(2026, 11, 24), False, id="due_today_case"),
        pytest.param("not_started", date(2026, 11, 25), False, id="tomorrow_case"),
        pytest.param("done", date(2026, 1, 1), False, id="done_late_case"),
    ],
)
def test_overdue_is_past_the_deadline_and_not_done(state, deadline, expected):
    assert rules.is_overdue(state, deadline, date(2026, 11, 24)) is expected


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        pytest.param(date(2026, 1, 1), "", id="first_day_case"),
        pytest.param(date(2026, 12, 31), "", id="last_day_case"),
        pytest.param(date(2025, 12, 31), "完成时限须在计划年度（2026年）内", id="year_before_case"),
        pytest.param(date(2027, 1, 1), "完成时限须在计划年度（2026年）内", id="year_after_case"),
    ],
)
def test_deadline_within_the_plan_year(deadline, message):
    assert rules.deadline_problem(deadline, 2026) == message


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({}, ("", ""), id="fine_case"),
        pytest.param(
            {"state": "done"},
            ("__all__", "任务已完成，不能再填报进展；如需继续办理，请先“重新办理”"),
            id="finished_task_case",
        ),
        pytest.param(
            {"reported_on": date(2026, 11, 25)}, ("reported_on", "日期不能晚于今天"), id="future_case"
        ),
        pytest.param({"percent": 100}, ("", ""), id="hundred_case"),
        pytest.param({"percent": 101}, ("percent", "完成进度应在0到100之间"), id="over_hundred_case"),
        pytest.param({"percent": -1}, ("percent", "完成进度应在0到100之间"), id="negative_case"),
        pytest.param(
            {"value": Decimal("-0.01")}, ("value_reached", "已完成值不能为负数"), id="negative_value_case"
        ),
    ],
)
def test_progress_problem(kwargs, expected):
    values = {
        "state": "in_progress",
        "reported_on": date(2026, 11, 24),
        "percent": None,
        "value": None,
    } | kwargs
    assert rules.progress_problem(today=date(2026, 11, 24), **values) == expected


@pytest.mark.parametrize(
    ("year", "quarter", "today", "message"),
    [
        pytest.param(2026, 4, date(2026, 10, 1), "", id="first_day_of_quarter_case"),
        pytest.param(2026, 4, date(2026, 9, 30), "2026年第4季度尚未开始，不能点评", id="day_before_case"),
        pytest.param(2027, 1, date(2026, 11, 24), "2027年第1季度尚未开始，不能点评", id="next_year_case"),
        pytest.param(2026, 5, date(2026, 11, 24), "季度应为1至4", id="no_such_quarter_case"),
    ],
)
def test_a_quarter_is_reviewed_once_it_has_started(year, quarter, today, message):
    assert rules.review_quarter_problem(year, quarter, today) == message


def test_quarter_bounds_and_ended_quarters():
    assert [rules.quarter_end(2024, q) for q in (1, 2, 3, 4)] == [
        date(2024, 3, 31),
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2024, 12, 31),
    ]
    assert rules.ended_quarters(2026, date(2026, 9, 30)) == [1, 2]
    assert rules.ended_quarters(2026, date(2026, 10, 1)) == [1, 2, 3]
    assert rules.ended_quarters(2025, date(2026, 1, 1)) == [1, 2, 3, 4]


def test_processes_declare_who_takes_each_step():
    assert rules.PLAN_PROCESS.step("submitted", "acknowledge").permission == "integration.manage"
    assert rules.PLAN_PROCESS.step("draft", "submit").permission == "integration.plan"
    assert rules.TASK_PROCESS.actions_from("not_started") == ["start"]
    assert rules.REVIEW_PROCESS.actions_from("finalized") == []
