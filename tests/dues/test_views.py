"""党费 pages: what the branch staff and a member see and change; refusals leave nothing behind."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from ronghe.dues import relief as relief_services
from ronghe.dues import services
from ronghe.dues.choices import Category, RecordState
from ronghe.dues.models import DuesBase, DuesRecord, DuesSetting, DuesUse
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _month(d: date) -> str:
    return d.strftime("%Y-%m")


@pytest.fixture
def based(cast):
    services.set_base(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        effective_from=date(2020, 1, 1),
        category=Category.IN_SERVICE,
        base=D("3000.00"),
    )
    return cast


def test_collection_run_and_record_a_month(client_for, based):
    client = client_for(based.secretary_a)
    period = _month(timezone.localdate())
    # when: the monthly run, then ticking the member
    r = client.post(reverse("dues:run"), {"org": based.org_a.code, "period": period})
    assert r.status_code == 302
    page = client.get(reverse("dues:collection"), {"org": based.org_a.code, "period": period})
    assert "15.00" in page.content.decode() and "未交" in page.content.decode()
    r = client.post(
        reverse("dues:collect"),
        {"org": based.org_a.code, "period": period, "member": [based.member_a_record.code]},
    )
    # then
    assert r.status_code == 302
    record = DuesRecord.objects.get(member=based.member_a_record)
    assert (record.state, record.paid_amount, record.timing) == (RecordState.PAID, D("15.00"), "regular")


def test_collect_twice_is_refused_with_the_rule(client_for, based):
    client = client_for(based.secretary_a)
    period = _month(timezone.localdate())
    client.post(
        reverse("dues:collect"),
        {"org": based.org_a.code, "period": period, "member": [based.member_a_record.code]},
    )
    r = client.post(
        reverse("dues:collect"),
        {"org": based.org_a.code, "period": period, "member": [based.member_a_record.code]},
        follow=True,
    )
    assert "党费已交纳，不能重复交纳" in r.content.decode()
    assert DuesRecord.objects.count() == 1


def test_collect_a_member_of_another_subtree_is_refused(client_for, based):
    client = client_for(based.secretary_a)
    r = client.post(
        reverse("dues:collect"),
        {"org": based.org_a.code, "period": "2026-01", "member": [based.member_b_record.code]},
        follow=True,
    )
    assert "所选党员不在您的管理范围内" in r.content.decode()
    assert not DuesRecord.objects.exists()


def test_member_page_prepay_beyond_six_months_is_refused(client_for, based):
    client = client_for(based.secretary_a)
    today = timezone.localdate()
    r = client.post(
        reverse("dues:member-pay", args=[based.member_a_record.code]),
        {
            "pay-from_period": _month(today),
            "pay-months": 8,
            "pay-paid_on": today.isoformat(),
            "pay-method": "self",
        },
    )
    assert r.status_code == 422
    assert "预交党费最多6个月" in r.content.decode()
    assert not DuesRecord.objects.exists()


def test_member_page_bad_base_is_refused(client_for, based):
    client = client_for(based.secretary_a)
    for raw, message in (("-5", "计算基数不能为负数"), ("abc", "计算基数须为数字")):
        r = client.post(
            reverse("dues:member-base", args=[based.member_a_record.code]),
            {"base-effective_from": "2026-03", "base-category": "in_service", "base-base": raw},
        )
        assert r.status_code == 422
        assert message in r.content.decode()
    assert DuesBase.objects.count() == 1


def test_member_page_read_only_member_gets_403(client_for, based):
    r = client_for(based.member_a).post(
        reverse("dues:member-pay", args=[based.member_a_record.code]),
        {"pay-from_period": "2026-01", "pay-months": 1, "pay-paid_on": "2026-01-05", "pay-method": "self"},
    )
    assert r.status_code == 403
    assert not DuesRecord.objects.exists()


def test_outsider_gets_404(client_for, based):
    r = client_for(based.outsider_b).get(reverse("dues:member", args=[based.member_a_record.code]))
    assert r.status_code == 404


def test_my_dues_shows_own_months_and_arrears(client_for, based):
    today = timezone.localdate()
    first = date(today.year, 1, 1) if today.month > 4 else date(today.year - 1, 7, 1)
    DuesRecord.objects.create(
        member=based.member_a_record,
        organization=based.branch_a,
        period=first,
        amount_due=D("15.00"),
        paid_amount=D("15.00"),
        paid_on=first,
        state=RecordState.PAID,
        timing="regular",
    )
    body = client_for(based.member_a).get(reverse("dues:my-dues"), {"year": first.year}).content.decode()
    assert "15.00 元" in body
    assert "已连续" in body  # months since then are unpaid


def test_statement_xlsx_downloads(client_for, based):
    r = client_for(based.secretary_a).get(
        reverse("dues:statement-xlsx"), {"org": based.org_a.code, "year": 2026}
    )
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_publication_records_a_use(client_for, based):
    client = client_for(based.secretary_a)
    today = timezone.localdate()
    r = client.post(
        f"{reverse('dues:use-create')}?org={based.branch_a.code}&year={today.year}",
        {"category": "training", "amount": "120.50", "spent_on": today.isoformat()},
    )
    assert r.status_code == 302
    assert DuesUse.objects.get().amount == D("120.50")
    r = client.post(
        f"{reverse('dues:use-create')}?org={based.branch_a.code}&year={today.year}",
        {"category": "training", "amount": "-1", "spent_on": today.isoformat()},
    )
    assert r.status_code == 422 and "金额不能为负数" in r.content.decode()


def test_settings_only_for_managers(client_for, based):
    r = client_for(based.secretary_a).get(reverse("dues:settings"))
    assert r.status_code == 403
    r = client_for(based.committee_admin).post(
        reverse("dues:settings"),
        {
            "org": based.org_a.code,
            "tax_reading": "tax_only",
            "rounding_unit": "jiao",
            "rounding_mode": "half_up",
            "fixing": "monthly",
            "lixiu_standard": "retired",
        },
    )
    assert r.status_code == 302
    row = DuesSetting.objects.get(organization=based.org_a)
    assert (row.tax_reading, row.rounding_unit, row.fixing) == ("tax_only", "jiao", "monthly")


def test_home_to_do_shows_arrears(client_for, based):
    today = timezone.localdate()
    start = date(today.year - 1, today.month, 1)
    DuesRecord.objects.create(
        member=based.member_a_record,
        organization=based.branch_a,
        period=start,
        amount_due=D("15.00"),
        state=RecordState.DUE,
    )
    body = client_for(based.secretary_a).get(reverse("home:home")).content.decode()
    assert "党费待办" in body and "提交支部大会研究" in body
    body = client_for(based.outsider_b).get(reverse("home:home")).content.decode()
    assert "党费待办" not in body


def _populate(cast, n):
    for i in range(n):
        m = MemberFactory(organization=cast.branch_a, name=f"批量{i}")
        DuesRecord.objects.create(
            member=m,
            organization=cast.branch_a,
            period=date(2026, 1, 1),
            amount_due=D("15.00"),
            state=RecordState.DUE,
        )


def test_collection_page_queries_do_not_grow(client_for, based, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(based.secretary_a)
    url = reverse("dues:collection")
    params = {"org": based.org_a.code, "period": "2026-01"}
    _populate(based, 3)
    client.get(url, params)  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, params).status_code == 200
    n_few = len(few.captured_queries)
    _populate(based, 30)
    client.get(url, params)  # the cached member count was dropped by the new members
    with django_assert_max_num_queries(n_few):
        body = client.get(url, params).content.decode()
    assert "党员 34 人" in body


def test_member_page_shows_bases_and_the_relief_flow(client_for, based):
    client = client_for(based.secretary_a)
    body = client.get(reverse("dues:member", args=[based.member_a_record.code])).content.decode()
    assert "2020年1月起：在职（按月领取工资），3000.00 元" in body
    r = client.post(
        reverse("dues:member-relief", args=[based.member_a_record.code]),
        {
            "relief-kind": "exempt",
            "relief-from_period": "2026-01",
            "relief-to_period": "2026-06",
            "relief-reason": "重病住院",
        },
    )
    assert r.status_code == 302
    from ronghe.dues.models import Relief

    relief = Relief.objects.get()
    client.post(reverse("dues:relief-decide", args=[relief.code]), {"action": "study"})
    # the branch secretary cannot approve: it is the higher 党委's
    r = client.post(reverse("dues:relief-decide", args=[relief.code]), {"action": "approve"}, follow=True)
    assert "少交、免交党费须经上一级党委批准" in r.content.decode()
    relief.refresh_from_db()
    assert relief.state == "studied"
    client_for(based.committee_admin).post(
        reverse("dues:relief-decide", args=[relief.code]), {"action": "approve"}
    )
    relief.refresh_from_db()
    assert relief.state == "approved"


def test_htmx_requests_get_the_fragment_or_the_page(client_for, based):
    client = client_for(based.secretary_a)
    r = client.get(reverse("dues:collection"), {"org": based.org_a.code}, headers={"HX-Request": "true"})
    assert (
        r.status_code == 200
        and "<html" not in r.content.decode()
        and "collection-summary" in r.content.decode()
    )
    r = client.get(reverse("dues:arrears"), {"org": based.org_a.code}, headers={"HX-Request": "true"})
    assert r.status_code == 200


def test_relief_list_and_home_to_do_for_the_committee(client_for, based):
    from ronghe.dues.choices import ReliefKind

    relief = relief_services.apply_relief(
        actor=based.secretary_a,
        member=based.member_a_record,
        kind=ReliefKind.EXEMPT,
        from_period=date(2026, 1, 1),
        to_period=date(2026, 3, 1),
        reason="困难",
    )
    relief_services.study_relief(actor=based.secretary_a, relief=relief)
    body = client_for(based.committee_admin).get(reverse("dues:relief-list")).content.decode()
    assert "张甲" in body and "支部已研究" in body
    home = client_for(based.committee_admin).get(reverse("home:home")).content.decode()
    assert "待上级党委审批的少交、免交申请" in home
    assert "张甲" not in client_for(based.outsider_b).get(reverse("dues:relief-list")).content.decode()


def test_member_page_shows_and_takes_the_difference_of_a_raised_base(client_for, based):
    import time_machine

    with time_machine.travel(date(2026, 12, 10), tick=False):
        DuesSetting.objects.create(organization=based.org_a, fixing="monthly")
        member = based.member_a_record
        services.record_payment(
            actor=based.secretary_a, member=member, periods=[date(2026, 11, 1)], paid_on=date(2026, 12, 10)
        )
        services.set_base(
            actor=based.secretary_a,
            member=member,
            effective_from=date(2026, 11, 1),
            category=Category.IN_SERVICE,
            base=D("3000.01"),
        )
        client = client_for(based.secretary_a)
        url = reverse("dues:member-difference", args=[member.code])
        page = client.get(reverse("dues:member", args=[member.code])).content.decode()
        assert "应补差额 15.00 元" in page and 'id="difference-form"' in page
        assert "2026年11月（差额15.00元）" in page
        # the member sees it on the phone page too, and on the statement
        mine = client_for(based.member_a).get(reverse("dues:my-dues"), {"year": 2026}).content.decode()
        assert "应补交差额" in mine and "2026年11月 15.00 元" in mine
        client = client_for(based.secretary_a)  # (one test client: client_for logs it in as the user named)
        statement = client.get(reverse("dues:statement"), {"org": based.org_a.code, "year": 2026})
        assert 'id="statement-owed">15.00<' in statement.content.decode()
        # no month ticked: refused, announced, nothing written
        r = client.post(url, {"difference-paid_on": "2026-12-10"})
        assert r.status_code == 422 and "补交差额的月份" in r.content.decode()
        assert 'role="alert"' in r.content.decode()
        # outside the scope, or read-only: refused
        assert client_for(based.outsider_b).post(url, {}).status_code == 404
        assert client_for(based.member_a).post(url, {}).status_code == 403
        # when
        client = client_for(based.secretary_a)
        r = client.post(url, {"difference-periods": ["2026-11"], "difference-paid_on": "2026-12-10"})
        # then
        assert r.status_code == 302
        record = DuesRecord.objects.get(member=member, period=date(2026, 11, 1))
        assert (record.paid_amount, record.difference_paid) == (D("30.00"), D("15.00"))
        page = client.get(reverse("dues:member", args=[member.code])).content.decode()
        assert "已补差额 15.00 元（2026-12-10）" in page and 'id="difference-form"' not in page
