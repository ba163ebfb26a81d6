from __future__ import annotations

from datetime import date

import pytest

from ronghe.core.publicity import services
from tests.factories import UserFactory

ITEMS = [
    {"key": "b1", "label": "甲局第一党支部", "detail": "拟评五星"},
    {"key": "b2", "label": "甲局第二党支部", "detail": "拟评四星"},
]


@pytest.fixture
def publish(cast):
    """Publish over A's 总支 as the 工委 (who handles it); keyword overrides as `publish(working_days=3)`."""

    def make(**over):
        kwargs = {
            "actor": cast.committee_admin,
            "kind": "ratings.campaign",
            "object_id": 7,
            "organization": cast.org_a,
            "title": "2026年度支部评星定级结果公示",
            "items": ITEMS,
            "working_days": 5,
            "view_permission": "ratings.view",
            "handle_permission": "ratings.manage",
            "starts_on": date(2026, 9, 29),
        }
        kwargs.update(over)
        return services.publish(**kwargs)

    return make


@pytest.fixture
def stranger(db):
    """An account with no role and no member anywhere."""
    return UserFactory(username="stranger")
