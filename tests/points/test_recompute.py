"""`recompute_year` (the scheme in SQL) agrees with the incremental path (the engine in Python)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ronghe.core.scoring.choices import SchemeStatus
from ronghe.core.scoring.models import Indicator
from ronghe.demo.generator import build_county
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.points import services
from ronghe.points.models import MemberYear, points_text
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

YEAR = 2026


def stored(year: int) -> list:
    return sorted(
        MemberYear.objects.filter(year=year).values_list(
            "member_id",
            "organization_id",
            "scheme_id",
            "total",
            "a_count",
            "grade",
            "grades",
            "dimensions",
            "vetoed",
        )
    )


def test_sql_recompute_equals_the_python_engine_on_a_demo_county():
    county = build_county(300, seed=5, today=date(2026, 11, 24))
    year = county.today.year
    ids = list(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True))
    MemberYear.objects.all().delete()
    services.refresh_member_years(member_ids=ids, year=year)  # every member through rules.evaluate
    by_engine = stored(year)
    assert len(by_engine) > 200
    MemberYear.objects.all().delete()
    assert services.recompute_year(year=year) == len(by_engine)
    assert stored(year) == by_engine


def test_recompute_repairs_only_what_differs(cast, ind):
    services.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=ind("task"),
        points="2",
        on=date(YEAR, 2, 1),
        reason="急难险重",
    )
    services.recompute_year(year=YEAR)
    right = stored(YEAR)
    right_dims = MemberYear.objects.get(member=cast.member_a_record, year=YEAR).dimensions
    untouched = MemberYear.objects.get(member=cast.member_b_record, year=YEAR)
    # someone edits the stored results behind the ledger's back
    MemberYear.objects.filter(member=cast.member_a_record, year=YEAR).update(total=Decimal("1"), grade="0A")
    services.recompute_year(year=YEAR)
    assert stored(YEAR) == right
    # only a dimension score is wrong, or a dimension the scheme does not have is stored
    for dimensions in (
        {**right_dims, "orglife": "99.00"},
        {**right_dims, "stale": "1.00"},
        {k: v for k, v in right_dims.items() if k != "orglife"},
    ):
        MemberYear.objects.filter(member=cast.member_a_record, year=YEAR).update(dimensions=dimensions)
        services.recompute_year(year=YEAR)
        assert stored(YEAR) == right
    # a row that already agreed was left as it was
    assert MemberYear.objects.get(pk=untouched.pk).updated_at == untouched.updated_at


def test_a_nearer_scheme_governs_its_subtree(cast, scheme, ind):
    unit_scheme = services.seed_default_scheme(organization=cast.org_b, year=YEAR, activate=False)
    Indicator.objects.filter(scheme=unit_scheme, code="task").update(
        points=Decimal("7"), cap_year=None, cap_quarter=None, cap_month=None
    )
    services.activate_points_scheme(scheme=unit_scheme, actor=cast.committee_admin)
    assert unit_scheme.__class__.objects.get(pk=unit_scheme.pk).status == SchemeStatus.ACTIVE
    for member, indicator in (
        (cast.member_a_record, ind("task")),
        (cast.member_b_record, Indicator.objects.get(scheme=unit_scheme, code="task")),
    ):
        services.adjust_points(
            actor=cast.committee_admin,
            member=member,
            indicator=indicator,
            points="2",
            on=date(YEAR, 3, 1),
            reason="任务",
        )
    ids = list(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True))
    services.refresh_member_years(member_ids=ids, year=YEAR)
    by_engine = stored(YEAR)
    MemberYear.objects.all().delete()
    services.recompute_year(year=YEAR)
    assert stored(YEAR) == by_engine
    schemes = dict(MemberYear.objects.values_list("member_id", "scheme_id"))
    assert schemes[cast.member_a_record.pk] == scheme.pk
    assert schemes[cast.member_b_record.pk] == unit_scheme.pk


def test_recompute_of_a_subtree_leaves_the_rest(cast, scheme):
    outside = MemberFactory(organization=cast.branch_b)
    services.recompute_year(year=YEAR)
    MemberYear.objects.filter(member=outside).update(total=Decimal("3"))
    count = services.recompute_year(year=YEAR, organization=cast.org_a)
    assert (
        count
        == Member.objects.filter(
            organization__path__startswith=cast.org_a.path, status__in=ACTIVE_STATUSES
        ).count()
    )
    assert MemberYear.objects.get(member=outside, year=YEAR).total == Decimal("3")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("12.5", "12.50"),
        ("0.005", "0.01"),  # half away from zero, as SQL's ROUND
        ("-0.005", "-0.01"),
        ("-0.004", "0.00"),  # never "-0.00": it would not equal the "0.00" SQL writes
        ("0", "0.00"),
        ("1234567.891", "1234567.89"),
    ],
)
def test_points_text(value, text):
    assert points_text(Decimal(value)) == text
