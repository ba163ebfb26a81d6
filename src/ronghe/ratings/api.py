"""Star rating under /api/v1/ratings: campaigns, their results, and the steps — scoped like the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.accounts.models import User
from ronghe.core.api import ERRORS, Paging
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.core.scoring.models import Campaign
from ronghe.ratings import queries, services
from ronghe.ratings.choices import EntryState
from ronghe.ratings.models import Entry

router = Router(tags=["支部评星"])


class CampaignOut(Schema):
    code: UUID
    year: int
    name: str
    state: str
    organization: UUID


class ResultOut(Schema):
    entry: UUID
    organization: UUID = Field(..., description="党支部编码")
    organization_name: str
    level: int | None = Field(None, ge=0, le=5, description="星级（命名后为现有星级）；未评定为空")
    stars: list[str]
    score: Decimal | None
    state: str


class SelfAssessmentIn(Schema):
    applied_level: int = Field(..., ge=1, le=5)
    summary: str = Field(..., min_length=1, max_length=4000)
    scores: dict[str, Decimal] = Field(default_factory=dict, description="自评分：指标代码 → 分值")
    submit: bool = Field(False, description="保存后直接提交申报")


class CheckIn(Schema):
    approve: bool
    comment: str = Field("", max_length=2000)


class EvaluateIn(Schema):
    vetoes: dict[str, bool] = Field(default_factory=dict, description="一票否决指标代码 → 是否触发")
    comment: str = Field("", max_length=2000)


def _need(request: ApiRequest, perm: str) -> User:
    if not has_perm_anywhere(request.auth, perm):
        raise HttpError(403, "您没有访问此接口的权限")
    return request.auth


def _campaign(request: ApiRequest, code: UUID) -> Campaign:
    campaign = queries.visible_campaigns(request.auth).filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign


def _entry(request: ApiRequest, code: UUID) -> Entry:
    return get_for_user_or_404(
        Entry.objects.select_related("campaign", "campaign__scheme", "organization"),
        request.auth,
        perm="ratings.view",
        code=code,
    )


def _result(e: Entry) -> dict[str, Any]:
    level = e.current_level if e.state == EntryState.NAMED else e.level
    rated = e.state in (EntryState.EVALUATED, EntryState.NAMED, EntryState.SET_ASIDE)
    return {
        "entry": e.code,
        "organization": e.organization.code,
        "organization_name": e.organization.name,
        "level": level if rated else None,
        "stars": e.stars if rated else [],
        "score": e.total,
        "state": e.state,
    }


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS}, summary="评星活动")
def campaigns(request: ApiRequest, paging: Query[Paging]) -> list[dict[str, Any]]:
    _need(request, "ratings.view")
    rows = paging.window(queries.visible_campaigns(request.auth))
    return [
        {
            "code": c.code,
            "year": c.year,
            "name": c.name,
            "state": c.state,
            "organization": c.organization.code,
        }
        for c in rows
    ]


@router.get(
    "/campaigns/{code}/results",
    response={200: list[ResultOut], **ERRORS},
    summary="评星结果（权限范围内的支部）",
)
def results(request: ApiRequest, code: UUID, paging: Query[Paging]) -> list[dict[str, Any]]:
    _need(request, "ratings.view")
    campaign = _campaign(request, code)
    rows = paging.window(queries.visible_entries(request.auth, campaign).order_by("organization__path"))
    return [_result(e) for e in rows]


@router.post("/entries/{code}/self-assessment", response={200: ResultOut, **ERRORS}, summary="支部自评申星")
def self_assessment(request: ApiRequest, code: UUID, payload: SelfAssessmentIn) -> dict[str, Any]:
    user = _need(request, "ratings.apply")
    entry = _entry(request, code)
    services.save_self_assessment(
        actor=user,
        entry=entry,
        applied_level=payload.applied_level,
        self_scores=payload.scores,
        summary=payload.summary,
    )
    if payload.submit:
        services.apply(actor=user, entry=entry)
    return _result(entry)


@router.post("/entries/{code}/check", response={200: ResultOut, **ERRORS}, summary="初审")
def check(request: ApiRequest, code: UUID, payload: CheckIn) -> dict[str, Any]:
    user = _need(request, "ratings.check")
    entry = _entry(request, code)
    services.check(actor=user, entry=entry, approve=payload.approve, comment=payload.comment)
    return _result(entry)


@router.post("/entries/{code}/evaluate", response={200: ResultOut, **ERRORS}, summary="工委评定")
def evaluate(request: ApiRequest, code: UUID, payload: EvaluateIn) -> dict[str, Any]:
    user = _need(request, "ratings.manage")
    entry = _entry(request, code)
    services.evaluate(actor=user, entry=entry, vetoes=payload.vetoes, comment=payload.comment)
    return _result(entry)
