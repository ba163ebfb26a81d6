from __future__ import annotations

from datetime import date

import pytest

from ronghe.accounts.choices import Role
from ronghe.core.jointreview import services
from tests.factories import UserFactory, grant

ITEMS = [
    {"key": "b1", "label": "甲局第一党支部", "detail": "拟评五星"},
    {"key": "b2", "label": "甲局第二党支部", "detail": "拟评四星"},
]
DEPARTMENTS = [
    {"code": "discipline", "name": "纪检", "permission": "review.discipline"},
    {"code": "organization", "name": "组织", "permission": "ratings.check"},
]
DUE = date(2026, 11, 20)


@pytest.fixture
def discipline(cast):
    user = UserFactory(username="jijian", display_name="纪检审核员")
    grant(user, Role.DISCIPLINE_REVIEWER, cast.committee)
    return user


@pytest.fixture
def unit_admin(cast):
    user = UserFactory(username="unit_a", display_name="甲局党务")
    grant(user, Role.UNIT_ADMIN, cast.org_a)
    return user


@pytest.fixture
def discipline_b(cast):
    """A discipline reviewer of the other 总支 only."""
    user = UserFactory(username="jijian_b")
    grant(user, Role.DISCIPLINE_REVIEWER, cast.org_b)
    return user


@pytest.fixture
def open_review(cast):
    def make(**over):
        kwargs = {
            "actor": cast.committee_admin,
            "kind": "ratings.campaign",
            "object_id": 7,
            "organization": cast.org_a,
            "title": "2026年度评星定级联审",
            "items": ITEMS,
            "departments": DEPARTMENTS,
            "due_on": DUE,
            "override_permission": "ratings.manage",
        }
        kwargs.update(over)
        return services.open_review(**kwargs)

    return make
