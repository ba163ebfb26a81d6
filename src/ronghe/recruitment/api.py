"""发展党员 under /api/v1/recruitment: cases (list, detail) and the pipeline counts, scoped like the pages."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.recruitment import queries, rules, services, steps
from ronghe.recruitment.choices import Stage
from ronghe.recruitment.models import RecruitmentCase

router = Router(tags=["发展党员"])


class CaseOut(Schema):
    code: UUID
    name: str
    organization: UUID = Field(..., description="党支部编码")
    organization_name: str
    stage: str = Field(..., description="applicant / activist / candidate / probationary / full / cancelled")
    stage_label: str
    applied_on: date
    next_action: str = Field(..., description="下一步（中文），没有为空")
    due_on: date | None
    late: bool


class StepOut(Schema):
    number: int
    title: str
    actor: str
    done_on: date | None
    documents: list[str]


class CaseDetailOut(CaseOut):
    gender: str
    birth_date: date
    joined_on: date | None = Field(None, description="入党时间：支部大会通过之日")
    probation_ends_on: date | None
    full_on: date | None = Field(None, description="转正时间（党龄起算）")
    steps: list[StepOut]
    breaches: list[str] = Field(..., description="记录的日期违反的规定（中文）")


class PipelineOut(Schema):
    counts: dict[str, int] = Field(..., description="各阶段人数")
    due: int
    late: int
    total: int


class CaseFilter(Paging):
    stage: Stage | None = None


def _need(request: ApiRequest) -> None:
    if not has_perm_anywhere(request.auth, queries.VIEW):
        raise HttpError(403, "您没有访问此接口的权限")


def _row(case: RecruitmentCase, today: date) -> dict[str, Any]:
    nxt = queries.next_action_of(case, today)
    return {
        "code": case.code,
        "name": case.name,
        "organization": case.organization.code,
        "organization_name": case.organization.name,
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "applied_on": case.applied_on,
        "next_action": nxt.label,
        "due_on": nxt.due_on,
        "late": nxt.late,
    }


@router.get("/cases", response={200: list[CaseOut], **ERRORS}, summary="发展党员纪实列表")
def cases(request: ApiRequest, filters: Query[CaseFilter]) -> list[dict[str, Any]]:
    _need(request)
    today = timezone.localdate()
    qs = queries.cases_for_user(request.auth).select_related("organization")
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    rows = filters.window(queries.with_observations(qs.order_by("organization__path", "applied_on", "id")))
    return [_row(c, today) for c in rows]


@router.get("/cases/{code}", response={200: CaseDetailOut, **ERRORS}, summary="一人的发展党员纪实")
def case_detail(request: ApiRequest, code: UUID) -> dict[str, Any]:
    _need(request)
    today = timezone.localdate()
    case = get_for_user_or_404(
        queries.with_observations(RecruitmentCase.objects.select_related("organization")),
        request.auth,
        perm=queries.VIEW,
        code=code,
    )
    facts = services.facts_of(case)
    return {
        **_row(case, today),
        "gender": case.gender,
        "birth_date": case.birth_date,
        "joined_on": rules.joined_on(facts),
        "probation_ends_on": rules.probation_end(case.admitted_on, case.extension_months)
        if case.admitted_on
        else None,
        "full_on": rules.full_on(facts),
        "steps": [
            {
                "number": s.number,
                "title": s.title,
                "actor": s.actor,
                "done_on": steps.step_done(s, facts),
                "documents": list(s.documents),
            }
            for s in steps.STEPS
        ],
        "breaches": [b.message for b in services.breaches(facts, today)],
    }


@router.get("/pipeline", response={200: PipelineOut, **ERRORS}, summary="发展党员各阶段人数、到期和逾期")
def pipeline(request: ApiRequest) -> dict[str, Any]:
    _need(request)
    board = queries.board(queries.cases_for_user(request.auth), timezone.localdate())
    return {"counts": board.counts, "due": board.due, "late": board.late, "total": board.total}
