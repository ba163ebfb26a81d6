"""党费 services: the monthly run, payments, reliefs, arrears facts — persisted state and refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.accounts.choices import Role
from ronghe.core.errors import DomainError
from ronghe.core.models import AuditEntry
from ronghe.dues import queries, services
from ronghe.dues import relief as relief_services
from ronghe.dues.choices import CaseState, Category, RecordState, ReliefKind, ReliefState
from ronghe.dues.models import ArrearsCase, DuesRecord, DuesSetting, VoluntaryPayment
from tests.factories import MemberFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 10)


@pytest.fixture
def based(cast):
    services.set_base(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        effective_from=date(2026, 1, 1),
        category=Category.IN_SERVICE,
        base=D("3000.01"),
    )
    return cast


def test_monthly_run_creates_one_record_per_member_with_the_fee(based):
    # when
    result = services.run_month(
        actor=based.secretary_a, organization=based.org_a, period=date(2026, 12, 1), today=TODAY
    )
    # then
    record = DuesRecord.objects.get(member=based.member_a_record, period=date(2026, 12, 1))
    assert (record.amount_due, record.rate, record.state) == (D("30.00"), D("0.01"), RecordState.DUE)
    assert result.created == 1
    # a second run writes nothing more
    assert (
        services.run_month(
            actor=based.secretary_a, organization=based.org_a, period=date(2026, 12, 1), today=TODAY
        ).created
        == 0
    )


def test_monthly_run_is_refused_outside_scope(based):
    with pytest.raises(PermissionDenied):
        services.run_month(
            actor=based.outsider_b, organization=based.org_a, period=date(2026, 12, 1), today=TODAY
        )
    assert not DuesRecord.objects.exists()


def test_rounding_to_jiao_by_setting(based):
    DuesSetting.objects.create(organization=based.org_a, rounding_unit="jiao")
    services.set_base(
        actor=based.secretary_a,
        member=based.member_a_record,
        effective_from=date(2026, 12, 1),
        category=Category.IN_SERVICE,
        base=D("3015.00"),
    )
    services.save_settings(
        actor=based.committee_admin, organization=based.org_a, values={"fixing": "monthly"}
    )
    services.run_month(
        actor=based.secretary_a, organization=based.org_a, period=date(2026, 12, 1), today=TODAY
    )
    assert DuesRecord.objects.get().amount_due == D("30.20")


def test_payment_prepay_and_backpay(based):
    # given / when: back-pay June (6 months back) and prepay up to June 2027 (6 ahead)
    records = services.record_payment(
        actor=based.secretary_a,
        member=based.member_a_record,
        periods=[date(2026, 6, 1), date(2027, 6, 1)],
        paid_on=TODAY,
    )
    # then
    assert [r.timing for r in records] == ["backpaid", "prepaid"]
    assert DuesRecord.objects.filter(state=RecordState.PAID).count() == 2
    assert AuditEntry.objects.filter(event="dues.paid").count() == 1


@pytest.mark.parametrize(
    ("_case", "period", "message"),
    [
        ("prepay 7 months", date(2027, 7, 1), "预交党费最多6个月"),
        ("back-pay 7 months", date(2026, 5, 1), "补交党费最多6个月"),
    ],
)
def test_payment_beyond_six_months_writes_nothing(based, _case, period, message):
    with pytest.raises(DomainError, match=message):
        services.record_payment(
            actor=based.secretary_a,
            member=based.member_a_record,
            periods=[date(2026, 12, 1), period],
            paid_on=TODAY,
        )
    assert not DuesRecord.objects.exists()
    assert not AuditEntry.objects.filter(event="dues.paid").exists()


def test_a_month_already_paid_is_refused(based):
    services.record_payment(
        actor=based.secretary_a, member=based.member_a_record, periods=[date(2026, 12, 1)], paid_on=TODAY
    )
    with pytest.raises(DomainError, match="2026年12月的党费已交纳，不能重复交纳"):
        services.record_payment(
            actor=based.secretary_a, member=based.member_a_record, periods=[date(2026, 12, 1)], paid_on=TODAY
        )
    assert DuesRecord.objects.get().paid_amount == D("30.00")


def test_paid_amount_must_match_what_is_due(based):
    with pytest.raises(DomainError, match="党组织不得垫交或扣缴党费"):
        services.record_payment(
            actor=based.secretary_a,
            member=based.member_a_record,
            periods=[date(2026, 12, 1)],
            paid_on=TODAY,
            paid_amount=D("29.99"),
        )
    assert not DuesRecord.objects.exists()


def test_no_base_no_payment(cast):
    with pytest.raises(DomainError, match="尚未核定党费计算基数"):
        services.record_payment(
            actor=cast.secretary_a, member=cast.member_a_record, periods=[date(2026, 12, 1)], paid_on=TODAY
        )


def test_collection_is_all_or_nothing(based):
    other = MemberFactory(name="王丙", organization=based.branch_a)  # no base
    with pytest.raises(DomainError, match="王丙：2026年12月尚未核定党费计算基数"):
        services.record_collection(
            actor=based.secretary_a,
            organization=based.branch_a,
            period=date(2026, 12, 1),
            members=[based.member_a_record, other],
            paid_on=TODAY,
        )
    assert not DuesRecord.objects.filter(state=RecordState.PAID).exists()


@pytest.mark.parametrize(
    ("_case", "amount", "central"), [("999.99", "999.99", False), ("1000", "1000.00", True)]
)
def test_voluntary_payment_flag(based, _case, amount, central):
    services.record_voluntary(
        actor=based.secretary_a, member=based.member_a_record, amount=D(amount), paid_on=TODAY
    )
    assert VoluntaryPayment.objects.get().remit_to_central is central


@pytest.mark.parametrize(
    ("_case", "last_paid", "months", "level"),
    [("2 unpaid", 6, 2, ""), ("3 unpaid warns", 5, 3, "warning"), ("6 unpaid: case", 2, 6, "case")],
)
def test_arrears_by_member_thresholds(based, _case, last_paid, months, level):
    # given: paid January..last_paid of 2026 (each in its month); as of the 15th of the 9th month
    for m in range(1, last_paid + 1):
        DuesRecord.objects.create(
            member=based.member_a_record,
            organization=based.branch_a,
            period=date(2026, m, 1),
            amount_due=D("30"),
            paid_amount=D("30"),
            state=RecordState.PAID,
            paid_on=date(2026, m, 15),
        )
    # when
    facts = queries.arrears_by_member([based.member_a_record], date(2026, 9, 15))
    # then
    assert (facts[based.member_a_record.pk].months, facts[based.member_a_record.pk].level) == (months, level)


def test_reason_and_exemption_settle_months(based):
    DuesRecord.objects.create(
        member=based.member_a_record,
        organization=based.branch_a,
        period=date(2026, 1, 1),
        amount_due=D("30"),
        state=RecordState.PAID,
        paid_amount=D("30"),
        paid_on=date(2026, 1, 2),
    )
    assert queries.arrears_by_member([based.member_a_record], TODAY)[based.member_a_record.pk].level == "case"
    relief_services.record_reason(
        actor=based.secretary_a,
        member=based.member_a_record,
        from_period=date(2026, 6, 1),
        to_period=date(2026, 8, 1),
        reason="援疆工作，经支部同意回来后补交",
    )
    facts = queries.arrears_by_member([based.member_a_record], TODAY)[based.member_a_record.pk]
    assert (facts.months, facts.level) == (3, "warning")  # September–November


def test_monthly_run_opens_a_case_at_six_months_and_never_expels(based):
    DuesRecord.objects.create(
        member=based.member_a_record,
        organization=based.branch_a,
        period=date(2026, 5, 1),
        amount_due=D("30"),
        state=RecordState.DUE,
    )
    services.run_month(
        actor=based.secretary_a, organization=based.org_a, period=date(2026, 12, 1), today=TODAY
    )
    case = ArrearsCase.objects.get(member=based.member_a_record)
    assert (case.months, case.since, case.state) == (7, date(2026, 5, 1), CaseState.OPEN)
    based.member_a_record.refresh_from_db()
    assert based.member_a_record.status == "full"
    todo = queries.todo(based.secretary_a, TODAY)
    assert (todo["case"], todo["open_cases"]) == (1, 1)
    relief_services.close_case(
        actor=based.secretary_a, case=case, decision="批评教育，限期一个月补交", decided_on=TODAY
    )
    with pytest.raises(DomainError, match="该事项已研究"):
        relief_services.close_case(actor=based.secretary_a, case=case, decision="再次", decided_on=TODAY)


def test_relief_needs_the_higher_party_committee(based):
    relief = relief_services.apply_relief(
        actor=based.secretary_a,
        member=based.member_a_record,
        kind=ReliefKind.EXEMPT,
        from_period=date(2026, 11, 1),
        to_period=date(2027, 4, 1),
        reason="重病住院",
    )
    relief_services.study_relief(actor=based.secretary_a, relief=relief)
    # a 党总支's administrator (unit admin at 甲局总支) cannot approve
    general = UserFactory(username="zongzhi")
    grant(general, Role.UNIT_ADMIN, based.org_a)
    with pytest.raises(DomainError, match="须经上一级党委批准"):
        relief_services.decide_relief(actor=general, relief=relief, approve=True)
    relief.refresh_from_db()
    assert relief.state == ReliefState.STUDIED
    # the 机关工委 (a committee above the branch) approves
    relief_services.decide_relief(actor=based.committee_admin, relief=relief, approve=True)
    relief.refresh_from_db()
    assert (relief.state, relief.approved_by_org) == (ReliefState.APPROVED, based.committee)
    services.run_month(
        actor=based.secretary_a, organization=based.org_a, period=date(2026, 12, 1), today=TODAY
    )
    assert DuesRecord.objects.get(period=date(2026, 12, 1)).state == RecordState.EXEMPT
    with pytest.raises(DomainError, match="已批准免交党费"):
        services.record_payment(
            actor=based.secretary_a, member=based.member_a_record, periods=[date(2026, 12, 1)], paid_on=TODAY
        )


def test_branch_collection_rate(based):
    services.run_month(
        actor=based.secretary_a, organization=based.org_a, period=date(2026, 11, 1), today=TODAY
    )
    services.run_month(
        actor=based.secretary_a, organization=based.org_a, period=date(2026, 10, 1), today=TODAY
    )
    services.record_payment(
        actor=based.secretary_a, member=based.member_a_record, periods=[date(2026, 11, 1)], paid_on=TODAY
    )
    rates = queries.branch_collection_rate([based.branch_a, based.branch_b], 2026, TODAY)
    assert rates == {based.branch_a.pk: D("50.0"), based.branch_b.pk: None}


def test_statement_and_publication(based):
    services.run_month(
        actor=based.secretary_a, organization=based.org_a, period=date(2026, 11, 1), today=TODAY
    )
    services.record_payment(
        actor=based.secretary_a, member=based.member_a_record, periods=[date(2026, 11, 1)], paid_on=TODAY
    )
    services.record_voluntary(
        actor=based.secretary_a, member=based.member_a_record, amount=D("1000"), paid_on=TODAY
    )
    services.record_use(
        actor=based.secretary_a,
        organization=based.branch_a,
        year=2026,
        category="training",
        amount=D("10.00"),
        spent_on=TODAY,
    )
    st = queries.statement(based.org_a, 2026)
    nov = st.months[10]
    assert (nov.members, nov.paid, nov.paid_amount, nov.backpaid) == (1, 1, D("30.00"), 1)
    assert st.months[11].voluntary == D("1000.00")
    pub = queries.publication(based.org_a, 2026)
    assert (pub["collected"], pub["central"], pub["used"], pub["balance"]) == (
        D("1030.00"),
        D("1000.00"),
        D("10.00"),
        D("20.00"),
    )


def test_two_people_recording_the_same_month_one_wins(based):
    # given: the month's record exists (the monthly run), and a stale copy was read before the other payment
    services.run_month(
        actor=based.secretary_a, organization=based.org_a, period=date(2026, 12, 1), today=TODAY
    )
    services.record_payment(
        actor=based.committee_admin, member=based.member_a_record, periods=[date(2026, 12, 1)], paid_on=TODAY
    )
    DuesRecord.objects.filter(member=based.member_a_record).update(state=RecordState.DUE)  # what the 2nd saw
    from unittest import mock

    real = DuesRecord.objects.filter

    def stale_then_paid(*args, **kwargs):
        if kwargs.get("state") == RecordState.DUE and "pk" in kwargs:  # the conditional update
            real(member=based.member_a_record).update(state=RecordState.PAID)
        return real(*args, **kwargs)

    with (
        mock.patch.object(DuesRecord.objects, "filter", side_effect=stale_then_paid),
        pytest.raises(DomainError, match="刚由他人登记"),
    ):
        services.record_payment(
            actor=based.secretary_a,
            member=based.member_a_record,
            periods=[date(2026, 12, 1)],
            paid_on=TODAY,
        )


@pytest.mark.parametrize(
    ("_case", "category", "base", "due"),
    [
        ("in-service at 3000", Category.IN_SERVICE, "3000.00", "15.00"),
        ("in-service above 10000", Category.IN_SERVICE, "12000.00", "240.00"),
        ("retired at 5000", Category.RETIRED, "5000.00", "25.00"),
        ("retired above 5000", Category.RETIRED, "6000.00", "60.00"),
        ("lixiu as in-service", Category.LIXIU, "6000.00", "90.00"),
        ("farmer fixed", Category.FARMER, "0.50", "0.50"),
        ("reduced groups", Category.REDUCED, "0.00", "0.20"),
    ],
)
def test_every_group_through_the_run_and_the_statement(cast, _case, category, base, due):
    # given
    services.set_base(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        effective_from=date(2026, 1, 1),
        category=category,
        base=D(base),
    )
    # when
    services.run_month(actor=cast.secretary_a, organization=cast.org_a, period=date(2026, 11, 1), today=TODAY)
    services.record_payment(
        actor=cast.secretary_a, member=cast.member_a_record, periods=[date(2026, 11, 1)], paid_on=TODAY
    )
    # then
    record = DuesRecord.objects.get(member=cast.member_a_record)
    assert (record.category, record.amount_due, record.paid_amount) == (category, D(due), D(due))
    nov = queries.statement(cast.org_a, 2026).months[10]
    assert (nov.members, nov.paid, nov.due_amount, nov.paid_amount, nov.backpaid) == (1, 1, D(due), D(due), 1)


def test_a_farmer_base_outside_0_2_to_1_is_refused(cast):
    with pytest.raises(DomainError, match="农民党员每月交纳党费0.20—1.00元"):
        services.set_base(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            effective_from=date(2026, 1, 1),
            category=Category.FARMER,
            base=D("1.20"),
        )
    assert not cast.member_a_record.dues_bases.exists()


# ---------------------------------------------------------------- a raised base: 补交差额 (§4.3)


def _monthly(cast):
    DuesSetting.objects.create(organization=cast.org_a, fixing="monthly")


def _pay(cast, *months):
    return services.record_payment(
        actor=cast.secretary_a, member=cast.member_a_record, periods=list(months), paid_on=TODAY
    )


def _raise(cast, effective_from, base):
    return services.set_base(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        effective_from=effective_from,
        category=Category.IN_SERVICE,
        base=D(base),
    )


def test_a_backdated_raise_owes_the_difference_from_its_month_only(based):
    # given: monthly change; October and November paid at 3000.01 (1% = 30.00), December recorded unpaid
    _monthly(based)
    _pay(based, date(2026, 10, 1), date(2026, 11, 1))
    services.run_month(
        actor=based.secretary_a, organization=based.org_a, period=date(2026, 12, 1), today=TODAY
    )
    # when: a pay rise first paid in November is recorded now (5000.01 → 1.5% = 75.00)
    _raise(based, date(2026, 11, 1), "5000.01")
    # then: October (the month before) owes nothing; November owes 45.00; December is simply repriced
    records = {r.period.month: r for r in DuesRecord.objects.filter(member=based.member_a_record)}
    assert records[10].difference_owed == D("0.00") and records[10].amount_due == D("30.00")
    assert (records[11].amount_due, records[11].paid_amount, records[11].difference_owed) == (
        D("75.00"),
        D("30.00"),
        D("45.00"),
    )
    assert (records[12].state, records[12].amount_due, records[12].difference_owed) == (
        RecordState.DUE,
        D("75.00"),
        D("0.00"),
    )
    entry = AuditEntry.objects.filter(event="dues.base_set").latest("id")
    assert entry.changes["difference_months"] == ["2026-11"] and entry.changes["repriced"] == 1
    assert queries.owing_differences(based.member_a_record) == [(date(2026, 11, 1), D("45.00"))]
    assert queries.statement(based.org_a, 2026).total.owed_amount == D("45.00")


def test_the_difference_is_paid_once_and_exactly(based):
    _monthly(based)
    _pay(based, date(2026, 11, 1))
    _raise(based, date(2026, 11, 1), "5000.01")
    # paying the month again is refused and points to 补交差额
    with pytest.raises(
        DomainError, match="已交纳，不能重复交纳；计算基数调高后的差额45.00元请用“补交差额”登记"
    ):
        _pay(based, date(2026, 11, 1))
    # a wrong amount writes nothing (no advancing, no deducting)
    with pytest.raises(DomainError, match="党组织不得垫交或扣缴党费"):
        services.pay_difference(
            actor=based.secretary_a,
            member=based.member_a_record,
            periods=[date(2026, 11, 1)],
            paid_on=TODAY,
            paid_amount=D("40.00"),
        )
    assert DuesRecord.objects.get(period=date(2026, 11, 1)).paid_amount == D("30.00")
    # when
    services.pay_difference(
        actor=based.secretary_a,
        member=based.member_a_record,
        periods=[date(2026, 11, 1)],
        paid_on=TODAY,
        paid_amount=D("45.00"),
    )
    # then: the month is settled in full; the first payment's date stays, the difference is kept apart
    record = DuesRecord.objects.get(period=date(2026, 11, 1))
    assert (record.paid_amount, record.difference_paid, record.difference_paid_on, record.paid_on) == (
        D("75.00"),
        D("45.00"),
        TODAY,
        TODAY,
    )
    assert record.difference_owed == D("0.00")
    assert AuditEntry.objects.filter(event="dues.difference_paid", changes__amount="45.00").count() == 1
    with pytest.raises(DomainError, match="2026年11月没有应补交的差额"):
        services.pay_difference(
            actor=based.secretary_a, member=based.member_a_record, periods=[date(2026, 11, 1)], paid_on=TODAY
        )


def test_the_difference_outside_scope_is_refused(based):
    _monthly(based)
    _pay(based, date(2026, 11, 1))
    _raise(based, date(2026, 11, 1), "5000.01")
    with pytest.raises(PermissionDenied):
        services.pay_difference(
            actor=based.outsider_b, member=based.member_a_record, periods=[date(2026, 11, 1)], paid_on=TODAY
        )
    assert DuesRecord.objects.get(period=date(2026, 11, 1)).paid_amount == D("30.00")


def test_a_lower_base_never_lowers_a_paid_month(based):
    # given: November paid at 30.00, December recorded unpaid
    _monthly(based)
    _pay(based, date(2026, 11, 1))
    services.run_month(
        actor=based.secretary_a, organization=based.org_a, period=date(2026, 12, 1), today=TODAY
    )
    # when: the base falls from November (2000 → 0.5% = 10.00)
    _raise(based, date(2026, 11, 1), "2000.00")
    # then: the paid month is left as paid (no refund); the unpaid month takes the lower fee
    records = {r.period.month: r for r in DuesRecord.objects.filter(member=based.member_a_record)}
    assert (records[11].amount_due, records[11].paid_amount, records[11].base) == (
        D("30.00"),
        D("30.00"),
        D("3000.01"),
    )
    assert records[12].amount_due == D("10.00")


def test_annual_fixing_keeps_the_year_and_a_january_raise_reprices_it(based):
    # given: annual fixing (the default); March and November paid at 30.00
    _pay(based, date(2026, 11, 1))
    DuesRecord.objects.create(
        member=based.member_a_record,
        organization=based.branch_a,
        period=date(2026, 3, 1),
        category=Category.IN_SERVICE,
        base=D("3000.01"),
        rate=D("0.01"),
        amount_due=D("30.00"),
        state=RecordState.PAID,
        paid_amount=D("30.00"),
        paid_on=date(2026, 3, 5),
        timing="regular",
    )
    # a rise from November changes nothing this year: the fee was fixed in January
    _raise(based, date(2026, 11, 1), "5000.01")
    assert not queries.owing_differences(based.member_a_record)
    # a rise backdated to January (the fixing month) makes every paid month of the year owe the difference
    _raise(based, date(2026, 1, 1), "5000.01")
    assert queries.owing_differences(based.member_a_record) == [
        (date(2026, 3, 1), D("45.00")),
        (date(2026, 11, 1), D("45.00")),
    ]


def test_a_prepaid_month_owes_the_difference_of_a_rise(based):
    # §4.3: "预交后收入增加的，下次交纳时补交差额"
    _monthly(based)
    _pay(based, date(2027, 2, 1))
    _raise(based, date(2026, 12, 1), "5000.01")
    assert queries.owing_differences(based.member_a_record) == [(date(2027, 2, 1), D("45.00"))]
