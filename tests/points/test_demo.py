from __future__ import annotations

from datetime import date

import pytest

from ronghe.demo.generator import build_county
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.points import services
from ronghe.points.models import MemberYear, PointsEntry

pytestmark = pytest.mark.django_db


def test_demo_gives_every_active_member_a_year_of_points():
    county = build_county(300, seed=11, today=date(2026, 11, 24))
    year = county.today.year
    active = Member.objects.filter(status__in=ACTIVE_STATUSES).count()
    active_ids = set(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True))
    assert active_ids <= set(MemberYear.objects.filter(year=year).values_list("member_id", flat=True))
    assert PointsEntry.objects.filter(year=year).values("member").distinct().count() > active * 0.8
    assert set(PointsEntry.objects.values_list("source_type", flat=True)) >= {
        "training",
        "volunteering",
        "claim",
    }
    # the totals the demo built are exactly what a recompute gives
    before = sorted(MemberYear.objects.values_list("member_id", "total", "grade"))
    dims = sorted(MemberYear.objects.values_list("member_id", "dimensions"))
    services.recompute_year(year=year)
    assert sorted(MemberYear.objects.values_list("member_id", "total", "grade")) == before
    assert sorted(MemberYear.objects.values_list("member_id", "dimensions")) == dims
