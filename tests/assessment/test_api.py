"""The integration API: KPI results by a business system's token (idempotent, 409 on a changed
retry, Chinese 422s), assessment results by year, scoped."""

from __future__ import annotations

from decimal import Decimal as D

from ronghe.accounts.services import issue_token
from ronghe.assessment import kpis, services
from ronghe.assessment.models import KpiResult
from tests.assessment.conftest import kpi

URL = "/api/v1/integration/kpi-results"


def _auth(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user=user).secret}"}


def _body(cast, key="erp-1", value=88.5, **extra):
    return {
        "unit": cast.unit_a.credit_code,
        "kpi": "revenue",
        "period": "2026Q3",
        "value": value,
        "source_system": "ERP",
        "idempotency_key": key,
    } | extra


def test_business_system_reports_a_result_once(client, campaign, units, people):
    kpi(units, units.unit_a)
    headers = _auth(people["system"])
    first = client.post(URL, _body(units), content_type="application/json", headers=headers)
    assert first.status_code == 201, first.content
    assert first.json()["created"] is True and D(first.json()["value"]) == D("88.5")
    again = client.post(URL, _body(units), content_type="application/json", headers=headers)
    assert again.status_code == 200 and again.json()["created"] is False
    changed = client.post(URL, _body(units, value=90), content_type="application/json", headers=headers)
    assert changed.status_code == 409
    assert "幂等键“erp-1”已用于另一条完成值" in changed.json()["detail"]
    assert KpiResult.objects.count() == 1


def test_bad_results_get_chinese_422s_and_nothing_is_written(client, campaign, units, people):
    kpi(units, units.unit_a)
    headers = _auth(people["system"])
    cases = [
        (_body(units, unit="NOPE"), "找不到单位"),
        (_body(units, kpi="profit"), "没有代码为“profit”的业务指标"),
        (_body(units, value="很多"), "value 应为数字"),
        (_body(units, period="2026Q9"), "期间格式"),
    ]
    for body, text in cases:
        response = client.post(URL, body, content_type="application/json", headers=headers)
        assert response.status_code == 422, (body, response.content)
        assert text in str(response.json()), response.json()
    assert KpiResult.objects.count() == 0


def test_a_member_token_cannot_report(client, campaign, units):
    kpi(units, units.unit_a)
    response = client.post(URL, _body(units), content_type="application/json", headers=_auth(units.member_a))
    assert response.status_code == 403


def test_assessment_results_by_year_are_scoped(client, campaign, units, people):
    kpi(units, units.unit_a)
    kpis.record_result(
        actor=people["system"],
        unit_code=units.unit_a.credit_code,
        kpi_code="revenue",
        period="2026",
        value=90,
        source_system="ERP",
        idempotency_key="x",
    )
    services.evaluate(actor=units.committee_admin, campaign=campaign)
    rows = client.get(
        "/api/v1/integration/assessments?year=2026", headers=_auth(units.committee_admin)
    ).json()
    assert {r["unit"] for r in rows} == {"甲局", "乙局"}
    a = next(r for r in rows if r["unit"] == "甲局")
    assert set(a) >= {"unit", "party_score", "business_score", "total", "grade"}
    assert D(a["business_score"]) == D(90)
    leader = client.get("/api/v1/integration/assessments?year=2026", headers=_auth(people["leader_a"])).json()
    assert [r["unit"] for r in leader] == ["甲局"]
    assert (
        client.get("/api/v1/integration/assessments?year=2025", headers=_auth(units.committee_admin)).json()
        == []
    )
