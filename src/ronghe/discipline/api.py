"""纪检 under /api/v1/discipline: cases (list, detail) and 廉政风险点, read-only, for 纪检 roles only —
everyone else gets 404, as on the pages. Every case read is audited."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging
from ronghe.core.scope import has_perm_anywhere
from ronghe.discipline import queries
from ronghe.discipline.choices import CaseState, RiskLevel
from ronghe.discipline.models import Case, Risk

router = Router(tags=["纪检监察"])


class DisciplineSanctionOut(Schema):
    category: str = Field(..., description="party / government / handling")
    kind: str
    kind_label: str
    starts_on: date
    ends_on: date | None = Field(None, description="影响期满日期，无期限为空")
    document_number: str


class DisciplineCaseOut(Schema):
    code: UUID
    member: UUID = Field(..., description="被反映人（党员编码）")
    member_name: str
    organization: UUID
    organization_name: str
    source: str
    received_on: date
    state: str = Field(..., description="received / verifying / filed / concluded / decided / closed")
    state_label: str


class DisciplineCaseDetailOut(DisciplineCaseOut):
    summary: str
    findings: str
    filed_on: date | None
    finished_on: date | None
    sanctions: list[DisciplineSanctionOut]


class DisciplineRiskOut(Schema):
    code: UUID
    organization: UUID
    organization_name: str
    post: str
    description: str
    level: str
    measures: str
    owner: str
    review_months: int
    last_reviewed_on: date | None
    next_review_on: date


class DisciplineCaseFilter(Paging):
    state: CaseState | None = None


class DisciplineRiskFilter(Paging):
    level: RiskLevel | None = None


def _need(request: ApiRequest) -> None:
    # Not 403: outside 纪检 the area does not exist.
    if not has_perm_anywhere(request.auth, queries.VIEW):
        raise HttpError(404, "未找到或无权访问")


def _row(case: Case) -> dict[str, Any]:
    return {
        "code": case.code,
        "member": case.member.code,
        "member_name": case.member.name,
        "organization": case.organization.code,
        "organization_name": case.organization.name,
        "source": case.source,
        "received_on": case.received_on,
        "state": case.state,
        "state_label": case.get_state_display(),
    }


@router.get("/cases", response={200: list[DisciplineCaseOut], **ERRORS}, summary="问题线索和案件列表（纪检）")
def cases(request: ApiRequest, filters: Query[DisciplineCaseFilter]) -> list[dict[str, Any]]:
    _need(request)
    qs = queries.cases_for_user(request.auth)
    if filters.state:
        qs = qs.filter(state=filters.state)
    rows = list(filters.window(qs.order_by("-received_on", "-id")))
    queries.audit_list(request.auth, "api", rows)
    return [_row(c) for c in rows]


@router.get(
    "/cases/{code}", response={200: DisciplineCaseDetailOut, **ERRORS}, summary="一件问题线索或案件（纪检）"
)
def case_detail(request: ApiRequest, code: UUID) -> dict[str, Any]:
    _need(request)
    case = queries.case_for_user_or_404(request.auth, code)
    return {
        **_row(case),
        "summary": case.summary,
        "findings": case.findings,
        "filed_on": case.filed_on,
        "finished_on": case.finished_on,
        "sanctions": [
            {
                "category": s.category,
                "kind": s.kind,
                "kind_label": s.get_kind_display(),
                "starts_on": s.starts_on,
                "ends_on": s.ends_on,
                "document_number": s.document_number,
            }
            for s in case.sanctions.all()
        ],
    }


@router.get("/risks", response={200: list[DisciplineRiskOut], **ERRORS}, summary="廉政风险点列表（纪检）")
def risks(request: ApiRequest, filters: Query[DisciplineRiskFilter]) -> list[dict[str, Any]]:
    _need(request)
    qs = queries.risks_for_user(request.auth)
    if filters.level:
        qs = qs.filter(level=filters.level)
    out: list[dict[str, Any]] = []
    risk: Risk
    for risk in filters.window(qs.order_by("next_review_on", "id")):
        out.append(
            {
                "code": risk.code,
                "organization": risk.organization.code,
                "organization_name": risk.organization.name,
                "post": risk.post,
                "description": risk.description,
                "level": risk.level,
                "measures": risk.measures,
                "owner": risk.owner,
                "review_months": risk.review_months,
                "last_reviewed_on": risk.last_reviewed_on,
                "next_review_on": risk.next_review_on,
            }
        )
    return out
