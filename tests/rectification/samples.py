"""Route samples for core.rectification: an open item of branch A."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ronghe.core.rectification.models import Item
from tests.routes import url_sample


def sample_item(cast) -> Item:  # noqa: ANN001
    item = Item.objects.filter(organization=cast.branch_a, title="样例整改问题").first()
    if item is None:
        item = Item.objects.create(
            kind="ratings.entry",
            object_id=1,
            organization=cast.branch_a,
            title="样例整改问题",
            owner="王书记",
            due_on=timezone.localdate() + timedelta(days=10),
            owner_permission="ratings.apply",
            issuer_permission="ratings.check",
        )
    return item


def _item(cast):  # noqa: ANN001, ANN202
    return {"code": sample_item(cast).code}


for _name in (
    "rectification:item-detail",
    "rectification:plan-update",
    "rectification:progress-add",
    "rectification:item-step",
):
    url_sample(_name)(_item)
