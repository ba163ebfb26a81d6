"""The criteria of a selection (评审标准) edited by the 工委 while units nominate, through the scheme
editor: added, edited, deleted, the judges' panel following; refused with a Chinese message once
judging opened, on bad input, and for whoever does not run the campaign."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from ronghe.accounts.choices import Role
from ronghe.core.audit import AuditEntry
from ronghe.core.errors import DomainError
from ronghe.core.scoring.choices import SchemeStatus
from ronghe.selections import criteria, services
from tests.factories import UserFactory, grant
from tests.selections.flow import nominate_member, open_campaign

pytestmark = pytest.mark.django_db


def _criteria(campaign):
    scheme = campaign.scheme
    scheme.refresh_from_db()
    return [(i.code, i.ceiling) for i in scheme.indicators.order_by("order", "pk")]


def _panel(campaign):
    return [(i["code"], D(i["max"])) for i in services.panel_of(campaign).indicators]


def _indicator(campaign, code):
    return campaign.scheme.indicators.get(code=code)


def test_the_committee_edits_the_criteria_while_units_nominate(cast, people):
    admin = cast.committee_admin
    campaign = open_campaign(cast)
    # add
    criteria.add_criterion(
        actor=admin, campaign=campaign, data={"code": "spirit", "name": "党性修养", "ceiling": D("10")}
    )
    # edit a 满分
    criteria.update_criterion(
        actor=admin,
        campaign=campaign,
        indicator=_indicator(campaign, "recognition"),
        data={"code": "recognition", "name": "群众认可度", "ceiling": D("15")},
    )
    # delete
    criteria.delete_criterion(actor=admin, campaign=campaign, indicator=_indicator(campaign, "innovation"))
    assert _criteria(campaign) == [
        ("deeds", D("40")),
        ("exemplary", D("30")),
        ("recognition", D("15")),
        ("spirit", D("10")),
    ]
    assert campaign.scheme.ceiling == D("95")
    # the judges will score exactly these
    assert _panel(campaign) == [
        ("deeds", D("40")),
        ("exemplary", D("30")),
        ("recognition", D("15")),
        ("spirit", D("10")),
    ]
    events = list(
        AuditEntry.objects.filter(event__startswith="scoring.indicator_").values_list("event", flat=True)
    )
    assert sorted(events) == [
        "scoring.indicator_created",
        "scoring.indicator_deleted",
        "scoring.indicator_updated",
    ]


def test_bad_criteria_are_refused_and_nothing_written(cast, people):
    admin = cast.committee_admin
    campaign = open_campaign(cast)
    before = (_criteria(campaign), _panel(campaign))
    with pytest.raises(DomainError, match="指标代码“deeds”已在本方案中使用"):
        criteria.add_criterion(
            actor=admin, campaign=campaign, data={"code": "deeds", "name": "重复", "ceiling": D("5")}
        )
    with pytest.raises(DomainError, match="满分必须大于 0"):
        criteria.add_criterion(
            actor=admin, campaign=campaign, data={"code": "x", "name": "零分", "ceiling": D("0")}
        )
    # 事迹与成效 breaks ties at the cut: the scheme editor keeps it
    with pytest.raises(DomainError, match="指标“事迹与成效”用于定级规则中的"):
        criteria.delete_criterion(actor=admin, campaign=campaign, indicator=_indicator(campaign, "deeds"))
    # someone who does not run the campaign
    with pytest.raises(Exception, match="权限"):
        criteria.add_criterion(
            actor=people["unit_a"], campaign=campaign, data={"code": "y", "name": "越权", "ceiling": D("5")}
        )
    assert (_criteria(campaign), _panel(campaign)) == before


def test_criteria_are_fixed_once_judging_opened(cast, people):
    admin = cast.committee_admin
    campaign = open_campaign(cast)
    services.add_judge(actor=admin, campaign=campaign, judge=people["judges"][1])
    nominate_member(campaign, people["unit_a"], cast.branch_a, "王一")
    services.start_judging(actor=admin, campaign=campaign)
    campaign.scheme.refresh_from_db()
    assert campaign.scheme.status == SchemeStatus.ACTIVE
    before = (_criteria(campaign), _panel(campaign))
    with pytest.raises(DomainError, match="评审已开始，评审标准不能再修改"):
        criteria.add_criterion(
            actor=admin, campaign=campaign, data={"code": "late", "name": "迟到", "ceiling": D("5")}
        )
    with pytest.raises(DomainError, match="评审已开始，评审标准不能再修改"):
        criteria.delete_criterion(
            actor=admin, campaign=campaign, indicator=_indicator(campaign, "innovation")
        )
    assert (_criteria(campaign), _panel(campaign)) == before


def test_the_criteria_page(cast, people, client_for):
    campaign = open_campaign(cast)
    url = reverse("selections:criterion-list", args=[campaign.code])
    # a unit admin, and a 工委 admin of B only, see the county's campaign but do not run it
    assert (
        client_for(people["unit_a"]).post(url, {"code": "a", "name": "b", "ceiling": "5"}).status_code == 403
    )
    stranger = UserFactory(username="gw_b")
    grant(stranger, Role.WORK_COMMITTEE_ADMIN, cast.org_b)
    assert client_for(stranger).get(url).status_code == 403
    client = client_for(cast.committee_admin)
    assert (
        "修改评审标准"
        in client.get(reverse("selections:campaign-detail", args=[campaign.code])).content.decode()
    )
    response = client.post(url, {"code": "spirit", "name": "党性修养", "ceiling": "-1"})
    assert response.status_code == 422
    assert "满分必须大于 0" in response.content.decode()
    response = client.post(url, {"code": "spirit", "name": "党性修养", "ceiling": "10"}, follow=True)
    body = response.content.decode()
    assert "已添加评审标准“党性修养”" in body and "合计 110 分" in body
    pk = _indicator(campaign, "spirit").pk
    edit = reverse("selections:criterion-update", args=[campaign.code, pk])
    response = client.post(edit, {"code": "spirit", "name": "党性修养", "ceiling": "abc"})
    assert response.status_code == 422 and "满分必须是数字" in response.content.decode()
    client.post(edit, {"code": "spirit", "name": "党性与作风", "ceiling": "12"})
    assert _panel(campaign)[-1] == ("spirit", D("12"))
    client.post(reverse("selections:criterion-delete", args=[campaign.code, pk]))
    assert [c for c, _ in _criteria(campaign)] == ["deeds", "exemplary", "innovation", "recognition"]
