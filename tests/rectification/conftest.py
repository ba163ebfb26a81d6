from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ronghe.core.rectification import services


@pytest.fixture
def make_item(cast):
    """An open item for branch_a: owner 'ratings.apply' (secretary_a), issuer 'ratings.check' (committee_admin)."""

    def make(**extra):
        values = {
            "actor": cast.committee_admin,
            "kind": "ratings.entry",
            "object_id": 1,
            "organization": cast.branch_a,
            "title": "三会一课记录不规范",
            "measures": "补齐记录，支委会专题研究",
            "owner": "王书记",
            "leader": "赵局长",
            "due_on": timezone.localdate() + timedelta(days=30),
            "owner_permission": "ratings.apply",
            "issuer_permission": "ratings.check",
        }
        values.update(extra)
        return services.create_item(**values)

    return make
