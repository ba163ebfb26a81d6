"""Fixtures of the star-rating tests: a fixed day and the people of a campaign."""

from __future__ import annotations

import pytest
import time_machine

from ronghe.accounts.choices import Role
from tests.factories import MemberFactory, UserFactory, grant
from tests.ratings.flow import TODAY


@pytest.fixture
def travel():
    with time_machine.travel(TODAY, tick=False) as t:
        yield t


@pytest.fixture
def people(cast, travel):
    unit_admin = UserFactory(username="unit_a")
    grant(unit_admin, Role.UNIT_ADMIN, cast.org_a)
    unit_admin_b = UserFactory(username="unit_b")
    grant(unit_admin_b, Role.UNIT_ADMIN, cast.org_b)
    judges = []
    for i, unit_org in enumerate([cast.branch_a, cast.branch_b, cast.branch_b]):
        record = MemberFactory(name=f"评委{i}", organization=unit_org)
        judge = UserFactory(username=f"judge{i}", member=record)
        grant(judge, Role.JUDGE, cast.committee)
        judges.append(judge)
    jijian = UserFactory(username="jijian")
    grant(jijian, Role.DISCIPLINE_REVIEWER, cast.committee)
    secretary_b = cast.outsider_b
    return {
        "unit_a": unit_admin,
        "unit_b": unit_admin_b,
        "judges": judges,
        "jijian": jijian,
        "sec_b": secretary_b,
    }
