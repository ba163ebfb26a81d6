"""Discipline rules without the database: periods in force, the process table, sanction checks."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ronghe.core.errors import TransitionNotAllowed
from ronghe.discipline import rules
from ronghe.discipline.choices import CaseAction, CaseState, SanctionKind


@pytest.mark.parametrize(
    ("kind", "years", "expected"),
    [
        pytest.param(SanctionKind.WARNING, 1, date(2027, 3, 14), id="warning_one_year_case"),
        pytest.param(SanctionKind.SERIOUS_WARNING, 1, date(2027, 9, 14), id="serious_eighteen_months_case"),
        pytest.param(SanctionKind.PROBATION, 1, date(2027, 3, 14), id="probation_one_year_case"),
        pytest.param(SanctionKind.PROBATION, 2, date(2028, 3, 14), id="probation_two_years_case"),
        pytest.param(SanctionKind.EXPULSION, 1, None, id="expulsion_without_end_case"),
        pytest.param(SanctionKind.GOV_WARNING, 1, date(2026, 9, 14), id="gov_warning_six_months_case"),
        pytest.param(SanctionKind.CRITICISM, 1, date(2026, 3, 15), id="criticism_its_day_case"),
        pytest.param(SanctionKind.ADMONITION, 1, date(2026, 9, 14), id="admonition_six_months_case"),
    ],
)
def test_calculate_ends_on(kind, years, expected):
    assert rules.calculate_ends_on(kind, date(2026, 3, 15), probation_years=years) == expected


def test_add_months_keeps_to_the_end_of_a_short_month():
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 60))
def test_add_months_never_goes_back(day, months):
    assert rules.add_months(day, months) >= day


@pytest.mark.parametrize(
    ("state", "action", "to"),
    [
        pytest.param(CaseState.RECEIVED, CaseAction.VERIFY, CaseState.VERIFYING, id="verify_case"),
        pytest.param(CaseState.VERIFYING, CaseAction.FILE, CaseState.FILED, id="file_case"),
        pytest.param(CaseState.VERIFYING, CaseAction.CONCLUDE, CaseState.CONCLUDED, id="conclude_case"),
        pytest.param(CaseState.VERIFYING, CaseAction.HANDLE, CaseState.DECIDED, id="handle_after_check_case"),
        pytest.param(CaseState.FILED, CaseAction.SANCTION, CaseState.DECIDED, id="sanction_case"),
        pytest.param(CaseState.DECIDED, CaseAction.CLOSE, CaseState.CLOSED, id="close_case"),
    ],
)
def test_process_steps(state, action, to):
    assert rules.CASE_PROCESS.step(state, action).to == to


def test_a_sanction_before_filing_is_refused_in_chinese():
    with pytest.raises(TransitionNotAllowed, match="“初核”状态的案件不能给予处分"):
        rules.CASE_PROCESS.step(CaseState.VERIFYING, CaseAction.SANCTION)


@pytest.mark.parametrize(
    ("action", "kind", "starts", "ends", "years", "expected"),
    [
        pytest.param(
            CaseAction.SANCTION,
            SanctionKind.ADMONITION,
            date(2026, 4, 1),
            None,
            1,
            ("kind", "给予处分时请选择党纪处分或政务处分的种类"),
            id="handling_as_sanction_case",
        ),
        pytest.param(
            CaseAction.HANDLE,
            SanctionKind.WARNING,
            date(2026, 4, 1),
            None,
            1,
            ("kind", "予以处理时请选择批评教育、责令检查或诫勉"),
            id="sanction_as_handling_case",
        ),
        pytest.param(
            CaseAction.SANCTION,
            SanctionKind.WARNING,
            date(2026, 2, 28),
            None,
            1,
            ("starts_on", "生效日期不能早于线索受理日期"),
            id="before_receipt_case",
        ),
        pytest.param(
            CaseAction.SANCTION,
            SanctionKind.WARNING,
            date(2026, 4, 1),
            date(2026, 3, 31),
            1,
            ("ends_on", "影响期满日期不能早于生效日期"),
            id="ends_before_start_case",
        ),
        pytest.param(
            CaseAction.SANCTION,
            SanctionKind.PROBATION,
            date(2026, 4, 1),
            None,
            3,
            ("probation_years", "留党察看期限为一年或二年（纪律处分条例第十二条）"),
            id="probation_three_years_case",
        ),
        pytest.param(
            CaseAction.SANCTION,
            SanctionKind.PROBATION,
            date(2026, 3, 1),
            None,
            2,
            None,
            id="valid_on_receipt_day_case",
        ),
    ],
)
def test_check_sanction(action, kind, starts, ends, years, expected):
    got = rules.check_sanction(
        action=action,
        kind=kind,
        starts_on=starts,
        ends_on=ends,
        received_on=date(2026, 3, 1),
        probation_years=years,
    )
    assert got == expected


def test_review_is_overdue_only_after_its_day():
    assert rules.is_review_overdue(date(2026, 6, 30), date(2026, 6, 30)) is False
    assert rules.is_review_overdue(date(2026, 6, 30), date(2026, 7, 1)) is True
