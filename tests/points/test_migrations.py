"""Migration 0004 folds the per-dimension rows into `MemberYear.dimensions` without losing a score."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ronghe.points import services
from ronghe.points.models import MemberYear
from tests.factories import MemberFactory, OrganizationFactory

BEFORE = ("points", "0003_yearclosing_publicity_fallback_and_more")
AFTER = ("points", "0004_memberyear_dimensions")


@pytest.mark.django_db(transaction=True)
def test_year_totals_become_member_year_dimensions():
    branch = OrganizationFactory(name="迁移测试支部")
    scheme = services.seed_default_scheme(organization=branch, year=2026)
    first, second = MemberFactory(organization=branch), MemberFactory(organization=branch)
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        OldYear, OldTotal = old.get_model("points", "MemberYear"), old.get_model("points", "YearTotal")
        for member, scores in ((first, {"orglife": "13", "study": "-2.5"}), (second, {"orglife": "0"})):
            OldYear.objects.create(
                member_id=member.pk,
                year=2026,
                organization_id=branch.pk,
                scheme_id=scheme.pk,
                total=Decimal("10"),
            )
            for code, points in scores.items():
                OldTotal.objects.create(
                    member_id=member.pk, year=2026, dimension=code, points=Decimal(points)
                )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert MemberYear.objects.get(member=first).dimensions == {"orglife": "13.00", "study": "-2.50"}
    assert MemberYear.objects.get(member=second).dimension_points() == {"orglife": Decimal("0")}
