"""The two reads the annual assessment takes: batched, one query whatever the number of units."""

from datetime import date

import pytest

from ronghe.integration.queries import review_grades, task_summary
from ronghe.orgs.models import Unit
from tests.integration.conftest import make_plan, make_review, make_task

pytestmark = pytest.mark.django_db


def test_review_grades_per_quarter_finalized_only(cast, django_assert_num_queries):
    make_review(cast, quarter=1, grade="good", state="finalized")
    make_review(cast, quarter=3, grade="poor", state="finalized")
    make_review(cast, quarter=4, grade="average")  # still open: not counted
    make_review(cast, year=2025, quarter=2, grade="fairly_good", state="finalized")
    empty = Unit.objects.create(name="丙局")
    with django_assert_num_queries(1):
        grades = review_grades([cast.unit_a, cast.unit_b.pk, empty], 2026)
    assert grades == {
        cast.unit_a.pk: ["good", None, "poor", None],
        cast.unit_b.pk: [None, None, None, None],
        empty.pk: [None, None, None, None],
    }
    assert review_grades(Unit.objects.filter(pk=cast.unit_a.pk), 2025) == {
        cast.unit_a.pk: [None, "fairly_good", None, None]
    }


def test_task_summary_counts_done_total_and_overdue(cast, django_assert_num_queries):
    plan_a = make_plan(cast)
    make_task(plan_a, state="done", deadline=date(2026, 3, 1))
    make_task(plan_a, state="in_progress", deadline=date(2026, 11, 23))  # overdue on the 24th
    make_task(plan_a, state="not_started", deadline=date(2026, 11, 24))  # due that day: not overdue
    make_task(make_plan(cast, unit=cast.unit_b), state="done")
    with django_assert_num_queries(1):
        summary = task_summary([cast.unit_a, cast.unit_b], 2026, today=date(2026, 11, 24))
    assert summary == {cast.unit_a.pk: (1, 3, 1), cast.unit_b.pk: (1, 1, 0)}
    assert task_summary([cast.unit_a], 2025, today=date(2026, 11, 24)) == {cast.unit_a.pk: (0, 0, 0)}


def test_batched_reads_stay_one_query_for_many_units(cast, django_assert_num_queries):
    units = [Unit.objects.create(name=f"单位{i}") for i in range(30)]
    with django_assert_num_queries(1):
        task_summary(units, 2026, today=date(2026, 11, 24))
    with django_assert_num_queries(1):
        review_grades(units, 2026)
