"""Assessing many units at once and KPI intake one result per request: statements that do not grow
with the units, each unit's result reproducible from its stored rules, and the audit row of every write."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ronghe.assessment import kpis, services
from ronghe.assessment.models import Entry
from ronghe.core.audit import AuditEntry
from ronghe.core.errors import Conflict
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization
from tests.assessment.conftest import kpi
from tests.factories import MemberFactory, OrganizationFactory, UnitFactory


def _county(cast, system, name: str, n: int) -> Organization:  # noqa: ANN001
    """A 工委 under the cast's with `n` units, each with a 总支, a branch, members, and a KPI reported."""
    committee = OrganizationFactory(name=name, kind=OrgKind.COMMITTEE, parent=cast.committee)
    for i in range(n):
        unit = UnitFactory(name=f"{name}单位{i}")
        org = OrganizationFactory(
            name=f"{name}单位{i}总支", kind=OrgKind.GENERAL_BRANCH, parent=committee, unit=unit
        )
        branch = OrganizationFactory(name=f"{name}单位{i}支部", parent=org, unit=unit)
        for _ in range(1 + i % 3):
            MemberFactory(organization=branch)
        kpi(cast, unit, "revenue", "100", "1")
        kpis.record_result(
            actor=system,
            unit_code=str(unit.code),
            kpi_code="revenue",
            period="2026",
            value=str(60 + 7 * i),
            source_system="财务系统",
            idempotency_key=f"{name}-{i}",
        )
    return committee


def _evaluate(cast, committee: Organization) -> tuple[int, list[Entry]]:  # noqa: ANN001
    campaign = services.open_assessment(
        actor=cast.committee_admin, organization=committee, year=2026, party_weight=Decimal(30)
    )
    services.evaluate(actor=cast.committee_admin, campaign=campaign)  # warms what is read once
    with CaptureQueriesContext(connection) as captured:
        services.evaluate(actor=cast.committee_admin, campaign=campaign)
    return len(captured.captured_queries), list(
        Entry.objects.filter(campaign=campaign).select_related("result", "unit")
    )


def test_evaluating_more_units_takes_no_more_statements(units, people, travel):  # noqa: ANN001
    two, few = _evaluate(units, _county(units, people["system"], "东", 2))
    six, many = _evaluate(units, _county(units, people["system"], "西", 6))
    assert len(few) == 2 and len(many) == 6
    assert six == two, f"{two} statements for 2 units, {six} for 6"
    for entry in few + many:
        # every unit's result is stored, and its stored rules and values give it again
        assert entry.result is not None and entry.result.subject_id == str(entry.unit.code)
        assert entry.result.total == entry.total or entry.total is None
        assert services.reproduce(entry) == (entry.total, entry.rank)
        assert entry.business_score is not None


def test_evaluating_again_changes_nothing(units, people, travel):  # noqa: ANN001
    committee = _county(units, people["system"], "南", 3)
    _count, first = _evaluate(units, committee)
    campaign = first[0].campaign
    services.evaluate(actor=units.committee_admin, campaign=campaign)
    again = {e.pk: e for e in Entry.objects.filter(campaign=campaign)}
    fields = ["values", "breakdown", "party_score", "business_score", "total", "rank", "grade", "quadrant"]
    for entry in first:
        assert {f: getattr(entry, f) for f in fields} == {f: getattr(again[entry.pk], f) for f in fields}
        assert again[entry.pk].result_id == entry.result_id


def test_one_kpi_result_per_request_is_few_statements_and_audited(units, people, travel):  # noqa: ANN001
    kpi(units, units.unit_a, "revenue", "100", "1")
    system = people["system"]
    kpis.record_result(  # the account's grants are read once (the API reads them with the token)
        actor=system,
        unit_code=units.unit_a.credit_code,
        kpi_code="revenue",
        period="2026-12",
        value="1",
        source_system="财务系统",
        idempotency_key="warm",
    )
    before = AuditEntry.objects.filter(event="assessment.kpi_result").count()
    stored = []
    for i, code in enumerate([units.unit_a.credit_code, str(units.unit_a.code)]):
        with CaptureQueriesContext(connection) as captured:
            _result, created = kpis.record_result(
                actor=system,
                unit_code=code,
                kpi_code="revenue",
                period="2026-0" + str(i + 1),
                value="50",
                source_system="财务系统",
                idempotency_key=f"one-{i}",
            )
        assert created
        stored.append(_result.pk)
        # unit (either code), KPI with its year's state, the audit chain's head: one SELECT each (a
        # first delivery's key is not looked up: the insert's unique key answers a retry); the audit
        # row is written in the result's transaction (no savepoint of its own). (PostgreSQL also
        # takes the chain's advisory lock: a SELECT that reads no table.)
        sql = [q["sql"] for q in captured.captured_queries if "pg_advisory" not in q["sql"]]
        assert len([s for s in sql if s.startswith("SELECT")]) == 3, "\n".join(s[:90] for s in sql)
        assert len([s for s in sql if s.startswith("SAVEPOINT")]) <= 1, sql
    assert AuditEntry.objects.filter(event="assessment.kpi_result").count() == before + 2
    # a retry with the same content gets the stored result (no second row, no audit row); with
    # other content it is refused
    again, created = kpis.record_result(
        actor=system,
        unit_code=units.unit_a.credit_code,
        kpi_code="revenue",
        period="2026-01",
        value="50",
        source_system="财务系统",
        idempotency_key="one-0",
    )
    assert not created and again.pk == stored[0]
    with pytest.raises(Conflict):
        kpis.record_result(
            actor=system,
            unit_code=units.unit_a.credit_code,
            kpi_code="revenue",
            period="2026-01",
            value="51",
            source_system="财务系统",
            idempotency_key="one-0",
        )
    assert AuditEntry.objects.filter(event="assessment.kpi_result").count() == before + 2
