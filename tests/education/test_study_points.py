"""学习强国 feeds points: a scheme indicator sourced from "study" is earned once for each month in which a
member has learning points; re-importing the month re-syncs it."""

from datetime import date
from decimal import Decimal

import pytest

from ronghe.core.scoring.models import Indicator
from ronghe.education import imports
from ronghe.points import services as points
from ronghe.points.models import PointsEntry
from tests.education.test_views import _sheet
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "学习积分", "活跃天数"]


@pytest.fixture
def study_indicator(cast):  # noqa: ANN001
    """The default scheme of 2026 with a 学习强国 indicator: 1 point a month, fed by "study"."""
    scheme = points.seed_default_scheme(organization=cast.committee, year=2026)
    indicator = Indicator.objects.get(scheme=scheme, code="training")
    indicator.pk = None
    indicator.code, indicator.name, indicator.sources = "xuexi", "学习强国月度学习", ["study"]
    indicator.points, indicator.cap_year = Decimal(1), Decimal(12)
    indicator.save()
    return indicator


def _import(cast, rows, month="2026-03"):  # noqa: ANN001
    return imports.import_scores(
        actor=cast.secretary_a, upload=_sheet(HEADER, rows), month=month, confirm=True
    )


def test_members_with_learning_points_earn_the_study_indicator(cast, study_indicator):
    # given: 张甲 learned in March, 王零 did not
    idle = MemberFactory(name="王零", organization=cast.branch_a)
    # when
    _import(cast, [["张甲", 1200, 28], ["王零", 0, 0]])
    # then
    entry = PointsEntry.objects.get(indicator=study_indicator)
    assert (entry.member, entry.points, entry.occurred_on, entry.source_type, entry.source_id) == (
        cast.member_a_record,
        Decimal(1),
        date(2026, 3, 1),
        "study",
        "xuexi:2026-03",
    )
    assert not PointsEntry.objects.filter(member=idle).exists()


def test_reimporting_a_month_resyncs_and_another_month_adds(cast, study_indicator):
    _import(cast, [["张甲", 1200, 28]])
    _import(cast, [["张甲", 1300, 29]])  # the same month again: still one entry
    assert PointsEntry.objects.filter(indicator=study_indicator).count() == 1
    _import(cast, [["张甲", 900, 20]], month="2026-04")
    assert PointsEntry.objects.filter(indicator=study_indicator).count() == 2
    _import(cast, [["张甲", 0, 0]])  # March corrected to nothing learned: its point goes
    assert list(
        PointsEntry.objects.filter(indicator=study_indicator).values_list("source_id", flat=True)
    ) == ["xuexi:2026-04"]
