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


BATCH = URL + "/batch"


def test_a_batch_is_stored_once_with_an_audit_row_per_kpi(client, campaign, units, people):
    from ronghe.core import audit
    from ronghe.core.models import AuditEntry

    kpi(units, units.unit_a)
    headers = _auth(people["system"])
    items = [_body(units, key=f"erp-{m}", period=f"2026-{m:02d}", value=m * 10) for m in (1, 2, 3)]
    before = AuditEntry.objects.filter(event="assessment.kpi_result").count()
    first = client.post(BATCH, {"items": items}, content_type="application/json", headers=headers)
    assert first.status_code == 200, first.content
    assert first.json()["created"] == 3
    assert [(i["period"], D(i["value"]), i["created"]) for i in first.json()["items"]] == [
        ("2026-01", D(10), True),
        ("2026-02", D(20), True),
        ("2026-03", D(30), True),
    ]
    rows = AuditEntry.objects.filter(event="assessment.kpi_result").order_by("id")
    assert rows.count() == before + 1  # one KPI: one row listing its three results
    assert rows.last().changes["count"] == 3
    assert [r[2] for r in rows.last().changes["results"]] == ["erp-1", "erp-2", "erp-3"]
    assert audit.verify().ok
    # the same batch again (a retry): nothing new, the same results
    again = client.post(BATCH, {"items": items}, content_type="application/json", headers=headers)
    assert again.status_code == 200 and again.json()["created"] == 0
    assert [i["id"] for i in again.json()["items"]] == [i["id"] for i in first.json()["items"]]
    assert KpiResult.objects.count() == 3


def test_a_batch_with_a_bad_result_is_refused_whole(client, campaign, units, people):
    kpi(units, units.unit_a)
    headers = _auth(people["system"])
    items = [
        _body(units, key="ok-1"),
        _body(units, key="bad-2", period="2026Q9"),
        _body(units, key="bad-3", kpi="profit"),
    ]
    response = client.post(BATCH, {"items": items}, content_type="application/json", headers=headers)
    assert response.status_code == 422, response.content
    text = str(response.json())
    assert "第 2 条" in text and "期间格式" in text, text
    assert "第 3 条" in text and "没有代码为“profit”的业务指标" in text, text
    assert KpiResult.objects.count() == 0
    # a value that is no number is refused by the schema, named by its place in the batch
    items[1] = _body(units, key="bad-2", value="很多")
    response = client.post(BATCH, {"items": items}, content_type="application/json", headers=headers)
    assert response.status_code == 422 and response.json()["errors"] == {"items.1.value": ["应为数字"]}
    assert KpiResult.objects.count() == 0


def test_a_batch_reusing_a_key_for_other_content_is_409(client, campaign, units, people):
    kpi(units, units.unit_a)
    headers = _auth(people["system"])
    assert (
        client.post(URL, _body(units, key="k"), content_type="application/json", headers=headers).status_code
        == 201
    )
    items = [_body(units, key="new"), _body(units, key="k", value=1)]
    response = client.post(BATCH, {"items": items}, content_type="application/json", headers=headers)
    assert response.status_code == 409 and "幂等键“k”已用于另一条完成值" in response.json()["detail"]
    # and twice in one batch with different values
    items = [_body(units, key="twice", value=1), _body(units, key="twice", value=2)]
    response = client.post(BATCH, {"items": items}, content_type="application/json", headers=headers)
    assert response.status_code == 409
    assert KpiResult.objects.count() == 1


def test_a_batch_over_the_limit_or_from_a_member_is_refused(client, campaign, units, people):
    kpi(units, units.unit_a)
    items = [_body(units, key=f"k{i}") for i in range(kpis.BATCH_LIMIT + 1)]
    response = client.post(
        BATCH, {"items": items}, content_type="application/json", headers=_auth(people["system"])
    )
    assert response.status_code == 422 and f"一次最多报送 {kpis.BATCH_LIMIT} 条" in str(response.json())
    response = client.post(
        BATCH, {"items": items[:2]}, content_type="application/json", headers=_auth(units.member_a)
    )
    assert response.status_code == 403
    assert KpiResult.objects.count() == 0
