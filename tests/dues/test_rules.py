"""党费 rules at their boundaries (domain-rules §4), no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ronghe.core.errors import DomainError
from ronghe.dues import rules
from ronghe.dues.choices import Category, Fixing, LixiuStandard, RoundingMode, RoundingUnit, TaxReading


@pytest.mark.parametrize(
    ("_case", "base", "rate", "fee"),
    [
        ("zero", "0.00", "0.005", "0.00"),
        ("at 3000 inclusive", "3000.00", "0.005", "15.00"),
        ("just above 3000", "3000.01", "0.01", "30.00"),
        ("at 5000 inclusive", "5000.00", "0.01", "50.00"),
        ("just above 5000", "5000.01", "0.015", "75.00"),
        ("at 10000 inclusive", "10000.00", "0.015", "150.00"),
        ("just above 10000", "10000.01", "0.02", "200.00"),
        ("half-up to the fen", "2999.00", "0.005", "15.00"),  # 14.995 → 15.00
        ("below the half", "2998.90", "0.005", "14.99"),  # 14.9945 → 14.99
    ],
)
def test_in_service_flat_rate_on_the_whole_base(_case, base, rate, fee):
    result = rules.calculate_fee(D(base), Category.IN_SERVICE)
    assert (result.rate, result.amount) == (D(rate), D(fee))


@pytest.mark.parametrize(
    ("_case", "base", "rate", "fee"),
    [
        ("at 5000 inclusive", "5000.00", "0.005", "25.00"),
        ("just above 5000", "5000.01", "0.01", "50.00"),
        ("small pension", "1800.00", "0.005", "9.00"),
    ],
)
def test_retired_bands(_case, base, rate, fee):
    result = rules.calculate_fee(D(base), Category.RETIRED)
    assert (result.rate, result.amount) == (D(rate), D(fee))


def test_lixiu_follows_in_service_by_default_and_retired_when_configured():
    assert rules.calculate_fee(D("5000.01"), Category.LIXIU).amount == D("75.00")
    assert rules.calculate_fee(D("5000.01"), Category.LIXIU, lixiu=LixiuStandard.RETIRED).amount == D("50.00")


@pytest.mark.parametrize(
    ("_case", "amount", "ok"),
    [("below", "0.19", False), ("min", "0.20", True), ("max", "1.00", True), ("above", "1.01", False)],
)
def test_farmer_fixed_amount_between_0_2_and_1(_case, amount, ok):
    if ok:
        assert rules.calculate_fee(D(amount), Category.FARMER).amount == D(amount)
    else:
        with pytest.raises(DomainError, match="农民党员每月交纳党费0.20—1.00元"):
            rules.calculate_fee(D(amount), Category.FARMER)


def test_reduced_groups_pay_0_2_whatever_the_base():
    fee = rules.calculate_fee(D("9999.00"), Category.REDUCED)
    assert (fee.rate, fee.amount) == (None, D("0.20"))


@pytest.mark.parametrize(
    ("_case", "unit", "mode", "base", "fee"),
    [
        ("jiao half-up up", RoundingUnit.JIAO, RoundingMode.HALF_UP, "3010.00", "30.10"),  # 30.10
        ("jiao half-up", RoundingUnit.JIAO, RoundingMode.HALF_UP, "3015.00", "30.20"),  # 30.15 → 30.2
        ("jiao down", RoundingUnit.JIAO, RoundingMode.DOWN, "3019.00", "30.10"),  # 30.19 → 30.1
        ("fen down", RoundingUnit.FEN, RoundingMode.DOWN, "2999.00", "14.99"),  # 14.995 → 14.99
    ],
)
def test_rounding_is_configurable(_case, unit, mode, base, fee):
    result = rules.calculate_fee(D(base), Category.IN_SERVICE, rounding=rules.Rounding(unit, mode))
    assert result.amount == D(fee)


@given(st.decimals(min_value=0, max_value=50000, places=2, allow_nan=False, allow_infinity=False))
def test_fee_is_base_times_band_rate_rounded_half_up(base):
    fee = rules.calculate_fee(base, Category.IN_SERVICE)
    expected_rate = (
        D("0.005")
        if base <= 3000
        else D("0.01")
        if base <= 5000
        else D("0.015")
        if base <= 10000
        else D("0.02")
    )
    assert fee.rate == expected_rate
    assert fee.amount == (base * expected_rate).quantize(D("0.01"), rounding="ROUND_HALF_UP")


PAYSLIP = {
    "post_salary": D("2000"),
    "grade_salary": D("1500"),
    "work_allowance": D("1200"),
    "living_allowance": D("800"),
    "incentive_performance": D("3000"),
    "reform_allowance": D("500"),
    "heating": D("300"),
    "income_tax": D("100"),
    "pension_insurance": D("400"),
    "medical_insurance": D("100"),
    "housing_fund": D("600"),
    "occupational_annuity": D("200"),
}


def test_base_reading_b_deducts_tax_insurance_fund_and_annuity():
    result = rules.calculate_base(PAYSLIP, TaxReading.TAX_AND_INSURANCE)
    assert result.counted == D("5500")
    assert result.excluded == D("3800")
    assert result.deducted == D("1400")
    assert result.base == D("4100")


def test_base_reading_a_deducts_the_tax_only():
    result = rules.calculate_base(PAYSLIP, TaxReading.TAX_ONLY)
    assert (result.deducted, result.base) == (D("100"), D("5400"))


def test_base_never_below_zero_and_items_checked():
    assert rules.calculate_base({"post_salary": D("100"), "income_tax": D("300")}).base == D("0")
    with pytest.raises(DomainError, match="职务工资不能为负数"):
        rules.calculate_base({"post_salary": D("-1")})
    with pytest.raises(DomainError, match="未知的工资项目"):
        rules.calculate_base({"bonus_x": D("1")})


@pytest.mark.parametrize(
    ("_case", "raw", "message"),
    [
        ("text", "abc", "计算基数须为数字"),
        ("empty", "", "计算基数须为数字"),
        ("nan", "NaN", "计算基数须为数字"),
        ("infinity", "Infinity", "计算基数须为数字"),
        ("negative", "-0.01", "计算基数不能为负数"),
        ("three decimals", "3000.001", "最多保留两位小数"),
        ("huge", "10000000", "计算基数过大"),
        ("beyond decimal precision", "999999999999999999999999999999", "计算基数过大"),
    ],
)
def test_bad_bases_are_refused(_case, raw, message):
    with pytest.raises(DomainError, match=message):
        rules.parse_base(raw)


def test_good_bases_parse_exactly():
    assert rules.parse_base("3000.01") == D("3000.01")
    assert rules.parse_base("0") == D("0.00")
    assert rules.parse_base("4,500") == D("4500.00")
    assert rules.parse_base(3000.1) == D("3000.10")


TODAY = date(2026, 12, 10)


@pytest.mark.parametrize(
    ("_case", "period", "error"),
    [
        ("this month", date(2026, 12, 1), None),
        ("prepay 6 months", date(2027, 6, 1), None),
        ("prepay 7 months", date(2027, 7, 1), "预交党费最多6个月"),
        ("back-pay 6 months", date(2026, 6, 1), None),
        ("back-pay 7 months", date(2026, 5, 1), "补交党费最多6个月"),
    ],
)
def test_prepay_and_backpay_limits(_case, period, error):
    if error is None:
        rules.check_payment([period], TODAY)
    else:
        with pytest.raises(DomainError, match=error):
            rules.check_payment([period], TODAY)


def test_a_month_already_paid_is_refused():
    with pytest.raises(DomainError, match="2026年11月的党费已交纳，不能重复交纳"):
        rules.check_payment([date(2026, 11, 1)], TODAY, already_paid=[date(2026, 11, 1)])


def test_no_payment_before_the_branch_meeting_month():
    with pytest.raises(DomainError, match="早于支部大会通过接收的月份"):
        rules.check_payment([date(2026, 9, 1)], TODAY, liable_from=date(2026, 10, 1))
    rules.check_payment([date(2026, 10, 1)], TODAY, liable_from=date(2026, 10, 1))


@pytest.mark.parametrize(
    ("_case", "period", "paid_on", "timing"),
    [
        ("same month", date(2026, 5, 1), date(2026, 5, 31), "regular"),
        ("before", date(2026, 6, 1), date(2026, 5, 31), "prepaid"),
        ("after", date(2026, 4, 1), date(2026, 5, 1), "backpaid"),
    ],
)
def test_payment_timing(_case, period, paid_on, timing):
    assert rules.payment_timing(period, paid_on) == timing


@pytest.mark.parametrize(
    ("_case", "amount", "central"), [("below", "999.99", False), ("at 1000", "1000.00", True)]
)
def test_voluntary_payment_of_1000_or_more_goes_to_the_centre(_case, amount, central):
    assert rules.check_voluntary(D(amount)) is central


def test_voluntary_payment_must_be_positive():
    with pytest.raises(DomainError, match="须大于0"):
        rules.check_voluntary(D("0"))


def test_the_organization_neither_advances_nor_deducts():
    rules.check_paid_amount(D("30.00"), D("30.00"))
    with pytest.raises(DomainError, match="党组织不得垫交或扣缴党费"):
        rules.check_paid_amount(D("30.00"), D("29.99"))
    with pytest.raises(DomainError, match="作为自愿多交党费另行登记"):
        rules.check_paid_amount(D("30.00"), D("30.01"))


def _months(*pairs):
    return [date(y, m, 1) for y, m in pairs]


@pytest.mark.parametrize(
    ("_case", "unpaid", "months", "level"),
    [
        ("none", 0, 0, ""),
        ("two", 2, 2, ""),
        ("three warns", 3, 3, "warning"),
        ("five still a warning", 5, 5, "warning"),
        ("six is a case", 6, 6, "case"),
    ],
)
def test_arrears_thresholds(_case, unpaid, months, level):
    # paid every month of 2026 up to November except the last `unpaid` ones; as of 10 December
    paid = [date(2026, m, 1) for m in range(1, 12 - unpaid)]
    result = rules.count_arrears(paid, date(2025, 1, 1), TODAY)
    assert (result.months, result.level) == (months, level)


def test_arrears_counts_consecutive_months_only_and_from_liability():
    settled = _months((2026, 8))  # paid August; Sept–Nov unpaid → 3
    assert rules.count_arrears(settled, date(2026, 1, 1), TODAY).months == 3
    # liable only from October: 2 months
    assert rules.count_arrears([], date(2026, 10, 1), TODAY).months == 2
    # the current month is not late yet
    assert rules.count_arrears(_months((2026, 11)), date(2026, 1, 1), TODAY).months == 0
    result = rules.count_arrears(settled, date(2026, 1, 1), TODAY)
    assert result.since == date(2026, 9, 1)


@pytest.mark.parametrize(
    ("_case", "fixing", "period", "base"),
    [
        ("annual: January's base all year", Fixing.ANNUAL, date(2026, 9, 1), D("4000")),
        ("monthly: new wage from its month", Fixing.MONTHLY, date(2026, 9, 1), D("6000")),
        ("monthly: before the change", Fixing.MONTHLY, date(2026, 8, 1), D("4000")),
    ],
)
def test_annual_fixing_or_monthly_change(_case, fixing, period, base):
    bases = [(date(2025, 3, 1), D("4000"), "in_service"), (date(2026, 9, 1), D("6000"), "in_service")]
    assert rules.base_in_effect(bases, period, fixing) == (base, "in_service")


def test_annual_fixing_for_a_member_starting_mid_year():
    bases = [(date(2026, 5, 1), D("3500"), "in_service")]
    assert rules.base_in_effect(bases, date(2026, 4, 1), Fixing.ANNUAL) is None
    assert rules.base_in_effect(bases, date(2026, 7, 1), Fixing.ANNUAL) == (D("3500"), "in_service")


def test_collection_rate():
    assert rules.collection_rate(0, 0) is None
    assert rules.collection_rate(3, 2) == D("66.7")
    assert rules.collection_rate(12, 12) == D("100.0")


@pytest.mark.parametrize(
    ("_case", "state", "due", "new", "out"),
    [
        ("unpaid, raised", "due", "30.00", "75.00", "75.00"),
        ("unpaid, lowered", "due", "30.00", "10.00", "10.00"),
        ("unpaid, no base before", "due", None, "30.00", "30.00"),
        ("paid, raised: owes the difference", "paid", "30.00", "75.00", "75.00"),
        ("paid, lowered: never lowered", "paid", "30.00", "10.00", None),
        ("paid, same", "paid", "30.00", "30.00", None),
        ("exempt stays exempt", "exempt", "0.00", "30.00", None),
        ("no new fee", "due", "30.00", None, None),
    ],
)
def test_repriced_amount(_case, state, due, new, out):
    to_d = lambda v: D(v) if v is not None else None  # noqa: E731
    assert rules.repriced_amount(state, to_d(due), to_d(new)) == to_d(out)


@pytest.mark.parametrize(
    ("state", "due", "paid", "owed"),
    [
        ("paid", "75.00", "30.00", "45.00"),
        ("paid", "30.00", "30.00", "0.00"),
        ("paid", "30.00", "30.01", "0.00"),
        ("due", "75.00", None, "0.00"),
        ("exempt", "0.00", None, "0.00"),
    ],
)
def test_difference_owed(state, due, paid, owed):
    assert rules.difference_owed(state, D(due), D(paid) if paid else None) == D(owed)
