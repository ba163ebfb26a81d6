from datetime import date, datetime, timedelta

import pytest

from ronghe.orglife import rules
from ronghe.orglife.choices import ComplianceState


@pytest.mark.parametrize(
    ("_case", "expected", "present", "yes", "quorate", "passed"),
    [
        ("exactly half present is no quorum", 10, 5, 5, False, False),
        ("one above half present, exactly half yes fails", 10, 6, 5, True, False),
        ("one above half present and one above half yes passes", 10, 6, 6, True, True),
        ("odd: 7 expected, 4 present is quorate", 7, 4, 4, True, True),
        ("odd: 7 expected, 3 present is not", 7, 3, 3, False, False),
        ("no voters", 0, 0, 0, False, False),
    ],
)
def test_general_meeting_vote(_case, expected, present, yes, quorate, passed):
    outcome = rules.evaluate_general_meeting_vote(voters_expected=expected, voters_present=present, yes=yes)
    assert (outcome.quorate, outcome.passed) == (quorate, passed)


def test_no_quorum_explains_itself():
    outcome = rules.evaluate_general_meeting_vote(voters_expected=10, voters_present=5, yes=5)
    assert outcome.explanation == (
        "到会有表决权的党员 5 人，未超过应到会有表决权党员 10 人的半数，不足法定人数，不能进行表决"
    )


@pytest.mark.parametrize(
    ("graded", "limit"), [(0, 0), (2, 0), (3, 1), (8, 2), (9, 3), (10, 3), (11, 3), (12, 4)]
)
def test_excellent_is_at_most_a_third_rounded_down(graded, limit):
    assert rules.max_excellent(graded) == limit


def test_check_grades_refuses_one_above_the_third():
    ok = ["excellent"] * 3 + ["qualified"] * 7
    assert rules.check_grades(ok) is None
    too_many = ["excellent"] * 4 + ["qualified"] * 6
    assert rules.check_grades(too_many) == "评为优秀的 4 人，超过参评正式党员 10 人的三分之一（最多 3 人）"
    # ungraded (probationary) entries do not count in the denominator
    assert rules.check_grades(["excellent"] * 3 + ["qualified"] * 5 + ["", ""]) == (
        "评为优秀的 3 人，超过参评正式党员 8 人的三分之一（最多 2 人）"
    )


def test_quarter_slots_end_on_quarter_ends():
    slots = rules.period_slots("quarter", 2026)
    assert [(s.start, s.end) for s in slots] == [
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
    ]
    assert rules.slot_index("quarter", 3) == 1
    assert rules.slot_index("quarter", 4) == 2
    assert rules.period_slots("month", 2024)[1].end == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("_case", "held", "today", "state"),
    [
        ("met early", 1, date(2026, 1, 5), ComplianceState.MET),
        ("last day of quarter, not held: due soon", 0, date(2026, 3, 31), ComplianceState.DUE_SOON),
        ("day after quarter end: overdue", 0, date(2026, 4, 1), ComplianceState.OVERDUE),
        ("exactly 14 days before end: due soon", 0, date(2026, 3, 17), ComplianceState.DUE_SOON),
        ("15 days before end: not yet due", 0, date(2026, 3, 16), ComplianceState.NOT_DUE),
        ("before the period: not yet due", 0, date(2025, 12, 31), ComplianceState.NOT_DUE),
    ],
)
def test_state_at_quarter_boundaries(_case, held, today, state):
    assert (
        rules.evaluate_state(
            required=1, held=held, start=date(2026, 1, 1), end=date(2026, 3, 31), today=today
        )
        == state
    )


@pytest.mark.parametrize(("days", "late"), [(7, False), (8, True)])
def test_late_entry_boundary(days, late):
    held = date(2026, 3, 1)
    assert rules.late_entry(
        held_on=held, entered_on=held + timedelta(days=days), after_days=7, refuse=False
    ) == (late, None)


def test_late_entry_refused_after_n_days():
    late, refusal = rules.late_entry(
        held_on=date(2026, 3, 1), entered_on=date(2026, 3, 9), after_days=7, refuse=True
    )
    assert late is True
    assert refusal == "会议已过去 8 天，超过 7 天的补录期限，不允许补录"


@pytest.mark.parametrize(
    ("present", "expected", "ok"), [(6, 9, True), (5, 9, False), (2, 3, True), (1, 2, False)]
)
def test_two_thirds_attendance(present, expected, ok):
    assert rules.meets_two_thirds(present=present, expected=expected) is ok


def test_study_days_second_and_fourth_thursday():
    assert rules.study_days(year=2026, month=11, weekday=4, weeks=[2, 4]) == [
        date(2026, 11, 12),
        date(2026, 11, 26),
    ]


def test_checkin_window_defaults_to_three_hours():
    start = datetime(2026, 3, 1, 9, 0)
    assert rules.checkin_window(held_at=start, ends_at=None, early_minutes=30) == (
        datetime(2026, 3, 1, 8, 30),
        datetime(2026, 3, 1, 12, 0),
    )


def test_only_full_members_vote():
    assert rules.is_voter("full") is True
    assert rules.is_voter("probationary") is False
