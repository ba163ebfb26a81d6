"""党费 under /api/v1/dues: the fee calculation, a branch's records for a month, the caller's own
records, and recording a payment — scoped like the pages, the same services behind them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging, year_param
from ronghe.core.errors import DomainError
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.dues import queries, rules, services
from ronghe.dues.choices import Category
from ronghe.dues.models import DuesRecord
from ronghe.members.models import Member

router = Router(tags=["党费"])

API_CATEGORIES = {
    "in_service": Category.IN_SERVICE,
    "retired": Category.RETIRED,
    "reduced": Category.REDUCED,
}


class FeeOut(Schema):
    rate: str = Field(..., description="交纳比例（小数，如 0.01 即 1%）；定额交纳人员为 0")
    monthly: str = Field(..., description="每月应交党费（元，两位小数）")


class RecordOut(Schema):
    code: UUID
    member: UUID
    member_name: str
    period: str = Field(..., description="月份 YYYY-MM")
    category: str
    base: Decimal | None
    amount_due: Decimal | None = Field(None, description="应交（元）；未核定基数为空")
    state: str = Field(..., description="due 未交 / paid 已交 / exempt 免交")
    paid_amount: Decimal | None
    paid_on: date | None
    timing: str = Field(..., description="regular 按月 / prepaid 预交 / backpaid 补交；未交为空")
    difference_owed: Decimal = Field(
        Decimal("0.00"), description="应补差额（元）：计算基数调高后，已交月份按新基数尚差的金额"
    )


class DifferenceIn(Schema):
    periods: list[str] = Field(..., min_length=1, max_length=24, description="应补差额的月份列表 YYYY-MM")
    paid_on: date | None = Field(None, description="交纳日期，不填为今天")
    amount: str | None = Field(None, description="补交合计（元）；填写时须等于应补差额合计")


class PaymentIn(Schema):
    periods: list[str] = Field(..., min_length=1, max_length=24, description="月份列表 YYYY-MM")
    paid_on: date | None = Field(None, description="交纳日期，不填为今天")
    amount: str | None = Field(None, description="实交合计（元）；填写时须等于应交合计")
    method: str = Field("self", description="self 本人 / proxy 经支部同意委托他人代交")


def _record(r: DuesRecord) -> dict[str, Any]:
    return {
        "code": r.code,
        "member": r.member.code,
        "member_name": r.member.name,
        "period": r.period.strftime("%Y-%m"),
        "category": r.category,
        "base": r.base,
        "amount_due": r.amount_due,
        "state": r.state,
        "paid_amount": r.paid_amount,
        "paid_on": r.paid_on,
        "timing": r.timing,
        "difference_owed": r.difference_owed,
    }


def _month(text: str, field: str) -> date:
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise DomainError("月份格式应为 YYYY-MM，如 2026-03", field=field) from None


@router.get("/calculate", response={200: FeeOut, **ERRORS}, summary="计算每月应交党费")
def calculate(request: ApiRequest, base: str, category: str = "in_service") -> dict[str, str]:
    """按现行党费比例表（上限含本数，全额按比例计算，不累进）和默认取整（四舍五入到分）计算。"""
    amount = rules.parse_base(base)
    if category not in API_CATEGORIES:
        raise DomainError(
            "category 应为 in_service（在职）、retired（离退休）或 reduced（定额0.2元）", field="category"
        )
    fee = rules.calculate_fee(amount, API_CATEGORIES[category], services.rate_table_on(timezone.localdate()))
    return {"rate": str(fee.rate if fee.rate is not None else Decimal("0")), "monthly": str(fee.amount)}


@router.get("/records", response={200: list[RecordOut], **ERRORS}, summary="党组织某月党费记录")
def records(request: ApiRequest, org: UUID, period: str, paging: Query[Paging]) -> list[dict[str, Any]]:
    if not has_perm_anywhere(request.auth, "dues.view"):
        raise HttpError(403, "您没有访问此接口的权限")
    organization = queries.organizations_for(request.auth).filter(code=org).first()
    if organization is None:
        raise Http404
    month = _month(period, "period")
    rows = DuesRecord.objects.filter(organization__path__startswith=organization.path, period=month)
    rows = rows.select_related("member").order_by("organization__path", "member__name", "id")
    return [_record(r) for r in paging.window(rows)]


@router.get("/me", response={200: list[RecordOut], **ERRORS}, summary="本人党费记录")
def my_records(request: ApiRequest, year: int | None = year_param()) -> list[dict[str, Any]]:
    member_id = request.auth.member_id
    if not member_id or not has_perm_anywhere(request.auth, "self.view"):
        raise HttpError(403, "您的账户未关联党员")
    rows = DuesRecord.objects.filter(member_id=member_id, period__year=year or timezone.localdate().year)
    return [_record(r) for r in rows.select_related("member").order_by("period")]


@router.post(
    "/members/{code}/payments", response={200: list[RecordOut], **ERRORS}, summary="登记党员交纳党费"
)
def pay(request: ApiRequest, code: UUID, payload: PaymentIn) -> list[dict[str, Any]]:
    if not has_perm_anywhere(request.auth, "dues.edit"):
        raise HttpError(403, "您没有访问此接口的权限")
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.auth, perm="dues.edit", code=code
    )
    periods = [_month(p, "periods") for p in payload.periods]
    amount = rules.parse_amount(payload.amount) if payload.amount is not None else None
    done = services.record_payment(
        actor=request.auth,
        member=member,
        periods=periods,
        paid_on=payload.paid_on or timezone.localdate(),
        method=payload.method,
        paid_amount=amount,
    )
    return [_record(r) for r in done]


@router.post(
    "/members/{code}/differences", response={200: list[RecordOut], **ERRORS}, summary="登记党员补交差额"
)
def pay_difference(request: ApiRequest, code: UUID, payload: DifferenceIn) -> list[dict[str, Any]]:
    """计算基数调高后，已交纳月份按新基数应补交的差额（调低基数的，已交党费不退还）。"""
    if not has_perm_anywhere(request.auth, "dues.edit"):
        raise HttpError(403, "您没有访问此接口的权限")
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.auth, perm="dues.edit", code=code
    )
    done = services.pay_difference(
        actor=request.auth,
        member=member,
        periods=[_month(p, "periods") for p in payload.periods],
        paid_on=payload.paid_on or timezone.localdate(),
        paid_amount=rules.parse_amount(payload.amount) if payload.amount is not None else None,
    )
    return [_record(r) for r in done]
