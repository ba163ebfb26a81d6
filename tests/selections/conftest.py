"""Fixtures of the selection tests: a fixed day and the people of a campaign."""

from __future__ import annotations

import pytest
import time_machine

from ronghe.accounts.choices import Role
from tests.factories import MemberFactory, UserFactory, grant
from tests.selections.flow import TODAY


@pytest.fixture
def travel():
    with time_machine.travel(TODAY, tick=False) as t:
        yield t


@pytest.fixture
def people(cast, travel):
    unit_a = UserFactory(username="unit_a")
    grant(unit_a, Role.UNIT_ADMIN, cast.org_a)
    unit_b = UserFactory(username="unit_b")
    grant(unit_b, Role.UNIT_ADMIN, cast.org_b)
    judges = []
    # judge0 belongs to unit A (recused for A's nominees); judge1 and judge2 are outside experts
    for i in range(3):
        record = MemberFactory(name="评委0", organization=cast.branch_a) if i == 0 else None
        judge = UserFactory(username=f"judge{i}", member=record, display_name=f"评委{i}")
        grant(judge, Role.JUDGE, cast.committee)
        judges.append(judge)
    jijian = UserFactory(username="jijian")
    grant(jijian, Role.DISCIPLINE_REVIEWER, cast.committee)
    return {"unit_a": unit_a, "unit_b": unit_b, "judges": judges, "jijian": jijian}
