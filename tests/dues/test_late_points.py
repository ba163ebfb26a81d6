"""未按时交纳党费 in points: each month of the year not paid in its month or ahead costs the `dues_late`
indicator (−2, at most 6 a year), derived from the 党费 ledger and kept in step with every change."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from ronghe.core.scoring.models import Indicator
from ronghe.dues import queries, rules, services
from ronghe.dues import relief as relief_services
from ronghe.dues.choices import Category, RecordState
from ronghe.dues.models import DuesRecord
from ronghe.points import services as points
from ronghe.points.choices import SourceType, YearStatus
from ronghe.points.models import MemberYear, PointsEntry, YearClosing

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def late(cast, time_machine):
    """张甲 with a base from January, the default points scheme, "today" 2026-06-10."""
    time_machine.move_to(datetime(YEAR, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    points.seed_default_scheme(organization=cast.committee, year=YEAR)
    services.set_base(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        effective_from=date(YEAR, 1, 1),
        category=Category.IN_SERVICE,
        base=D("3000.01"),
    )
    return cast


def _record(cast, month: int, paid_on: date | None = None) -> DuesRecord:
    return DuesRecord.objects.create(
        member=cast.member_a_record,
        organization=cast.branch_a,
        period=date(YEAR, month, 1),
        amount_due=D("30.00"),
        paid_amount=D("30.00") if paid_on else None,
        state=RecordState.PAID if paid_on else RecordState.DUE,
        paid_on=paid_on,
    )


def _lines(cast) -> list[tuple[str, D, date]]:
    return sorted(
        PointsEntry.objects.filter(member=cast.member_a_record, source_type=SourceType.DUES).values_list(
            "source_id", "points", "occurred_on"
        )
    )


def _total(cast) -> D:
    return MemberYear.objects.get(member=cast.member_a_record, year=YEAR).total


@pytest.mark.parametrize(
    ("_case", "on_time", "as_of", "expected"),
    [
        ("January on time", [1], date(YEAR, 2, 1), []),
        ("January not on time", [], date(YEAR, 2, 1), [1]),
        ("only March (prepaid)", [3], date(YEAR, 4, 1), [1, 2]),
        ("the current month is not late yet", [], date(YEAR, 1, 31), []),
        ("up to the last complete month", [2], date(YEAR, 4, 30), [1, 3]),
    ],
)
def test_late_months_rule(_case, on_time, as_of, expected):
    late = rules.late_months([date(YEAR, m, 1) for m in on_time], date(YEAR, 1, 1), as_of, YEAR)
    assert late == [date(YEAR, m, 1) for m in expected]


@pytest.mark.parametrize(
    ("_case", "paid_on", "late_"),
    [
        ("paid on its last day", date(YEAR, 1, 31), False),
        ("paid the next day (补交)", date(YEAR, 2, 1), True),
        ("paid ahead (预交)", date(YEAR - 1, 12, 20), False),
    ],
)
def test_on_time_is_in_its_month_or_ahead(late, _case, paid_on, late_):
    _record(late, 1, paid_on)
    found = queries.late_months_by_member([late.member_a_record.pk], YEAR, date(YEAR, 2, 10))
    assert (date(YEAR, 1, 1) in found[late.member_a_record.pk]) is late_


def test_liability_starts_at_admission_and_the_year_bounds_the_months():
    assert rules.late_months([], date(YEAR, 4, 1), date(YEAR, 6, 10), YEAR) == [
        date(YEAR, 4, 1),
        date(YEAR, 5, 1),
    ]
    assert rules.late_months([], date(YEAR - 1, 11, 1), date(YEAR + 1, 2, 1), YEAR)[-1] == date(YEAR, 12, 1)
    assert len(rules.late_months([], date(YEAR - 1, 11, 1), date(YEAR + 1, 2, 1), YEAR)) == 12
    assert rules.late_months([], None, date(YEAR, 6, 10), YEAR) == []


def test_a_back_payment_costs_points_and_stays_late(late):
    # given: January and February paid in their months, March unpaid
    _record(late, 1, date(YEAR, 1, 20))
    _record(late, 2, date(YEAR, 2, 20))
    _record(late, 3)
    # when: March, April and May are paid in June (补交), as one payment
    services.record_payment(
        actor=late.secretary_a,
        member=late.member_a_record,
        periods=[date(YEAR, 3, 1), date(YEAR, 4, 1), date(YEAR, 5, 1)],
        paid_on=date(YEAR, 6, 10),
    )
    # then: three late months, −2 each, dated each month's last day; the year's total counts −6
    assert _lines(late) == [
        ("2026-03", D("-2"), date(YEAR, 3, 31)),
        ("2026-04", D("-2"), date(YEAR, 4, 30)),
        ("2026-05", D("-2"), date(YEAR, 5, 31)),
    ]
    entry = PointsEntry.objects.get(
        member=late.member_a_record, source_type=SourceType.DUES, source_id="2026-03"
    )
    assert entry.note == "2026年3月党费未按时交纳"
    assert _total(late) == D("54")  # 基础分 60 − 6


def test_the_yearly_cap_holds_and_a_reason_takes_months_back(late):
    # given: liability from January (a paid record), February to May unpaid
    _record(late, 1, date(YEAR, 1, 5))
    points.sync_late_dues(year=YEAR, as_of=date(YEAR, 6, 10))
    assert [s for s, *_ in _lines(late)] == ["2026-02", "2026-03", "2026-04", "2026-05"]
    assert _total(late) == D("54")  # four months × −2 = −8, capped at 6 a year
    # when: a 正当理由 is recorded for February–April
    relief_services.record_reason(
        actor=late.secretary_a,
        member=late.member_a_record,
        from_period=date(YEAR, 2, 1),
        to_period=date(YEAR, 4, 1),
        reason="外派援疆，经支部同意回来后补交",
    )
    # then: only May is left
    assert [s for s, *_ in _lines(late)] == ["2026-05"]
    assert _total(late) == D("58")


def test_the_sync_is_idempotent_and_follows_a_new_month(late, time_machine):
    _record(late, 1, date(YEAR, 1, 5))
    _record(late, 5, date(YEAR, 5, 5))
    first = points.sync_late_dues(year=YEAR, as_of=date(YEAR, 6, 10))
    assert first["created"] == 3  # February, March, April
    assert points.sync_late_dues(year=YEAR, as_of=date(YEAR, 6, 10)) == {
        "created": 0,
        "updated": 0,
        "deleted": 0,
    }
    # June ends unpaid: the next day's run adds it
    assert points.sync_late_dues(year=YEAR, as_of=date(YEAR, 7, 1))["created"] == 1
    assert [s for s, *_ in _lines(late)] == ["2026-02", "2026-03", "2026-04", "2026-06"]


def test_a_collection_in_its_month_costs_nothing_and_the_monthly_run_counts_the_first_month(late):
    # the monthly run for May makes May the first month of liability; as of June 10th it is late
    services.run_month(
        actor=late.secretary_a, organization=late.org_a, period=date(YEAR, 5, 1), today=date(YEAR, 6, 10)
    )
    assert [s for s, *_ in _lines(late)] == ["2026-05"]
    # June's collection in June: nothing more; May back-paid: still late
    services.run_month(
        actor=late.secretary_a, organization=late.org_a, period=date(YEAR, 6, 1), today=date(YEAR, 6, 10)
    )
    services.record_collection(
        actor=late.secretary_a,
        organization=late.org_a,
        period=date(YEAR, 6, 1),
        members=[late.member_a_record],
        paid_on=date(YEAR, 6, 10),
    )
    services.record_payment(
        actor=late.secretary_a,
        member=late.member_a_record,
        periods=[date(YEAR, 5, 1)],
        paid_on=date(YEAR, 6, 10),
    )
    assert [s for s, *_ in _lines(late)] == ["2026-05"]


def test_a_finalized_year_is_left_alone(late):
    _record(late, 1, date(YEAR, 1, 5))
    YearClosing.objects.create(organization=late.committee, year=YEAR, status=YearStatus.FINALIZED)
    assert points.sync_late_dues(year=YEAR, as_of=date(YEAR, 6, 10)) == {
        "created": 0,
        "updated": 0,
        "deleted": 0,
    }
    assert _lines(late) == []


def test_a_scheme_without_the_source_deducts_nothing(late):
    Indicator.objects.filter(code="dues_late").update(sources=[])
    _record(late, 1, date(YEAR, 1, 5))
    assert points.sync_late_dues(year=YEAR, as_of=date(YEAR, 6, 10))["created"] == 0


def test_late_months_by_member_runs_a_fixed_number_of_queries(late, django_assert_num_queries):
    _record(late, 1, date(YEAR, 1, 5))
    with django_assert_num_queries(5):
        found = queries.late_months_by_member(
            [late.member_a_record.pk, late.member_b_record.pk], YEAR, date(YEAR, 6, 10)
        )
    assert found[late.member_a_record.pk] == [date(YEAR, m, 1) for m in (2, 3, 4, 5)]
    assert found[late.member_b_record.pk] == []  # no 党费 record: liability not started


def test_the_daily_job_deducts_the_month_just_ended(late):
    _record(late, 1, date(YEAR, 1, 5))
    out = StringIO()
    call_command("send_reminders", date="2026-03-01", stdout=out)
    assert "未按时交纳党费扣分 1 条" in out.getvalue()  # February
    assert [s for s, *_ in _lines(late)] == ["2026-02"]


def test_the_line_opens_to_the_dues_ledger(late, client_for):
    _record(late, 1, date(YEAR, 1, 5))
    points.sync_late_dues(year=YEAR, as_of=date(YEAR, 3, 1))
    entry = PointsEntry.objects.get(member=late.member_a_record, source_type=SourceType.DUES)
    url = reverse("points:entry-detail", kwargs={"code": entry.code})
    # the member: their own 党费 page
    page = client_for(late.member_a).get(url).content.decode()
    assert "2026年2月党费未按时交纳" in page
    assert reverse("dues:my-dues") in page
    # the branch secretary: the member's 党费 page
    page = client_for(late.secretary_a).get(url).content.decode()
    assert reverse("dues:member", kwargs={"code": late.member_a_record.code}) in page
