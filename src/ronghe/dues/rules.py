"""党费 rules (中组发〔2008〕3号《关于中国共产党党费收缴、使用和管理的规定》; domain-rules §4).

Pure functions: plain values in, values out; no ORM, no request. Money is `Decimal` throughout (never
float). Months are the first day of the month (`date(2026, 3, 1)`).

What is national ([B] quoted) and what is configurable data:
- the base items and the rate bands are the 规定's (第一—六条) — the bands live in a versioned,
  seeded table (`RateTable`), `DEFAULT_TABLE` being the 2008 version;
- the "税后" reading, the rounding (unit and mode), annual fixing vs monthly change and the 离休
  standard are UNCONFIRMED or local: per-organization settings with the defaults below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from ronghe.core.errors import DomainError
from ronghe.dues.choices import (
    Category,
    Fixing,
    LixiuStandard,
    RecordState,
    RoundingMode,
    RoundingUnit,
    TaxReading,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")

# ---------------------------------------------------------------- the base (计算基数), §4.1

COUNTED = "counted"  # 计入基数
EXCLUDED = "excluded"  # 不计入
TAX = "tax"  # 个人所得税: deducted under both readings
INSURANCE = "insurance"  # 社保/公积金/年金: deducted under reading (b) only


@dataclass(frozen=True)
class PayrollItem:
    code: str
    label: str
    treatment: str
    aliases: tuple[str, ...] = ()


# 规定 第一条 and the 组织局 Q&A: the regular, universally paid items count; area- or post-specific
# allowances, 改革性补贴 and the like do not.
PAYROLL_ITEMS: tuple[PayrollItem, ...] = (
    PayrollItem("post_salary", "职务工资", COUNTED, ("职务工资",)),
    PayrollItem("grade_salary", "级别工资", COUNTED, ("级别工资",)),
    PayrollItem("position_salary", "岗位工资", COUNTED, ("岗位工资",)),
    PayrollItem("scale_salary", "薪级工资", COUNTED, ("薪级工资",)),
    PayrollItem("technical_salary", "技术等级（职务）工资", COUNTED, ("技术等级工资", "技术职务工资")),
    PayrollItem("basic_salary", "基本工资", COUNTED, ("基本工资",)),
    PayrollItem("basic_performance", "基础性绩效工资", COUNTED, ("基础性绩效", "基础性绩效工资")),
    PayrollItem("regular_bonus", "奖金（固定发放）", COUNTED, ("奖金",)),
    PayrollItem("work_allowance", "规范的工作性津贴", COUNTED, ("工作性津贴", "津贴")),
    PayrollItem("living_allowance", "规范的生活性补贴", COUNTED, ("生活性补贴", "补贴")),
    PayrollItem("pension", "离退休费/养老金", COUNTED, ("离退休费", "退休费", "离休费", "养老金")),
    PayrollItem("incentive_performance", "奖励性绩效工资", EXCLUDED, ("奖励性绩效", "奖励性绩效工资")),
    PayrollItem(
        "special_allowance",
        "地区或岗位性津贴（艰苦边远、办案、审计、信访等）",
        EXCLUDED,
        ("艰苦边远地区津贴", "办案津贴", "审计津贴", "信访津贴", "岗位津贴"),
    ),
    PayrollItem(
        "reform_allowance",
        "改革性补贴（住房、提租、通讯、交通、公车）",
        EXCLUDED,
        ("住房补贴", "提租补贴", "通讯补贴", "交通补贴", "公车补贴", "车改补贴"),
    ),
    PayrollItem("heating", "取暖费", EXCLUDED, ("取暖费",)),
    PayrollItem("cooling", "防暑降温费", EXCLUDED, ("防暑降温费",)),
    PayrollItem("overtime", "加班补贴", EXCLUDED, ("加班补贴", "加班费")),
    PayrollItem("meal", "误餐补贴", EXCLUDED, ("误餐补贴",)),
    PayrollItem("property_fee", "物业费", EXCLUDED, ("物业费", "物业补贴")),
    PayrollItem("irregular_bonus", "不固定、非普遍发放的奖金", EXCLUDED, ("一次性奖金", "年终奖")),
    PayrollItem("income_tax", "个人所得税", TAX, ("个人所得税", "个税")),
    PayrollItem("pension_insurance", "养老保险", INSURANCE, ("养老保险", "基本养老保险")),
    PayrollItem("medical_insurance", "医疗保险", INSURANCE, ("医疗保险", "基本医疗保险")),
    PayrollItem("unemployment_insurance", "失业保险", INSURANCE, ("失业保险",)),
    PayrollItem("injury_insurance", "工伤保险", INSURANCE, ("工伤保险",)),
    PayrollItem("maternity_insurance", "生育保险", INSURANCE, ("生育保险",)),
    PayrollItem("housing_fund", "住房公积金", INSURANCE, ("住房公积金", "公积金")),
    PayrollItem("occupational_annuity", "职业年金", INSURANCE, ("职业年金",)),
    PayrollItem("enterprise_annuity", "企业年金", INSURANCE, ("企业年金",)),
)
ITEMS_BY_CODE: dict[str, PayrollItem] = {item.code: item for item in PAYROLL_ITEMS}


@dataclass(frozen=True)
class BaseBreakdown:
    counted: Decimal  # sum of the counted items
    excluded: Decimal  # sum of the items left out
    deducted: Decimal  # tax (and, under reading (b), insurance, fund and annuities)
    base: Decimal  # counted − deducted, never below 0


def calculate_base(
    items: Mapping[str, Decimal], reading: str = TaxReading.TAX_AND_INSURANCE
) -> BaseBreakdown:
    """The monthly base from payroll items (党费规定 第一条; domain-rules §4.1).

    Base = the counted items (职务/级别/岗位/薪级/技术等级工资, 基础性绩效, 规范的工作性津贴和生活性补贴,
    企业的基本工资、岗位工资和固定奖金; for retirees the 离退休费/养老金) minus 个人所得税; under reading (b)
    also minus 养老/医疗/失业/工伤/生育保险, 住房公积金, 职业年金 and 企业年金. Excluded items (奖励性绩效,
    area- or post-specific allowances, 改革性补贴, 取暖费, 防暑降温费, 加班/误餐补贴, 物业费, irregular
    bonuses) are listed but not counted. An unknown item code or a negative amount is refused.
    """
    counted = excluded = deducted = ZERO
    for code, amount in items.items():
        item = ITEMS_BY_CODE.get(code)
        if item is None:
            raise DomainError(f"未知的工资项目“{code}”", field="items")
        if amount < 0:
            raise DomainError(f"{item.label}不能为负数", field=code)
        if item.treatment == COUNTED:
            counted += amount
        elif item.treatment == EXCLUDED:
            excluded += amount
        elif item.treatment == TAX or reading == TaxReading.TAX_AND_INSURANCE:
            deducted += amount
    return BaseBreakdown(counted, excluded, deducted, max(counted - deducted, ZERO))


MAX_BASE = Decimal("10000000")


def parse_base(raw: object, *, field: str = "base") -> Decimal:
    """A base as typed (text or number): a non-negative amount in 元 with at most two decimals.

    Refused, with a Chinese message naming the rule: not a number, negative, more than two decimals,
    or absurdly large (≥ 1000万元)."""
    return _parse_money(raw, field, "计算基数", "（党费规定第一条：以每月工资收入为计算基数）")


def parse_amount(raw: object, *, field: str = "amount") -> Decimal:
    """An amount of money (a payroll item, a payment, a use): the same checks as a base."""
    return _parse_money(raw, field, "金额", "")


def _parse_money(raw: object, field: str, noun: str, reason: str) -> Decimal:
    if isinstance(raw, float):
        raw = repr(raw)  # never compute with a float: read the digits the user typed
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DomainError(
            f"{noun}须为数字（单位：元），如 4500.00", field=field, code="not_a_number"
        ) from None
    if not value.is_finite():
        raise DomainError(f"{noun}须为数字（单位：元），如 4500.00", field=field, code="not_a_number")
    if value < 0:
        raise DomainError(f"{noun}不能为负数{reason}", field=field, code="negative")
    # Too large first: quantizing a number of more than 28 digits is itself an error.
    if value >= MAX_BASE:
        raise DomainError(f"{noun}过大，请核对（单位：元）", field=field, code="too_large")
    if value != value.quantize(CENT):
        raise DomainError(f"{noun}最多保留两位小数（元、角、分）", field=field, code="precision")
    return value.quantize(CENT)


# ---------------------------------------------------------------- rates (§4.2)


@dataclass(frozen=True)
class Band:
    upper: Decimal | None  # inclusive upper bound of the monthly base; None: no upper bound
    rate: Decimal


@dataclass(frozen=True)
class RateTableData:
    version: str
    in_service: tuple[Band, ...]
    retired: tuple[Band, ...]
    farmer_min: Decimal
    farmer_max: Decimal
    reduced_amount: Decimal


def bands_from_json(rows: Iterable[Sequence[str | None]]) -> tuple[Band, ...]:
    return tuple(
        Band(Decimal(upper) if upper is not None else None, Decimal(str(rate))) for upper, rate in rows
    )


def bands_to_json(bands: Iterable[Band]) -> list[list[str | None]]:
    return [[str(b.upper) if b.upper is not None else None, str(b.rate)] for b in bands]


# 党费规定 第二—六条 (2008): in-service ≤3000 0.5%, ≤5000 1%, ≤10000 1.5%, above 2%;
# retired ≤5000 0.5%, above 1%; 农民 0.2–1 元; 学生/下岗失业/抚恤救济/低保 0.2 元.
DEFAULT_TABLE = RateTableData(
    version="2008",
    in_service=(
        Band(Decimal("3000.00"), Decimal("0.005")),
        Band(Decimal("5000.00"), Decimal("0.01")),
        Band(Decimal("10000.00"), Decimal("0.015")),
        Band(None, Decimal("0.02")),
    ),
    retired=(Band(Decimal("5000.00"), Decimal("0.005")), Band(None, Decimal("0.01"))),
    farmer_min=Decimal("0.20"),
    farmer_max=Decimal("1.00"),
    reduced_amount=Decimal("0.20"),
)


def rate_for(base: Decimal, bands: Sequence[Band]) -> Decimal:
    """The band rate for a base: the first band whose upper bound is ≥ base (upper bounds inclusive:
    "以下" includes the number; 3000.00 → 0.5%, 3000.01 → 1%)."""
    for band in bands:
        if band.upper is None or base <= band.upper:
            return band.rate
    raise ValueError("rate table has no open-ended top band")


ROUNDING_MODES = {RoundingMode.HALF_UP: ROUND_HALF_UP, RoundingMode.DOWN: ROUND_DOWN}
UNIT_STEPS = {RoundingUnit.FEN: Decimal("0.01"), RoundingUnit.JIAO: Decimal("0.1")}


@dataclass(frozen=True)
class Rounding:
    """How a fee is rounded: UNCONFIRMED centrally; default half-up to 0.01 元 (分); some units use 角."""

    unit: str = RoundingUnit.FEN
    mode: str = RoundingMode.HALF_UP


def round_fee(amount: Decimal, rounding: Rounding = Rounding()) -> Decimal:
    """Round to the configured unit and mode, always shown with two decimals (1.5 → 1.50)."""
    step = UNIT_STEPS[RoundingUnit(rounding.unit)]
    return amount.quantize(step, rounding=ROUNDING_MODES[RoundingMode(rounding.mode)]).quantize(CENT)


@dataclass(frozen=True)
class Fee:
    rate: Decimal | None  # None for the fixed-amount groups
    amount: Decimal
    rule: str  # which rule produced it, in Chinese, for the page ("在职 3000.01 元，1%")


def calculate_fee(
    base: Decimal,
    category: str,
    table: RateTableData = DEFAULT_TABLE,
    rounding: Rounding = Rounding(),
    lixiu: str = LixiuStandard.IN_SERVICE,
) -> Fee:
    """The monthly fee: a flat rate on the whole base, not marginal (党费规定 第二—六条).

    In-service (incl. 年薪制 and 个体经营者 with their own bases) and 离休 ([C] "按同级在职标准", the
    default; configurable) use the in-service bands, retirees the retired bands. 农民党员 pay a fixed
    0.2–1 元 (the `base` is the chosen amount); students, the unemployed, those living on relief or 低保
    pay 0.2 元. The fee jumps at each band boundary (3000 × 0.5% = 15.00; 3000.01 × 1% = 30.00).
    """
    if category == Category.FARMER:
        if not table.farmer_min <= base <= table.farmer_max:
            raise DomainError(
                f"农民党员每月交纳党费{table.farmer_min}—{table.farmer_max}元（党费规定第六条）", field="base"
            )
        return Fee(None, base.quantize(CENT), f"农民党员定额 {base.quantize(CENT)} 元")
    if category == Category.REDUCED:
        return Fee(None, table.reduced_amount, f"定额 {table.reduced_amount} 元（党费规定第六条）")
    if category == Category.RETIRED or (category == Category.LIXIU and lixiu == LixiuStandard.RETIRED):
        bands, label = table.retired, "离退休"
    elif category in (Category.IN_SERVICE, Category.LIXIU):
        bands, label = table.in_service, "在职" if category == Category.IN_SERVICE else "离休（按在职标准）"
    else:
        raise DomainError("党员类别应为在职、离退休、离休、农民或定额交纳人员", field="category")
    rate = rate_for(base, bands)
    return Fee(rate, round_fee(base * rate, rounding), f"{label} {base} 元 × {(rate * 100).normalize()}%")


# ---------------------------------------------------------------- months, fixing (§4.3)


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_at(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def first_of_month(d: date) -> date:
    return d.replace(day=1)


def next_month(d: date) -> date:
    """The first day of the month after `d`'s."""
    return month_at(month_index(d) + 1)


def month_label(d: date) -> str:
    return f"{d.year}年{d.month}月"


def base_in_effect(
    bases: Sequence[tuple[date, Decimal, str]], period: date, fixing: str = Fixing.ANNUAL
) -> tuple[Decimal, str] | None:
    """The (base, category) a month is charged on. `bases` are (first month, base, category).

    Monthly change (党费规定 第十条): the newest base starting on or before the month — a new wage is
    used from the month it is first paid. Annual fixing (中央和国家机关 practice): the base in effect in
    January of that year, unchanged all year; a member whose first base starts later in the year is
    charged on that first base. None when no base applies yet.
    """
    ordered = sorted(bases, key=lambda b: b[0])
    anchor = period if fixing == Fixing.MONTHLY else date(period.year, 1, 1)
    chosen = None
    for start, base, category in ordered:
        if start <= anchor:
            chosen = (base, category)
    if chosen is None and fixing == Fixing.ANNUAL:
        for start, base, category in ordered:
            if start.year == period.year and start <= period:
                return (base, category)
    return chosen


# ---------------------------------------------------------------- payments (§4.3)

PREPAY_LIMIT = 6  # 预交 ≤ 6 months, with the 支部's consent
BACKPAY_LIMIT = 6  # 补交 ≤ 6 months (党费规定 第十二条)
CENTRAL_REMITTANCE = Decimal("1000")  # one voluntary payment ≥ 1000 元 goes in full to 中央 (第十一条)


def payment_timing(period: date, paid_on: date) -> str:
    """按月 when paid in its month, 预交 when paid before it, 补交 when paid after it."""
    paid, due = month_index(paid_on), month_index(period)
    if paid < due:
        return "prepaid"
    if paid > due:
        return "backpaid"
    return "regular"


def check_payment(
    periods: Sequence[date],
    paid_on: date,
    *,
    already_paid: Iterable[date] = (),
    liable_from: date | None = None,
    prepay_limit: int = PREPAY_LIMIT,
    backpay_limit: int = BACKPAY_LIMIT,
) -> None:
    """Refuse a payment that breaks §4.3, naming the rule; accept otherwise.

    - a month already paid cannot be paid again;
    - 预交: at most `prepay_limit` (6) months ahead of the month of payment (the 7th is refused);
    - 补交: at most `backpay_limit` (6) months back (a month 7 months back is refused);
    - no month before the member's liability starts (the month the 支部大会 admitted them).
    """
    if not periods:
        raise DomainError("请选择要交纳党费的月份", field="periods")
    if len(set(periods)) != len(periods):
        raise DomainError("同一月份不能重复选择", field="periods")
    paid = set(already_paid)
    now = month_index(paid_on)
    for period in sorted(periods):
        label = month_label(period)
        if period in paid:
            raise DomainError(f"{label}的党费已交纳，不能重复交纳", field="periods", code="already_paid")
        if liable_from is not None and month_index(period) < month_index(liable_from):
            raise DomainError(
                f"{label}早于支部大会通过接收的月份（{month_label(liable_from)}），无须交纳党费",
                field="periods",
                code="before_liability",
            )
        ahead = month_index(period) - now
        if ahead > prepay_limit:
            raise DomainError(
                f"预交党费最多{prepay_limit}个月（党费规定：特殊情况经党支部同意可以预交，预交期限不超过6个月），"
                f"{label}超出了期限",
                field="periods",
                code="prepay_limit",
            )
        if -ahead > backpay_limit:
            raise DomainError(
                f"补交党费最多{backpay_limit}个月（党费规定第十二条：补交期限不超过6个月），{label}已超出期限",
                field="periods",
                code="backpay_limit",
            )


def check_paid_amount(due: Decimal, paid: Decimal) -> None:
    """The member pays exactly what is due; the organization never advances (垫交) nor deducts (扣缴)
    fees (党费规定 第十四条). Paying more is a voluntary payment, recorded separately."""
    if paid < due:
        raise DomainError(
            f"实交金额{paid}元少于应交金额{due}元：党组织不得垫交或扣缴党费（党费规定第十四条），差额须由党员本人交纳",
            field="amount",
        )
    if paid > due:
        raise DomainError(
            f"实交金额{paid}元多于应交金额{due}元：多交部分请作为自愿多交党费另行登记", field="amount"
        )


def repriced_amount(state: str, amount_due: Decimal | None, new_due: Decimal | None) -> Decimal | None:
    """What a recorded month is charged after its base changed (a new base from a past month), or None
    to leave the record as it is.

    - unpaid: the new fee, up or down (nothing was paid on the old one);
    - paid: raised when the new fee is higher — the difference is then owed (补交差额: "收入增加后…补交
      差额", §4.3); never lowered: a fee paid is not reduced or refunded automatically (a lower base applies
      to months not yet paid; anything else is the 支部's decision);
    - exempt: left (the approved 免交 decides), and so is a month whose new fee is unknown.
    """
    if new_due is None or state == RecordState.EXEMPT or new_due == amount_due:
        return None
    if state == RecordState.PAID and (amount_due is None or new_due < amount_due):
        return None
    return new_due


def difference_owed(state: str, amount_due: Decimal | None, paid_amount: Decimal | None) -> Decimal:
    """The 差额 still owed on a month: what is due above what was paid, for a paid month (else 0)."""
    if state != RecordState.PAID or amount_due is None or paid_amount is None or amount_due <= paid_amount:
        return ZERO.quantize(CENT)
    return amount_due - paid_amount


def check_voluntary(amount: Decimal) -> bool:
    """A voluntary payment must be positive; returns True when it is remitted in full to 中央
    (a single voluntary payment of 1000 元 or more, 党费规定 第十一条)."""
    if amount <= 0:
        raise DomainError("自愿多交党费的金额须大于0", field="amount")
    return amount >= CENTRAL_REMITTANCE


def check_farmer_amount(amount: Decimal, table: RateTableData = DEFAULT_TABLE) -> None:
    if not table.farmer_min <= amount <= table.farmer_max:
        raise DomainError(
            f"农民党员每月交纳党费{table.farmer_min}—{table.farmer_max}元（党费规定第六条）", field="base"
        )


# ---------------------------------------------------------------- arrears (§4.3)

WARNING_MONTHS = 3  # warn (criticise, educate, set a deadline)
CASE_MONTHS = 6  # 6 consecutive months without a valid reason: a case for the 支部大会 (党章 第九条)


@dataclass(frozen=True)
class Arrears:
    months: int  # consecutive unpaid months ending with the last complete month
    since: date | None  # the first of them
    level: str  # "", "warning" or "case"

    @property
    def label(self) -> str:
        return {"warning": "欠交预警", "case": "提交支部大会研究"}.get(self.level, "")


def arrears_level(months: int) -> str:
    """ "warning" from 3 consecutive months, "case" from 6 — a case for the 支部大会 to review;
    never an automatic 除名 (党章 第九条; the 支部大会 decides and the 上级 approves)."""
    if months >= CASE_MONTHS:
        return "case"
    if months >= WARNING_MONTHS:
        return "warning"
    return ""


def count_arrears(settled: Iterable[date], liable_from: date | None, as_of: date) -> Arrears:
    """Consecutive unpaid months, counted back from the last complete month before `as_of` (the current
    month is not late yet). A month is settled when paid, covered by an approved 少交/免交, or by a
    recorded 正当理由. Months before `liable_from` never count."""
    if liable_from is None:
        return Arrears(0, None, "")
    done = {month_index(d) for d in settled}
    start = month_index(liable_from)
    index = month_index(as_of) - 1
    count = 0
    while index >= start and index not in done:
        count += 1
        index -= 1
    since = month_at(index + 1) if count else None
    return Arrears(count, since, arrears_level(count))


def late_months(on_time: Iterable[date], liable_from: date | None, as_of: date, year: int) -> list[date]:
    """The months of `year` whose 党费 was not paid on time (未按时交纳, the points deduction's fact):
    from the liability month up to the last complete month before `as_of` (the current month is not
    late yet), every month not settled on time. `on_time` holds the months paid in their month or ahead
    (按月, 预交), exempt, or covered by an approved 少交/免交 or a recorded 正当理由; a month paid
    later (补交) stays late, and so does one still unpaid."""
    if liable_from is None:
        return []
    done = {month_index(d) for d in on_time}
    first = max(month_index(liable_from), month_index(date(year, 1, 1)))
    last = min(month_index(as_of) - 1, month_index(date(year, 12, 1)))
    return [month_at(i) for i in range(first, last + 1) if i not in done]


def collection_rate(due_months: int, paid_months: int) -> Decimal | None:
    """收缴率 in percent with one decimal: paid member-months over due member-months (None: nothing due)."""
    if due_months <= 0:
        return None
    return (Decimal(paid_months) * 100 / Decimal(due_months)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
