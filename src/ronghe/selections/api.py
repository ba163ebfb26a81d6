"""Selections under /api/v1/selections: campaigns, their ranked results, brands, sites and cases —
read-only, scoped like the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging
from ronghe.core.scope import has_perm_anywhere
from ronghe.selections import queries
from ronghe.selections.choices import SubjectKind

router = Router(tags=["评选表彰"])


class SelectionCampaignOut(Schema):
    code: UUID
    year: int
    category: str = Field(..., description="评选类别代码，如 worker（优秀党务工作者）")
    category_name: str
    name: str
    state: str = Field(
        ...,
        description="nominating 推荐中 / judging 评审中 / review 联审中 / publicity 公示中 / announced 已公布",
    )
    quota: int = Field(..., description="评选名额")
    unit_quota: int = Field(..., description="每单位推荐名额")


class SelectionResultOut(Schema):
    nominee: str = Field(..., description="推荐对象名称")
    code: UUID
    kind: str = Field(..., description="member / organization / brand / lecture / site")
    unit: str
    score: Decimal | None = Field(None, description="评委评分汇总后的总分；评分结束前为空")
    rank: int | None = Field(None, description="名次（并列者同名次）")
    winner: bool
    state: str


class BrandOut(Schema):
    code: UUID
    name: str
    meaning: str
    organization: UUID
    organization_name: str


class SiteOut(Schema):
    code: UUID
    name: str
    level: str
    named_by: str
    starts_on: date
    ends_on: date | None
    organization: UUID
    organization_name: str


class InnovationCaseOut(Schema):
    code: UUID
    title: str
    summary: str
    tags: list[str]
    organization_name: str
    published_at: str | None


def _need(request: ApiRequest, perm: str) -> None:
    if not has_perm_anywhere(request.auth, perm):
        raise HttpError(403, "您没有访问此接口的权限")


@router.get("/campaigns", response={200: list[SelectionCampaignOut], **ERRORS}, summary="评选活动")
def campaign_list(request: ApiRequest, paging: Query[Paging]) -> list[SelectionCampaignOut]:
    _need(request, "selections.view")
    rows = queries.visible_campaigns(request.auth)[paging.offset : paging.offset + paging.limit]
    return [
        SelectionCampaignOut(
            code=c.code,
            year=c.year,
            category=c.selection.category,
            category_name=c.selection.category_name,
            name=c.name,
            state=c.state,
            quota=c.selection.places,
            unit_quota=c.selection.unit_quota,
        )
        for c in rows
    ]


@router.get(
    "/campaigns/{code}/results",
    response={200: list[SelectionResultOut], **ERRORS},
    summary="评选结果（按名次）",
)
def campaign_results(request: ApiRequest, code: UUID) -> list[SelectionResultOut]:
    _need(request, "selections.view")
    campaign = queries.visible_campaigns(request.auth).filter(code=code).first()
    if campaign is None:
        raise Http404
    kind = campaign.selection.subject_kind
    visible = set(queries.visible_nominations(request.auth, campaign).values_list("pk", flat=True))
    return [
        SelectionResultOut(
            nominee=n.title,
            code=n.code,
            kind=SubjectKind(kind).value,
            unit=n.unit.name,
            score=n.total,
            rank=n.place,
            winner=n.winner and n.state != "set_aside",
            state=n.state,
        )
        for n in queries.results(campaign)
        if n.pk in visible
    ]


@router.get("/brands", response={200: list[BrandOut], **ERRORS}, summary="党建品牌")
def brand_list(request: ApiRequest, paging: Query[Paging]) -> list[BrandOut]:
    _need(request, "selections.view")
    rows = queries.visible_brands(request.auth)[paging.offset : paging.offset + paging.limit]
    return [
        BrandOut(
            code=b.code,
            name=b.name,
            meaning=b.meaning,
            organization=b.organization.code,
            organization_name=b.organization.name,
        )
        for b in rows
    ]


@router.get("/sites", response={200: list[SiteOut], **ERRORS}, summary="示范点")
def site_list(request: ApiRequest, paging: Query[Paging]) -> list[SiteOut]:
    _need(request, "selections.view")
    rows = queries.visible_sites(request.auth)[paging.offset : paging.offset + paging.limit]
    return [
        SiteOut(
            code=s.code,
            name=s.name,
            level=s.level,
            named_by=s.named_by,
            starts_on=s.starts_on,
            ends_on=s.ends_on,
            organization=s.organization.code,
            organization_name=s.organization.name,
        )
        for s in rows
    ]


@router.get("/cases", response={200: list[InnovationCaseOut], **ERRORS}, summary="创新案例（已发布）")
def case_list(
    request: ApiRequest, paging: Query[Paging], tag: str = "", q: str = ""
) -> list[InnovationCaseOut]:
    qs = queries.search_cases(
        queries.visible_cases(request.auth).filter(state="published"), tag=tag[:20], text=q[:50]
    )
    return [
        InnovationCaseOut(
            code=c.code,
            title=c.title,
            summary=c.summary,
            tags=c.tag_list,
            organization_name=c.organization.name,
            published_at=c.published_at.isoformat() if c.published_at else None,
        )
        for c in qs[paging.offset : paging.offset + paging.limit]
    ]
