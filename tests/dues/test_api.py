"""/api/v1/dues: the calculation at its boundaries, scoped records, payments and their refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import timezone

from ronghe.dues import services
from ronghe.dues.choices import Category
from ronghe.dues.models import DuesRecord, DuesSetting

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("_case", "base", "category", "rate", "monthly"),
    [
        ("3000.00 → 0.5%", "3000.00", "in_service", "0.005", "15.00"),
        ("3000.01 → 1%", "3000.01", "in_service", "0.01", "30.00"),
        ("5000.00 → 1%", "5000", "in_service", "0.01", "50.00"),
        ("5000.01 → 1.5%", "5000.01", "in_service", "0.015", "75.00"),
        ("10000.00 → 1.5%", "10000.00", "in_service", "0.015", "150.00"),
        ("10000.01 → 2%", "10000.01", "in_service", "0.02", "200.00"),
        ("retired 5000.00", "5000.00", "retired", "0.005", "25.00"),
        ("retired 5000.01", "5000.01", "retired", "0.01", "50.00"),
        ("reduced", "0", "reduced", "0", "0.20"),
    ],
)
def test_calculate(client_for, cast, _case, base, category, rate, monthly):
    r = client_for(cast.member_a).get("/api/v1/dues/calculate", {"base": base, "category": category})
    assert r.status_code == 200
    assert r.json() == {"rate": rate, "monthly": monthly}


@pytest.mark.parametrize(
    ("base", "message"),
    [("-1", "计算基数不能为负数"), ("abc", "计算基数须为数字"), ("NaN", "计算基数须为数字")],
)
def test_calculate_bad_base_is_422_in_chinese(client_for, cast, base, message):
    r = client_for(cast.member_a).get("/api/v1/dues/calculate", {"base": base})
    assert r.status_code == 422
    assert message in r.json()["detail"]
    assert r.json()["errors"]["base"]


def test_calculate_bad_category(client_for, cast):
    r = client_for(cast.member_a).get("/api/v1/dues/calculate", {"base": "100", "category": "farmer"})
    assert r.status_code == 422 and "category 应为" in r.json()["detail"]


@pytest.fixture
def recorded(cast):
    services.set_base(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        effective_from=date(2020, 1, 1),
        category=Category.IN_SERVICE,
        base=D("4000.00"),
    )
    services.set_base(
        actor=cast.outsider_b,
        member=cast.member_b_record,
        effective_from=date(2020, 1, 1),
        category=Category.IN_SERVICE,
        base=D("4000.00"),
    )
    today = timezone.localdate()
    services.run_month(actor=None, organization=cast.committee, period=today, today=today)
    return cast


def test_branch_records_for_a_month_are_scoped(client_for, recorded):
    period = timezone.localdate().strftime("%Y-%m")
    r = client_for(recorded.secretary_a).get(
        "/api/v1/dues/records", {"org": recorded.org_a.code, "period": period}
    )
    assert r.status_code == 200
    assert [(x["member_name"], x["amount_due"], x["state"]) for x in r.json()] == [("张甲", "40.00", "due")]
    r = client_for(recorded.outsider_b).get(
        "/api/v1/dues/records", {"org": recorded.org_a.code, "period": period}
    )
    assert r.status_code == 404
    r = client_for(recorded.member_a).get(
        "/api/v1/dues/records", {"org": recorded.org_a.code, "period": period}
    )
    assert r.status_code == 403


def test_own_records(client_for, recorded):
    r = client_for(recorded.member_a).get("/api/v1/dues/me")
    assert [x["member_name"] for x in r.json()] == ["张甲"]


def test_payment_through_the_api_and_its_refusals(client_for, recorded):
    client = client_for(recorded.secretary_a)
    url = f"/api/v1/dues/members/{recorded.member_a_record.code}/payments"
    period = timezone.localdate().strftime("%Y-%m")
    r = client.post(url, {"periods": [period], "amount": "39.99"}, content_type="application/json")
    assert r.status_code == 422 and "党组织不得垫交或扣缴党费" in r.json()["detail"]
    r = client.post(url, {"periods": [period], "amount": "40.00"}, content_type="application/json")
    assert r.status_code == 200 and r.json()[0]["state"] == "paid"
    r = client.post(url, {"periods": [period]}, content_type="application/json")
    assert r.status_code == 422 and "不能重复交纳" in r.json()["detail"]
    assert DuesRecord.objects.filter(member=recorded.member_a_record, state="paid").count() == 1


def test_records_bad_period_and_missing_base_are_422_in_chinese(client_for, recorded):
    client = client_for(recorded.secretary_a)
    r = client.get("/api/v1/dues/records", {"org": recorded.org_a.code, "period": "2026/13"})
    assert r.status_code == 422 and "月份格式应为 YYYY-MM" in r.json()["detail"]
    r = client.get("/api/v1/dues/calculate")
    assert r.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["detail"])


def test_payment_refused_for_a_read_only_member_and_an_outsider(client_for, recorded):
    url = f"/api/v1/dues/members/{recorded.member_a_record.code}/payments"
    period = timezone.localdate().strftime("%Y-%m")
    r = client_for(recorded.member_a).post(url, {"periods": [period]}, content_type="application/json")
    assert r.status_code == 403
    r = client_for(recorded.outsider_b).post(url, {"periods": [period]}, content_type="application/json")
    assert r.status_code == 404
    assert not DuesRecord.objects.filter(state="paid").exists()


def test_the_difference_of_a_raised_base_through_the_api(client_for, recorded):
    # given: this month paid at 4000.00 (1% = 40.00); then a rise from this month is recorded (1.5% = 75.00)
    member = recorded.member_a_record
    today = timezone.localdate()
    period = today.strftime("%Y-%m")
    DuesSetting.objects.create(organization=recorded.org_a, fixing="monthly")
    services.record_payment(actor=recorded.secretary_a, member=member, periods=[today], paid_on=today)
    services.set_base(
        actor=recorded.secretary_a,
        member=member,
        effective_from=today,
        category=Category.IN_SERVICE,
        base=D("5000.01"),
    )
    url = f"/api/v1/dues/members/{member.code}/differences"
    mine = client_for(recorded.member_a).get("/api/v1/dues/me").json()
    assert [r["difference_owed"] for r in mine if r["period"] == period] == ["35.00"]
    assert (
        client_for(recorded.member_a)
        .post(url, {"periods": [period]}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        client_for(recorded.outsider_b)
        .post(url, {"periods": [period]}, content_type="application/json")
        .status_code
        == 404
    )
    client = client_for(recorded.secretary_a)
    r = client.post(url, {"periods": [period], "amount": "30.00"}, content_type="application/json")
    assert r.status_code == 422 and "党组织不得垫交或扣缴党费" in r.json()["detail"]
    r = client.post(url, {"periods": [period], "amount": "35.00"}, content_type="application/json")
    assert r.status_code == 200
    assert (r.json()[0]["paid_amount"], r.json()[0]["difference_owed"]) == ("75.00", "0.00")
    r = client.post(url, {"periods": [period]}, content_type="application/json")
    assert r.status_code == 422 and "没有应补交的差额" in r.json()["detail"]
