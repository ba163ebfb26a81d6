from datetime import datetime
from decimal import Decimal

import pytest

from ronghe.education import rules
from ronghe.education.rules import UnitStudy


@pytest.mark.parametrize(
    ("_case", "officer", "expected"),
    [("member", False, Decimal(32)), ("secretary or committee member", True, Decimal(56))],
)
def test_required_hours_follow_the_role(_case, officer, expected):
    assert (
        rules.required_hours(is_officer=officer, member_hours=Decimal(32), officer_hours=Decimal(56))
        == expected
    )


@pytest.mark.parametrize(
    ("_case", "hours", "end_hour", "message"),
    [
        ("fits", "2", 11, None),
        ("longer than the session", "3", 11, "学时不能超过课程时长（2.0 小时）"),
        ("too little", "0.2", 11, "学时至少为 0.5"),
        ("ends before it starts", "1", 9, "结束时间应晚于开始时间"),
    ],
)
def test_session_hours_within_its_length(_case, hours, end_hour, message):
    start, end = datetime(2026, 3, 1, 9), datetime(2026, 3, 1, end_hour)
    assert rules.session_hours_problem(hours=Decimal(hours), starts_at=start, ends_at=end) == message


def test_units_ranked_by_per_capita_then_participation_sharing_equal_ranks():
    rows = [
        UnitStudy(1, "甲", 10, 10, 5000),  # 500 per head, 100 %
        UnitStudy(2, "乙", 10, 8, 6000),  # 600 per head
        UnitStudy(3, "丙", 10, 10, 5000),  # same as 甲
        UnitStudy(4, "丁", 0, 0, 0),  # no members: unranked
        UnitStudy(5, "戊", 10, 5, 5000),  # 500, but 50 %
    ]
    ranked = [(rank, r.name) for rank, r in rules.rank_units(rows)]
    assert ranked == [(1, "乙"), (2, "丙"), (2, "甲"), (4, "戊"), (0, "丁")]
    assert rows[1].participation == Decimal("80.00") and rows[1].per_capita == Decimal("600.0")


def test_month_format():
    assert rules.month_problem("2026-03") is None
    assert rules.month_problem("2026-13") == "月份格式应为 YYYY-MM，如 2026-03"
