"""Fixtures of the 融合考核 tests: an assessment of the standard cast's two units on a fixed day."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ronghe.accounts.choices import Role
from ronghe.assessment import kpis, services
from tests.factories import UserFactory, grant

TODAY = datetime(2026, 12, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def travel():
    with time_machine.travel(TODAY, tick=False) as t:
        yield t


@pytest.fixture
def units(cast):
    cast.unit_a.credit_code = "91110000100000000A"
    cast.unit_a.save()
    cast.unit_b.credit_code = "91110000200000000B"
    cast.unit_b.save()
    return cast


@pytest.fixture
def people(cast):
    leader_a = UserFactory(username="leader_a")
    grant(leader_a, Role.UNIT_LEADER, cast.org_a)
    system = UserFactory(username="erp")
    grant(system, Role.BUSINESS_SYSTEM, cast.committee)
    unit_a = UserFactory(username="unit_a")
    grant(unit_a, Role.UNIT_ADMIN, cast.org_a)
    return {"leader_a": leader_a, "system": system, "unit_a": unit_a}


@pytest.fixture
def campaign(units, travel):
    return services.open_assessment(
        actor=units.committee_admin, organization=units.committee, year=2026, party_weight=Decimal(30)
    )


def kpi(cast, unit, code="revenue", target="100", weight="1", direction="higher"):
    return kpis.define_kpi(
        actor=cast.committee_admin,
        unit=unit,
        year=2026,
        data={"code": code, "name": code, "target": target, "weight": weight, "direction": direction},
    )
