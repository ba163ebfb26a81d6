"""/api/v1/integration: work points, plans and their tasks, progress reports, and the quarterly reviews —
scoped like the pages, writes through the same forms and services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging, year_param
from ronghe.core.errors import InvalidInput
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.integration import rules
from ronghe.integration.forms import ProgressForm
from ronghe.integration.models import SyncReview, Task, TaskComment, WorkPlan
from ronghe.integration.queries import (
    overdue,
    plans_for_user,
    reviews_for_user,
    task_summary,
    tasks_for_user,
    work_points_for_user,
)
from ronghe.integration.services import plans as services

router = Router(tags=["同步部署与点评"])
PREFIX = "integration"


class WorkPointOut(Schema):
    code: UUID
    year: int
    number: int
    title: str
    content: str
    kind: str
    state: str


class TaskOut(Schema):
    code: UUID
    plan: UUID
    unit: str
    kind: str = Field(..., description="party 党建 / business 业务 / integrated 融合")
    title: str
    work_point: int | None = Field(None, description="对应工作要点的序号")
    owner_kind: str
    owner: str
    deadline: date
    target: str
    target_value: Decimal | None
    measure: str
    state: str
    overdue: bool
    percent: int
    value_reached: Decimal | None


class ProgressOut(Schema):
    reported_on: date
    text: str
    percent: int | None
    value_reached: Decimal | None


class TaskDetailOut(TaskOut):
    progress: list[ProgressOut]


class PlanOut(Schema):
    code: UUID
    unit: str
    unit_code: UUID
    year: int
    organization: str
    state: str
    tasks_total: int
    tasks_done: int
    tasks_overdue: int


class PlanDetailOut(PlanOut):
    summary: str
    tasks: list[TaskOut]


class TaskCommentOut(Schema):
    task: UUID
    text: str


class ReviewOut(Schema):
    code: UUID
    unit: str
    unit_code: UUID
    year: int
    quarter: int
    grade: str = Field(..., description="good 好 / fairly_good 较好 / average 一般 / poor 差；未评定为空")
    state: str


class ReviewDetailOut(ReviewOut):
    party_comment: str
    business_comment: str
    integrated_comment: str
    opinion: str
    task_comments: list[TaskCommentOut]


class ProgressIn(Schema):
    reported_on: date | None = Field(None, description="不填为今天")
    text: str = Field(..., min_length=1, max_length=4000)
    percent: int | None = Field(None, description="完成进度（%），0–100")
    value_reached: Decimal | None = Field(None, max_digits=14, decimal_places=2)


class TaskFilters(Paging):
    kind: str | None = Field(None, max_length=20)
    state: str | None = Field(None, max_length=20)
    overdue: bool = False


class ReviewFilters(Paging):
    quarter: int | None = Field(None, ge=1, le=4)


def _task_out(t: Task, today: date) -> dict[str, Any]:
    return {
        "code": t.code,
        "plan": t.plan.code,
        "unit": t.plan.unit.name,
        "kind": t.kind,
        "title": t.title,
        "work_point": t.work_point.number if t.work_point else None,
        "owner_kind": t.owner_kind,
        "owner": t.owner_label,
        "deadline": t.deadline,
        "target": t.target,
        "target_value": t.target_value,
        "measure": t.measure,
        "state": t.state,
        "overdue": rules.is_overdue(t.state, t.deadline, today),
        "percent": t.percent,
        "value_reached": t.value_reached,
    }


def _plan_out(p: WorkPlan, counts: tuple[int, int, int]) -> dict[str, Any]:
    return {
        "code": p.code,
        "unit": p.unit.name,
        "unit_code": p.unit.code,
        "year": p.year,
        "organization": p.organization.name,
        "state": p.state,
        "tasks_done": counts[0],
        "tasks_total": counts[1],
        "tasks_overdue": counts[2],
    }


def _review_out(r: SyncReview) -> dict[str, Any]:
    return {
        "code": r.code,
        "unit": r.unit.name,
        "unit_code": r.unit.code,
        "year": r.year,
        "quarter": r.quarter,
        "grade": r.grade,
        "state": r.state,
    }


def _need(request: ApiRequest) -> None:
    if not has_perm_anywhere(request.auth, "integration.view"):
        raise HttpError(403, "您没有访问此接口的权限")


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


@router.get("/work-points", response={200: list[WorkPointOut], **ERRORS}, summary="工作要点")
def work_points(request: ApiRequest, paging: Query[Paging], year: int | None = year_param()) -> list[Any]:
    _need(request)
    rows = work_points_for_user(request.auth).filter(year=_year(year)).order_by("number", "id")
    return list(paging.window(rows))


@router.get("/plans", response={200: list[PlanOut], **ERRORS}, summary="工作计划")
def plans(
    request: ApiRequest, paging: Query[Paging], year: int | None = year_param()
) -> list[dict[str, Any]]:
    _need(request)
    rows = list(paging.window(plans_for_user(request.auth).filter(year=_year(year)).order_by("unit__name")))
    counts = task_summary([p.unit_id for p in rows], _year(year))
    return [_plan_out(p, counts[p.unit_id]) for p in rows]


@router.get("/plans/{code}", response={200: PlanDetailOut, **ERRORS}, summary="工作计划详情（含任务）")
def plan(request: ApiRequest, code: UUID) -> dict[str, Any]:
    p = get_for_user_or_404(
        WorkPlan.objects.select_related("unit", "organization"),
        request.auth,
        perm="integration.view",
        code=code,
    )
    today = timezone.localdate()
    tasks = p.tasks.select_related("plan__unit", "department", "branch", "work_point").order_by(
        "deadline", "id"
    )
    return {
        **_plan_out(p, task_summary([p.unit_id], p.year)[p.unit_id]),
        "summary": p.summary,
        "tasks": [_task_out(t, today) for t in tasks],
    }


@router.get("/tasks", response={200: list[TaskOut], **ERRORS}, summary="工作任务（可只看逾期）")
def tasks(
    request: ApiRequest, filters: Query[TaskFilters], year: int | None = year_param()
) -> list[dict[str, Any]]:
    _need(request)
    today = timezone.localdate()
    rows = tasks_for_user(request.auth).filter(plan__year=_year(year))
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.overdue:
        rows = overdue(rows, today)
    return [_task_out(t, today) for t in filters.window(rows.order_by("deadline", "id"))]


def _task(request: ApiRequest, code: UUID, perm: str = "integration.view") -> Task:
    return get_for_user_or_404(
        Task.objects.select_related("plan__unit", "organization", "department", "branch", "work_point"),
        request.auth,
        perm=perm,
        code=code,
    )


def _task_detail(t: Task) -> dict[str, Any]:
    return {
        **_task_out(t, timezone.localdate()),
        "progress": [
            {
                "reported_on": p.reported_on,
                "text": p.text,
                "percent": p.percent,
                "value_reached": p.value_reached,
            }
            for p in t.progress.order_by("reported_on", "id")
        ],
    }


@router.get("/tasks/{code}", response={200: TaskDetailOut, **ERRORS}, summary="任务详情（含进展）")
def task(request: ApiRequest, code: UUID) -> dict[str, Any]:
    return _task_detail(_task(request, code))


@router.post("/tasks/{code}/progress", response={201: TaskDetailOut, **ERRORS}, summary="填报任务进展")
def progress(request: ApiRequest, code: UUID, payload: ProgressIn) -> Status[dict[str, Any]]:
    t = _task(request, code, "integration.plan")
    values = payload.dict()
    data = {
        "reported_on": str(values["reported_on"] or timezone.localdate()),
        "text": values["text"],
        "percent": "" if values["percent"] is None else str(values["percent"]),
        "value_reached": "" if values["value_reached"] is None else str(values["value_reached"]),
    }
    form = ProgressForm(data)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    services.record_progress(actor=request.auth, task=t, **form.service_kwargs())
    t.refresh_from_db()
    return Status(201, _task_detail(t))


@router.get("/reviews", response={200: list[ReviewOut], **ERRORS}, summary="季度同步点评")
def reviews(
    request: ApiRequest, filters: Query[ReviewFilters], year: int | None = year_param()
) -> list[dict[str, Any]]:
    _need(request)
    rows = reviews_for_user(request.auth).filter(year=_year(year))
    if filters.quarter:
        rows = rows.filter(quarter=filters.quarter)
    return [_review_out(r) for r in filters.window(rows.order_by("unit__name", "quarter"))]


@router.get("/reviews/{code}", response={200: ReviewDetailOut, **ERRORS}, summary="同步点评详情")
def review(request: ApiRequest, code: UUID) -> dict[str, Any]:
    r = get_for_user_or_404(
        SyncReview.objects.select_related("unit"), request.auth, perm="integration.view", code=code
    )
    comments = TaskComment.objects.filter(review=r).select_related("task")
    return {
        **_review_out(r),
        "party_comment": r.party_comment,
        "business_comment": r.business_comment,
        "integrated_comment": r.integrated_comment,
        "opinion": r.opinion,
        "task_comments": [{"task": c.task.code, "text": c.text} for c in comments],
    }
