"""融合考核 under /api/v1/integration: KPI definitions and results (business systems report by token),
the assessment results, and the 述职评议 grades — scoped like the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.accounts.models import User
from ronghe.assessment import kpis as kpi_services
from ronghe.assessment import queries, rules
from ronghe.assessment.choices import Direction
from ronghe.assessment.models import Debrief, Entry, KpiDefinition
from ronghe.core.api import ERRORS, ErrorOut, Paging, year_param
from ronghe.core.errors import Conflict
from ronghe.core.scope import has_perm_anywhere, scoped

PREFIX = "integration"
router = Router(tags=["融合考核"])
WITH_CONFLICT: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}


def _need(request: ApiRequest, perm: str) -> User:
    if not has_perm_anywhere(request.auth, perm):
        raise HttpError(403, "您没有访问此接口的权限")
    return request.auth


def _this_year(year: int | None) -> int:
    from django.utils import timezone

    return year or timezone.localdate().year


class AssessmentOut(Schema):
    unit: str = Field(..., description="单位名称")
    unit_code: UUID
    credit_code: str = Field(..., description="统一社会信用代码")
    party_score: Decimal | None = Field(None, description="党建得分（0–100）")
    business_score: Decimal | None = Field(None, description="业务得分（0–100）")
    total: Decimal | None
    grade: str = Field(..., description="考核等次；未计算为空")
    party_grade: str = Field(..., description="党建等次（好/较好/一般/差）")
    quadrant: str
    capped_by: list[str] = Field(..., description="联动规则：等次受限的原因")
    final: bool = Field(..., description="是否已定档")


@router.get(
    "/assessments", response={200: list[AssessmentOut], **ERRORS}, summary="融合考核结果（权限范围内的单位）"
)
def assessments(
    request: ApiRequest, paging: Query[Paging], year: int | None = year_param()
) -> list[dict[str, Any]]:
    _need(request, "assessment.view")
    y = _this_year(year)
    out: list[dict[str, Any]] = []
    campaigns = list(queries.visible_campaigns(request.auth).filter(year=y))
    rows: list[Entry] = []
    for c in campaigns:
        rows.extend(
            queries.visible_entries(request.auth, c).select_related("campaign").order_by("unit__name")
        )
    for e in paging.window(rows):
        out.append(
            {
                "unit": e.unit.name,
                "unit_code": e.unit.code,
                "credit_code": e.unit.credit_code,
                "party_score": e.party_score,
                "business_score": e.business_score,
                "total": e.total,
                "grade": e.grade,
                "party_grade": rules.grade_label(e.party_rank) if e.party_rank else "",
                "quadrant": e.quadrant,
                "capped_by": e.capped_by,
                "final": e.campaign.state == "finalized",
            }
        )
    return out


class KpiOut(Schema):
    id: int
    unit: str
    credit_code: str
    year: int
    code: str
    name: str
    target: Decimal
    measure: str
    direction: str
    weight: Decimal
    reported: int = Field(..., description="已报送的完成值条数")


def _kpi(k: KpiDefinition) -> dict[str, Any]:
    return {
        "id": k.pk,
        "unit": k.unit.name,
        "credit_code": k.unit.credit_code,
        "year": k.year,
        "code": k.code,
        "name": k.name,
        "target": k.target,
        "measure": k.measure,
        "direction": k.direction,
        "weight": k.weight,
        "reported": getattr(k, "reported", 0),
    }


@router.get("/kpis", response={200: list[KpiOut], **ERRORS}, summary="业务指标（权限范围内的单位）")
def kpis(request: ApiRequest, paging: Query[Paging], year: int | None = year_param()) -> list[dict[str, Any]]:
    _need(request, "assessment.view")
    return [_kpi(k) for k in paging.window(queries.visible_kpis(request.auth, _this_year(year)))]


class KpiIn(Schema):
    unit: str = Field(..., description="单位的统一社会信用代码（或平台单位编码）", max_length=64)
    year: int = Field(..., ge=2000, le=2100)
    code: str = Field(..., max_length=40)
    name: str = Field(..., min_length=1, max_length=100)
    target: Decimal
    measure: str = Field("", max_length=20)
    direction: Direction = Direction.HIGHER
    weight: Decimal = Field(..., gt=0)


@router.post("/kpis", response={200: KpiOut, **ERRORS}, summary="新增或修改业务指标")
def kpi_define(request: ApiRequest, payload: KpiIn) -> dict[str, Any]:
    user = _need(request, "assessment.manage")
    unit = kpi_services.find_unit(payload.unit)
    kpi = kpi_services.define_kpi(actor=user, unit=unit, year=payload.year, data=payload.dict())
    kpi.unit = unit
    return _kpi(kpi)


class KpiResultIn(Schema):
    unit: str = Field(..., description="单位的统一社会信用代码（或平台单位编码）", max_length=64)
    kpi: str = Field(..., description="业务指标代码", max_length=40)
    period: str = Field(..., description="期间：2026、2026Q3 或 2026-09", max_length=10)
    value: Decimal = Field(..., description="完成值")
    source_system: str = Field(..., description="来源系统", max_length=50)
    idempotency_key: str = Field(..., description="幂等键：同一条结果重复提交只保存一次", max_length=100)


class KpiResultOut(Schema):
    id: int
    unit: str
    kpi: str
    period: str
    value: Decimal
    source_system: str
    idempotency_key: str
    created: bool = Field(..., description="本次是否新保存（false：此幂等键已保存过相同的结果）")


@router.post(
    "/kpi-results",
    response={200: KpiResultOut, 201: KpiResultOut, **WITH_CONFLICT},
    summary="报送业务指标完成值（业务系统）",
)
def kpi_result(request: ApiRequest, payload: KpiResultIn) -> Status[dict[str, Any]]:
    user = _need(request, "assessment.report")
    try:
        result, created = kpi_services.record_result(
            actor=user,
            unit_code=payload.unit,
            kpi_code=payload.kpi,
            period=payload.period,
            value=payload.value,
            source_system=payload.source_system,
            idempotency_key=payload.idempotency_key,
        )
    except Conflict as exc:
        raise HttpError(409, exc.message) from None
    return Status(
        201 if created else 200,
        {
            "id": result.pk,
            "unit": payload.unit,
            "kpi": result.definition.code,
            "period": result.period,
            "value": result.value,
            "source_system": result.source_system,
            "idempotency_key": result.idempotency_key,
            "created": created,
        },
    )


class KpiBatchIn(Schema):
    items: list[KpiResultIn] = Field(
        ...,
        description=f"完成值，一次最多 {kpi_services.BATCH_LIMIT} 条；有一条被拒绝则整批不保存",
        min_length=1,
    )


class KpiBatchOut(Schema):
    created: int = Field(..., description="本次新保存的条数")
    items: list[KpiResultOut]


@router.post(
    "/kpi-results/batch",
    response={200: KpiBatchOut, **WITH_CONFLICT},
    summary="批量报送业务指标完成值（业务系统，整批保存或整批拒绝）",
)
def kpi_results_batch(request: ApiRequest, payload: KpiBatchIn) -> dict[str, Any]:
    user = _need(request, "assessment.report")
    try:
        stored = kpi_services.record_results(
            actor=user,
            reports=[
                kpi_services.Report(i.unit, i.kpi, i.period, i.value, i.source_system, i.idempotency_key)
                for i in payload.items
            ],
        )
    except Conflict as exc:
        raise HttpError(409, exc.message) from None
    items = [
        {
            "id": result.pk,
            "unit": given.unit,
            "kpi": result.definition.code,
            "period": result.period,
            "value": result.value,
            "source_system": result.source_system,
            "idempotency_key": result.idempotency_key,
            "created": created,
        }
        for given, (result, created) in zip(payload.items, stored, strict=True)
    ]
    return {"created": sum(1 for _r, created in stored if created), "items": items}


class DebriefOut(Schema):
    unit: str
    secretary: str
    year: int
    votes: dict[str, int] = Field(..., description="测评票数：好/较好/一般/差")
    vote_score: Decimal | None
    vote_grade: str
    final_grade: str


@router.get("/debriefs", response={200: list[DebriefOut], **ERRORS}, summary="书记抓党建述职评议结果")
def debriefs(
    request: ApiRequest, paging: Query[Paging], year: int | None = year_param()
) -> list[dict[str, Any]]:
    _need(request, "assessment.view")
    rows = (
        scoped(
            Debrief.objects.filter(round__year=_this_year(year), round__state__in=["counted", "finalized"]),
            request.auth,
            "assessment.view",
        )
        .select_related("unit", "round")
        .order_by("round_id", "order")
    )
    return [
        {
            "unit": d.unit.name,
            "secretary": d.secretary,
            "year": d.round.year,
            "votes": {o["label"]: d.counts.get(o["key"], 0) for o in rules.OPTIONS},
            "vote_score": d.vote_score,
            "vote_grade": rules.grade_label(d.vote_rank) if d.vote_rank else "",
            "final_grade": rules.grade_label(d.final_rank) if d.final_rank else "",
        }
        for d in paging.window(rows)
    ]


class VanguardOut(Schema):
    code: UUID
    kind: str = Field(..., description="post 先锋岗 / commando 突击队 / area 责任区 / project 重点项目")
    name: str
    organization: str
    year: int
    kpi: str | None = Field(None, description="对应业务指标代码")
    business_task: str
    members: int
    state: str = Field(..., description="active 进行中 / achieved 已完成 / missed 未完成")
    result: str


@router.get("/vanguards", response={200: list[VanguardOut], **ERRORS}, summary="党员先锋岗、突击队、责任区")
def vanguard_list(
    request: ApiRequest, paging: Query[Paging], year: int | None = year_param()
) -> list[dict[str, Any]]:
    from ronghe.assessment import vanguards

    _need(request, "assessment.view")
    rows = vanguards.visible(request.auth).filter(year=_this_year(year)).order_by("organization__path", "id")
    return [
        {
            "code": v.code,
            "kind": v.kind,
            "name": v.name,
            "organization": v.organization.name,
            "year": v.year,
            "kpi": v.kpi.code if v.kpi else None,
            "business_task": v.business_task,
            "members": getattr(v, "n_members", 0),
            "state": v.state,
            "result": v.result,
        }
        for v in paging.window(rows)
    ]
