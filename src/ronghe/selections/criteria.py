"""A selection's criteria (评审标准), edited while units nominate: entered indicators of the campaign's one
dimension, scored 0 to their 满分, through the scheme editor (`core.scoring.editing`); the panel's sheets follow
(`judging.replace_indicators`). Fixed once judging opens."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from ronghe.accounts.models import User
from ronghe.core.judging import services as judging
from ronghe.core.scoring import editing
from ronghe.core.scoring.choices import IndicatorKind
from ronghe.core.scoring.models import Campaign, Indicator, Scheme
from ronghe.selections.choices import CampaignState
from ronghe.selections.services import SelectionError, panel_of

CRITERIA_FIXED = "评审已开始，评审标准不能再修改"


def _criteria_editable(campaign: Campaign) -> None:
    if campaign.fresh_state() != CampaignState.NOMINATING or not campaign.scheme.is_editable:
        raise SelectionError(CRITERIA_FIXED)


def criterion_values(data: Mapping[str, Any], scheme: Scheme) -> dict[str, Any]:
    """A criterion is an entered indicator of the campaign's one dimension, scored 0 to its 满分."""
    return {
        "code": data.get("code"),
        "name": data.get("name"),
        "ceiling": data.get("ceiling"),
        "floor": Decimal("0"),
        "kind": IndicatorKind.ENTERED,
        "dimension": scheme.dimensions.order_by("order", "pk").first(),
        "weight": Decimal("1"),
    }


def _criteria_changed(*, actor: User, campaign: Campaign) -> None:
    """After an edit: the total's ceiling is the sum of the 满分, and the panel scores the new set."""
    scheme = campaign.scheme
    tops = [i.ceiling or Decimal("0") for i in scheme.indicators.filter(kind=IndicatorKind.ENTERED)]
    Scheme.objects.filter(pk=scheme.pk).update(ceiling=sum(tops, Decimal("0")))
    scheme.refresh_from_db()
    judging.replace_indicators(
        actor=actor, panel=panel_of(campaign), indicators=judging.judged_indicators(scheme.to_rules())
    )


def _check_top(data: Mapping[str, Any]) -> None:
    top = data.get("ceiling")
    if top is None or top <= 0:
        raise SelectionError("满分必须大于 0", field="ceiling")


def add_criterion(*, actor: User, campaign: Campaign, data: Mapping[str, Any]) -> Indicator:
    """Add a criterion (code, name, 满分) while units nominate; the scheme editor checks and audits."""
    _criteria_editable(campaign)
    _check_top(data)
    with transaction.atomic():
        indicator = editing.create_indicator(
            actor=actor, scheme=campaign.scheme, data=criterion_values(data, campaign.scheme)
        )
        _criteria_changed(actor=actor, campaign=campaign)
    return indicator


def update_criterion(
    *, actor: User, campaign: Campaign, indicator: Indicator, data: Mapping[str, Any]
) -> Indicator:
    _criteria_editable(campaign)
    _check_top(data)
    with transaction.atomic():
        editing.update_indicator(
            actor=actor, indicator=indicator, data=criterion_values(data, campaign.scheme)
        )
        _criteria_changed(actor=actor, campaign=campaign)
    return indicator


def delete_criterion(*, actor: User, campaign: Campaign, indicator: Indicator) -> None:
    """Remove a criterion; the last one stays (judges need something to score), and one the tie rule
    compares first is refused by the scheme editor."""
    _criteria_editable(campaign)
    if campaign.scheme.indicators.filter(kind=IndicatorKind.ENTERED).count() <= 1:
        raise SelectionError("评审标准至少保留一项")
    with transaction.atomic():
        editing.delete_indicator(actor=actor, indicator=indicator)
        _criteria_changed(actor=actor, campaign=campaign)
