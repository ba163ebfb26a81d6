"""Points under /api/v1/points: my points, a member's points, entries, claims, grades — scoped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.accounts.models import User
from ronghe.core.api import ERRORS, Paging, year_param
from ronghe.core.errors import DomainError
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere, scoped
from ronghe.core.scoring.models import Indicator
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.points import queries, services
from ronghe.points.models import Claim

router = Router(tags=["党员积分"])


class DimensionOut(Schema):
    code: str
    name: str
    points: Decimal
    grade: str


class SummaryOut(Schema):
    member: str
    year: int
    total: Decimal
    grade: str
    dimensions: list[DimensionOut]
    missing: list[str]


class EntryOut(Schema):
    code: UUID
    occurred_on: date
    indicator: str
    dimension: str
    points: Decimal
    source_type: str
    source_id: str
    note: str


class ClaimIn(Schema):
    indicator: str = Field(..., max_length=40, description="指标代码")
    occurred_on: date
    points: Decimal = Field(..., gt=0, le=100)
    description: str = Field(..., min_length=1, max_length=1000)


class ClaimOut(Schema):
    code: UUID
    member: str
    indicator: str
    occurred_on: date
    points: Decimal
    state: str
    decision_reason: str


class DecisionIn(Schema):
    action: str = Field(..., pattern="^(approve|reject)$")
    comment: str = Field("", max_length=200)


class PointsPaging(Paging):
    limit: int = Field(100, ge=1, le=500, description="每页条数")


class GradeOut(Schema):
    member: str
    member_code: UUID
    organization: str
    total: Decimal
    grade: str
    rank: int


def _need(request: ApiRequest, perm: str) -> User:
    if not has_perm_anywhere(request.auth, perm):
        raise HttpError(403, "您没有访问此接口的权限")
    return request.auth


def _summary(member: Member, year: int) -> dict[str, Any]:
    s = queries.member_summary(member, year)
    return {
        "member": member.name,
        "year": year,
        "total": s.total,
        "grade": s.grade,
        "dimensions": [
            {"code": d.code, "name": d.name, "points": d.points, "grade": d.grade} for d in s.dimensions
        ],
        "missing": [f"{x.name}：还差 {x.needed} 分达到 {x.next_grade}" for x in s.shortfalls],
    }


def _claim_out(c: Claim) -> dict[str, Any]:
    return {
        "code": c.code,
        "member": c.member.name,
        "indicator": c.indicator.code,
        "occurred_on": c.occurred_on,
        "points": c.points,
        "state": c.state,
        "decision_reason": c.decision_reason,
    }


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


@router.get("/me", response={200: SummaryOut, **ERRORS}, summary="我的积分")
def my_points(request: ApiRequest, year: int | None = year_param()) -> dict[str, Any]:
    user = _need(request, "self.view")
    if not user.member_id:
        raise HttpError(404, "账户未关联党员")
    member = Member.objects.select_related("organization").get(pk=user.member_id)
    return _summary(member, _year(year))


@router.get("/members/{code}", response={200: SummaryOut, **ERRORS}, summary="党员年度积分")
def member_points(request: ApiRequest, code: UUID, year: int | None = year_param()) -> dict[str, Any]:
    _need(request, "points.view")
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.auth, perm="points.view", code=code
    )
    return _summary(member, _year(year))


@router.get("/entries", response={200: list[EntryOut], **ERRORS}, summary="积分记录")
def entries(
    request: ApiRequest, member: UUID, paging: Query[PointsPaging], year: int | None = year_param()
) -> list[dict[str, Any]]:
    _need(request, "self.view")
    m = get_for_user_or_404(
        Member.objects.select_related("organization"), request.auth, perm="points.view", code=member
    )
    rows = paging.window(queries.entries_for_member(m, _year(year)))
    return [
        {
            "code": e.code,
            "occurred_on": e.occurred_on,
            "indicator": e.indicator.code,
            "dimension": e.indicator.dimension.code,
            "points": e.points,
            "source_type": e.source_type,
            "source_id": e.source_id,
            "note": e.note,
        }
        for e in rows
    ]


@router.get("/claims", response={200: list[ClaimOut], **ERRORS}, summary="积分申报（本人及权限范围内）")
def claims(
    request: ApiRequest, paging: Query[PointsPaging], state: str | None = None
) -> list[dict[str, Any]]:
    _need(request, "self.view")
    qs = scoped(Claim.objects.select_related("member", "indicator"), request.auth, "points.view")
    if state:
        qs = qs.filter(state=state)
    return [_claim_out(c) for c in paging.window(qs.order_by("-created_at", "-id"))]


@router.post("/claims", response={201: ClaimOut, **ERRORS}, summary="申报积分（本人）")
def submit_claim(request: ApiRequest, payload: ClaimIn) -> Status[dict[str, Any]]:
    user = _need(request, "self.view")
    if not user.member_id:
        raise HttpError(403, "账户未关联党员，不能申报积分")
    member = Member.objects.select_related("organization").get(pk=user.member_id)
    scheme = services.scheme_for(member.organization, payload.occurred_on.year)
    indicator = Indicator.objects.filter(code=payload.indicator, scheme=scheme).first() if scheme else None
    if indicator is None:
        raise DomainError("所选指标不属于该党员适用的积分方案", field="indicator")
    claim = services.submit_claim(
        actor=user,
        member=member,
        indicator=indicator,
        occurred_on=payload.occurred_on,
        points=payload.points,
        description=payload.description,
    )
    return Status(201, _claim_out(claim))


@router.get("/claims/{code}", response={200: ClaimOut, **ERRORS}, summary="申报详情")
def claim_detail(request: ApiRequest, code: UUID) -> dict[str, Any]:
    _need(request, "self.view")
    claim = get_for_user_or_404(
        Claim.objects.select_related("member", "indicator"), request.auth, perm="points.view", code=code
    )
    return _claim_out(claim)


@router.post("/claims/{code}/decision", response={200: ClaimOut, **ERRORS}, summary="审核申报")
def decide(request: ApiRequest, code: UUID, payload: DecisionIn) -> dict[str, Any]:
    user = _need(request, "points.approve")
    claim = get_for_user_or_404(
        Claim.objects.select_related("member__organization", "indicator"),
        user,
        perm="points.approve",
        code=code,
    )
    claim = services.transition_claim(claim=claim, action=payload.action, actor=user, comment=payload.comment)
    return _claim_out(claim)


@router.get("/grades", response={200: list[GradeOut], **ERRORS}, summary="积分排名与等次")
def grades(
    request: ApiRequest,
    paging: Query[PointsPaging],
    org: UUID | None = None,
    year: int | None = year_param(),
) -> list[dict[str, Any]]:
    user = _need(request, "points.view")
    root = (
        get_for_user_or_404(Organization, user, perm="points.view", code=org)
        if org
        else queries.default_root(user)
    )
    if root is None:
        return []
    rows = list(paging.window(queries.ranking(root, _year(year))))
    return [
        {
            "member": r.member.name,
            "member_code": r.member.code,
            "organization": r.organization.name,
            "total": r.total,
            "grade": r.grade,
            "rank": r.rank,
        }
        for r in rows
    ]
