"""An honour feeds the records that judge its subject: a member's points (an indicator sourced from
"honour" earns its points on the day the honour is conferred) and a branch's rating (the derived
indicator 获评表彰次数 counts the organization's own honours of the year's selections)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from ronghe.core.scoring.models import Indicator
from ronghe.points import services as points
from ronghe.points.choices import SourceType
from ronghe.points.forms import source_choices
from ronghe.points.models import MemberYear, PointsEntry
from ronghe.ratings.derived import INDICATORS, branch_values
from ronghe.ratings.scheme_forms import source_choices as rating_sources
from ronghe.selections import services
from ronghe.selections.models import Nomination
from tests.selections.flow import YEAR, agree_all, close_publicity, open_campaign, to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def honour_indicator(cast):
    # the default 2026 points scheme (the honour is conferred in 2026): its "获得表彰奖励" (5 points) is
    # sourced from "honour"
    scheme = points.seed_default_scheme(organization=cast.committee, year=2026, recompute=False)
    return Indicator.objects.get(scheme=scheme, code="honor", sources=["honour"], points=D("5"))


def test_an_announced_honour_earns_the_members_points(cast, people, travel, honour_indicator):
    # given a selection with one place won by 李一
    admin = cast.committee_admin
    campaign, a1, _a2, b1 = to_review(cast, people)
    agree_all(campaign, people)
    services.publish(actor=admin, campaign=campaign)
    close_publicity(campaign, cast, travel)
    assert not PointsEntry.objects.filter(source_type=SourceType.HONOUR).exists()  # nothing before
    # when the result is announced
    services.announce(actor=admin, campaign=campaign)
    # then the winner (and only the winner) earns the indicator's points on the day conferred
    entry = PointsEntry.objects.get(source_type=SourceType.HONOUR)
    b1.refresh_from_db()
    assert (entry.member_id, entry.indicator_id, entry.points) == (b1.member_id, honour_indicator.pk, D("5"))
    assert (entry.year, entry.source_id) == (2026, str(b1.pk))
    assert entry.note == f"{campaign.name}：李一（证书编号 {b1.certificate_no}）"
    assert MemberYear.objects.get(member_id=b1.member_id, year=2026).total == D("65")  # base 60 + 5
    assert not PointsEntry.objects.filter(member_id=a1.member_id).exists()


def test_a_scheme_author_can_source_an_indicator_from_honours():
    assert ("honour", "获评表彰（评选公布结果时计入）") in source_choices()


def test_the_branch_rating_counts_the_organizations_own_honours(cast, people):
    # given 支部A awarded 党建档案示范单位 in 2025, and a member of 支部A awarded 优秀党务工作者
    org_campaign = open_campaign(cast, category="archive")
    org_nomination = services.nominate(
        actor=people["unit_a"], campaign=org_campaign, organization=cast.branch_a, summary="档案规范"
    )
    member_campaign = open_campaign(cast)
    member_nomination = services.nominate(
        actor=people["unit_a"], campaign=member_campaign, member=cast.member_a_record, summary="事迹"
    )
    Nomination.objects.filter(pk__in=[org_nomination.pk, member_nomination.pk]).update(state="awarded")
    # when the 2025 derived values are read
    values = branch_values(YEAR, [cast.branch_a.pk, cast.branch_b.pk], today=date(2026, 3, 2))
    # then 支部A has one honour of its own (the member's is the member's), 支部B none
    honours = values[cast.branch_a.pk]["selections.honours"]
    assert (honours.value, honours.detail) == (D(1), "2025 年度评选获表彰 1 次：党建档案示范单位")
    assert values[cast.branch_b.pk]["selections.honours"].value == D(0)
    assert values[cast.branch_b.pk]["selections.honours"].detail == "2025 年度评选未获表彰"
    # another year's selections do not count
    assert branch_values(YEAR + 1, [cast.branch_a.pk])[cast.branch_a.pk]["selections.honours"].value == 0
    # a rating scheme may read it
    assert INDICATORS["selections.honours"].name == "获评表彰次数"
    assert ("selections.honours", "获评表彰次数（次）") in rating_sources()


def test_the_honours_value_opens_the_organizations_page_with_its_honours(cast, people, client_for):
    campaign = open_campaign(cast, category="archive")
    nomination = services.nominate(
        actor=people["unit_a"], campaign=campaign, organization=cast.branch_a, summary="档案规范"
    )
    Nomination.objects.filter(pk=nomination.pk).update(state="awarded")
    value = branch_values(YEAR, [cast.branch_a.pk])[cast.branch_a.pk]["selections.honours"]
    page = client_for(cast.committee_admin).get(value.url).content.decode()
    assert "2025年度 · 党建档案示范单位" in page
