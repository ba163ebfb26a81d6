"""The demo county's selections: last year's 五个十佳 finished with ten winners per category, this year's
两优一先 at judging with the demo judge's sheets still to fill, brands with logos, sites and cases."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.accounts.models import User
from ronghe.core.evidence import services as evidence
from ronghe.core.judging import services as judging
from ronghe.core.scoring.models import Campaign
from ronghe.demo.generator import build_county
from ronghe.selections import rules, services
from ronghe.selections.choices import CampaignState, NominationState
from ronghe.selections.models import Brand, DemonstrationSite, InnovationCase, Nomination

pytestmark = pytest.mark.django_db

DEMO_TODAY = date(2026, 11, 24)


def test_the_demo_county_has_selections_brands_sites_and_cases():
    build_county(400, seed=7, today=DEMO_TODAY, until="demo_selections")
    finished = Campaign.objects.filter(purpose="selection", year=2025).select_related("selection")
    assert sorted(c.selection.category_name for c in finished) == sorted(
        ["优秀党建品牌", "精品党课", "基层党建阵地", "党建档案示范单位", "优秀党务工作者"]
    )
    for campaign in finished:
        assert campaign.state == CampaignState.ANNOUNCED
        awarded = Nomination.objects.filter(campaign=campaign, state=NominationState.AWARDED)
        assert awarded.count() == 10, campaign.name
    current = Campaign.objects.get(purpose="selection", year=2026, selection__category="excellent_member")
    assert current.state == CampaignState.JUDGING
    assert judging.pending_count(User.objects.get(username="judge")) > 0
    with_logo = [
        b for b in Brand.objects.all() if any(e.is_file for e in evidence.for_object(rules.BRAND, b.pk))
    ]
    assert len(with_logo) >= 3
    assert DemonstrationSite.objects.values("level").distinct().count() == 3
    assert InnovationCase.objects.filter(state="published").count() >= 3
    assert services.standings(current)  # the 工委 can look at the scores so far
