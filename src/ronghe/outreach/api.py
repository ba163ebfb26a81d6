"""联系服务 under /api/v1/outreach: surveys and their results — the same figures as the page, under the
same rule (shown after closing, and only for groups of at least five respondents)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, Q
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.outreach import pairing, queries, volunteering
from ronghe.outreach.models import Survey

router = Router(tags=["联系服务"])
VIEW = "outreach.view"


class SurveyOut(Schema):
    code: UUID
    title: str
    organization: str
    year: int
    state: str
    anonymous: bool
    satisfaction: bool = Field(..., description="计入群众满意度")
    respondents: int


@router.get("/surveys", response={200: list[SurveyOut], **ERRORS}, summary="问卷（权限范围内）")
def surveys(request: ApiRequest, paging: Query[Paging]) -> list[dict[str, Any]]:
    if not has_perm_anywhere(request.auth, VIEW):
        raise HttpError(403, "您没有访问此接口的权限")
    rows = queries.surveys_for_user(request.auth).order_by("-created_at", "-id")
    return [
        {
            "code": s.code,
            "title": s.title,
            "organization": s.organization.name,
            "year": s.year,
            "state": s.get_state_display(),
            "anonymous": s.anonymous,
            "satisfaction": s.satisfaction,
            "respondents": s.n_respondents,  # type: ignore[attr-defined]
        }
        for s in paging.window(rows)
    ]


class OptionOut(Schema):
    label: str
    count: int
    percent: Decimal


class QuestionOut(Schema):
    order: int
    text: str
    kind: str
    options: list[OptionOut]
    texts: list[str] = Field(..., description="文字回答（不按答卷人排列）")
    satisfaction: Decimal | None = None


class GroupOut(Schema):
    name: str
    respondents: int
    satisfaction: Decimal | None = None


class ResultsOut(Schema):
    respondents: int
    visible: bool = Field(..., description="是否显示结果（结束后且不少于 5 人）")
    message: str
    questions: list[QuestionOut]
    groups: list[GroupOut]
    groups_message: str


@router.get("/surveys/{code}/results", response={200: ResultsOut, **ERRORS}, summary="问卷结果")
def results(request: ApiRequest, code: UUID) -> dict[str, Any]:
    survey = get_for_user_or_404(Survey.objects.all(), request.auth, perm=VIEW, code=code)
    res = queries.results(survey)
    return {
        "respondents": res.respondents,
        "visible": res.visible,
        "message": res.message,
        "questions": [q.__dict__ | {"options": [o.__dict__ for o in q.options]} for q in res.questions],
        "groups": [g.__dict__ for g in res.groups],
        "groups_message": res.groups_message,
    }


class ActivityOut(Schema):
    code: UUID
    title: str
    organization: str
    starts_at: str
    hours: Decimal = Field(..., description="服务时长（小时）")
    signed_up: int
    served: int = Field(..., description="已签到人数")


@router.get(
    "/volunteering", response={200: list[ActivityOut], **ERRORS}, summary="志愿服务活动（权限范围内）"
)
def activities(request: ApiRequest, paging: Query[Paging]) -> list[dict[str, Any]]:
    if not has_perm_anywhere(request.auth, VIEW):
        raise HttpError(403, "您没有访问此接口的权限")
    rows = (
        volunteering.activities_for_user(request.auth)
        .annotate(
            n=Count("records"),
            served=Count("records", filter=Q(records__checked_in_at__isnull=False)),
        )
        .order_by("-starts_at", "-id")
    )
    return [
        {
            "code": a.code,
            "title": a.title,
            "organization": a.organization.name,
            "starts_at": timezone.localtime(a.starts_at).isoformat(),
            "hours": a.hours,
            "signed_up": a.n,
            "served": a.served,
        }
        for a in paging.window(rows)
    ]


class PairingOut(Schema):
    code: UUID
    kind: str
    partner: str
    organization: str
    leader: str
    visits: int = Field(..., description="联系次数")
    open_issues: int = Field(..., description="未办结的问题")
    overdue_issues: int = Field(..., description="逾期未办结的问题")


@router.get(
    "/pairings", response={200: list[PairingOut], **ERRORS}, summary="结对联系与基层联系点（权限范围内）"
)
def pairings(request: ApiRequest, paging: Query[Paging]) -> list[dict[str, Any]]:
    if not has_perm_anywhere(request.auth, VIEW):
        raise HttpError(403, "您没有访问此接口的权限")
    rows = pairing.pairings_for_user(request.auth).order_by("organization__path", "kind", "id")
    return [
        {
            "code": p.code,
            "kind": p.get_kind_display(),
            "partner": p.partner,
            "organization": p.organization.name,
            "leader": p.leader,
            "visits": p.n_visits,  # type: ignore[attr-defined]
            "open_issues": p.n_open,  # type: ignore[attr-defined]
            "overdue_issues": p.n_overdue,  # type: ignore[attr-defined]
        }
        for p in paging.window(rows)
    ]
