"""The bench's 党费 floors run (the bench itself is not part of the test run)."""

from __future__ import annotations

from datetime import date

import pytest
from bench.floors import dues_run_floor, dues_statement_rows

from ronghe.dues.models import DuesRecord

pytestmark = pytest.mark.django_db


def test_dues_floors_run_and_leave_nothing(cast):
    assert dues_run_floor(cast.committee.path, "2026-11-01") == 2
    assert not DuesRecord.objects.exists()
    assert dues_statement_rows(cast.committee.path, 2026) == []


def test_bench_run_month_rolled_back_shape(cast):
    from ronghe.dues import services

    result = services.run_month(
        actor=None, organization=cast.committee, period=date(2026, 11, 1), today=date(2026, 11, 5)
    )
    assert result.created == 2 and result.no_base == 2


def test_the_late_dues_floor_counts_the_years_records_and_lines(cast):
    from bench.floors import dues_late_floor

    DuesRecord.objects.create(
        member=cast.member_a_record, organization=cast.branch_a, period=date(2026, 3, 1), amount_due="30.00"
    )
    assert dues_late_floor(2026) == 1
    assert dues_late_floor(2025) == 0
