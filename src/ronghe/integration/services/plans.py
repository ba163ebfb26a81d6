"""同步部署: the 工委 publishes the year's work points; a unit plans its Party-building and business tasks
together, reports them to the 工委, and its departments, branches and people carry them out with progress
and evidence. Every step is scoped, audited and, for states, a `core.workflow` transition."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import TransitionNotAllowed
from ronghe.core.evidence import services as evidence
from ronghe.core.scope import require_at
from ronghe.core.workflow import services as workflow
from ronghe.integration import rules
from ronghe.integration.choices import OwnerKind, PlanState, TaskState, WorkPointState
from ronghe.integration.models import Task, TaskProgress, WorkPlan, WorkPoint
from ronghe.integration.services import IntegrationError
from ronghe.orgs.choices import BRANCH_KINDS
from ronghe.orgs.models import Department, Organization, Unit
from ronghe.orgs.queries import lead_organizations

if TYPE_CHECKING:
    from ronghe.accounts.models import User


# ---------------------------------------------------------------- work points (工作要点)


def _point_snapshot(point: WorkPoint) -> dict[str, Any]:
    return {"year": point.year, "number": point.number, "title": point.title, "kind": point.kind}


@transaction.atomic
def save_work_point(
    *,
    actor: User,
    organization: Organization,
    year: int,
    number: int,
    title: str,
    kind: str,
    content: str = "",
    point: WorkPoint | None = None,
) -> WorkPoint:
    """Draft a work point of the 工委 (`organization`), or change a draft (`point`)."""
    require_at(actor, rules.MANAGE, organization.path)
    if point is not None and point.state != WorkPointState.DRAFT:
        raise TransitionNotAllowed("已发布的工作要点不能修改")
    clash = WorkPoint.objects.filter(organization=organization, year=year, number=number)
    if point is not None:
        clash = clash.exclude(pk=point.pk)
    if clash.exists():
        raise IntegrationError(f"{year}年度已有序号为{number}的工作要点", field="number")
    before = {} if point is None else _point_snapshot(point)
    values = {
        "year": year,
        "number": number,
        "title": title.strip(),
        "kind": kind,
        "content": content.strip(),
    }
    if point is None:
        point = WorkPoint.objects.create(organization=organization, **values)
        workflow.start(rules.WORK_POINT_PROCESS, point, by=actor)
    else:
        for name, value in values.items():
            setattr(point, name, value)
        point.save(update_fields=[*values, "updated_at"])
    audit.record(
        "integration.work_point_save",
        actor=actor,
        obj=point,
        changes=audit.diff(before, _point_snapshot(point)),
    )
    return point


def publish_work_points(*, actor: User, organization: Organization, year: int) -> int:
    """Publish every draft work point of the year at once (what units break down into tasks)."""
    require_at(actor, rules.MANAGE, organization.path)
    drafts = list(WorkPoint.objects.filter(organization=organization, year=year, state=WorkPointState.DRAFT))
    if not drafts:
        raise IntegrationError(f"{year}年度没有待发布的工作要点", field="year")
    with transaction.atomic():
        for point in drafts:
            workflow.transition(
                rules.WORK_POINT_PROCESS, point, "publish", by=actor, fields={"published_at": timezone.now()}
            )
    return len(drafts)


# ---------------------------------------------------------------- plans (工作计划)


@transaction.atomic
def create_plan(*, actor: User, unit: Unit, year: int, summary: str = "") -> WorkPlan:
    """Open a unit's plan for the year, held by the Party organization that answers for the unit."""
    organization = lead_organizations([unit.pk]).get(unit.pk)
    if organization is None:
        raise IntegrationError("该单位尚未设立党组织，不能编制计划", field="unit")
    require_at(actor, rules.PLAN_PERMISSION, organization.path)
    if WorkPlan.objects.filter(unit=unit, year=year).exists():
        raise IntegrationError(f"该单位{year}年度已有工作计划", field="year")
    plan = WorkPlan.objects.create(unit=unit, year=year, organization=organization, summary=summary.strip())
    workflow.start(rules.PLAN_PROCESS, plan, by=actor)
    audit.record("integration.plan_create", actor=actor, obj=plan, changes={"unit": unit.name, "year": year})
    return plan


def _require_draft(plan: WorkPlan) -> None:
    if plan.state != PlanState.DRAFT:
        raise TransitionNotAllowed("计划已报送，调整任务请先“调整计划”")


@transaction.atomic
def update_plan(*, actor: User, plan: WorkPlan, summary: str) -> WorkPlan:
    require_at(actor, rules.PLAN_PERMISSION, plan.organization.path)
    _require_draft(plan)
    before = {"summary": plan.summary}
    plan.summary = summary.strip()
    plan.save(update_fields=["summary", "updated_at"])
    audit.record(
        "integration.plan_update",
        actor=actor,
        obj=plan,
        changes=audit.diff(before, {"summary": plan.summary}),
    )
    return plan


def plan_step(*, actor: User, plan: WorkPlan, action: str, comment: str = "") -> None:
    """报送 (the unit, with at least one task), 确认 / 退回 (the 工委), 调整 (the unit, with a reason)."""
    if action == "submit" and not plan.tasks.exists():
        raise IntegrationError("计划中还没有任务，不能报送", field="__all__")
    workflow.transition(rules.PLAN_PROCESS, plan, action, by=actor, comment=comment)


# ---------------------------------------------------------------- tasks


def _owner(
    plan: WorkPlan, owner_kind: str, department: Department | None, branch: Organization | None, person: str
) -> tuple[Department | None, Organization | None]:
    if owner_kind == OwnerKind.DEPARTMENT:
        if department is None or department.unit_id != plan.unit_id:
            raise IntegrationError("责任部门：请选择本单位的业务部门", field="department")
        return department, None
    if owner_kind == OwnerKind.BRANCH:
        if (
            branch is None
            or branch.kind not in BRANCH_KINDS
            or not branch.path.startswith(plan.organization.path)
        ):
            raise IntegrationError("责任党支部：请选择本单位的党支部", field="branch")
        return None, branch
    if not person.strip():
        raise IntegrationError("请填写责任人", field="person")
    return None, None


@transaction.atomic
def save_task(
    *,
    actor: User,
    plan: WorkPlan,
    kind: str,
    title: str,
    owner_kind: str,
    deadline: date,
    target: str,
    work_point: WorkPoint | None = None,
    department: Department | None = None,
    branch: Organization | None = None,
    person: str = "",
    target_value: Decimal | None = None,
    measure: str = "",
    task: Task | None = None,
) -> Task:
    """Add a task to a plan being drafted, or change one: due within the plan's year, an owner of the unit,
    a measurable target, and the work point it breaks down (published, same year)."""
    require_at(actor, rules.PLAN_PERMISSION, plan.organization.path)
    _require_draft(plan)
    problem = rules.deadline_problem(deadline, plan.year)
    if problem:
        raise IntegrationError(problem, field="deadline")
    if work_point is not None and (
        work_point.state != WorkPointState.PUBLISHED
        or work_point.year != plan.year
        or not plan.organization.path.startswith(work_point.organization.path)
    ):
        raise IntegrationError("所选工作要点不是本年度已发布的工作要点", field="work_point")
    department, branch = _owner(plan, owner_kind, department, branch, person)
    if not target.strip():
        raise IntegrationError("请填写可衡量的目标", field="target")
    if target_value is not None and target_value < 0:
        raise IntegrationError("目标值不能为负数", field="target_value")
    if target_value is not None and not measure.strip():
        raise IntegrationError("填写目标值时请填写计量单位", field="measure")
    values: dict[str, Any] = {
        "kind": kind,
        "title": title.strip(),
        "work_point": work_point,
        "owner_kind": owner_kind,
        "department": department,
        "branch": branch,
        "person": person.strip(),
        "organization": branch or plan.organization,
        "deadline": deadline,
        "target": target.strip(),
        "target_value": target_value,
        "measure": measure.strip(),
    }
    snapshot = {k: str(v) if v is not None else None for k, v in values.items()}
    if task is None:
        task = Task.objects.create(plan=plan, **values)
        workflow.start(rules.TASK_PROCESS, task, by=actor)
        audit.record("integration.task_create", actor=actor, obj=task, changes=audit.diff({}, snapshot))
        return task
    before = {k: str(getattr(task, k)) if getattr(task, k) is not None else None for k in values}
    for name, value in values.items():
        setattr(task, name, value)
    task.save(update_fields=[*values, "updated_at"])
    audit.record("integration.task_update", actor=actor, obj=task, changes=audit.diff(before, snapshot))
    return task


@transaction.atomic
def delete_task(*, actor: User, task: Task) -> None:
    require_at(actor, rules.PLAN_PERMISSION, task.plan.organization.path)
    _require_draft(task.plan)
    if task.progress.exists():
        raise IntegrationError("已填报进展的任务不能删除")
    audit.record("integration.task_delete", actor=actor, obj=task, changes={"title": [task.title, None]})
    task.delete()


def task_step(*, actor: User, task: Task, action: str, comment: str = "") -> None:
    """开始办理, 标记完成 (100%), 重新办理 (with a reason), by whoever holds the plan permission where the task is."""
    fields = {"percent": 100} if action == "complete" else None
    workflow.transition(rules.TASK_PROCESS, task, action, by=actor, comment=comment, fields=fields)


def record_progress(
    *,
    actor: User,
    task: Task,
    reported_on: date,
    text: str,
    percent: int | None = None,
    value_reached: Decimal | None = None,
    upload: UploadedFile[bytes] | None = None,
) -> TaskProgress:
    """A progress report: refused on a finished task; a task not yet started starts with it. The share and
    value reached become the task's latest; a file becomes the report's evidence (`core.evidence`)."""
    require_at(actor, rules.PLAN_PERMISSION, task.organization.path)
    field, problem = rules.progress_problem(
        state=task.state,
        reported_on=reported_on,
        today=timezone.localdate(),
        percent=percent,
        value=value_reached,
    )
    if problem:
        raise IntegrationError(problem, field=field)
    if not text.strip():
        raise IntegrationError("请填写进展情况", field="text")
    with transaction.atomic():
        if task.state == TaskState.NOT_STARTED:
            workflow.transition(rules.TASK_PROCESS, task, "start", by=actor)
        row = TaskProgress.objects.create(
            task=task,
            reported_on=reported_on,
            text=text.strip(),
            percent=percent,
            value_reached=value_reached,
            by=actor,
        )
        changed = []
        if percent is not None:
            task.percent = percent
            changed.append("percent")
        if value_reached is not None:
            task.value_reached = value_reached
            changed.append("value_reached")
        if changed:
            task.save(update_fields=[*changed, "updated_at"])
        audit.record(
            "integration.task_progress",
            actor=actor,
            obj=task,
            changes={
                "reported_on": reported_on,
                "percent": percent,
                "value_reached": value_reached,
                "text": text[:200],
            },
        )
        if upload is not None:
            evidence.attach_file(
                actor=actor,
                kind=rules.PROGRESS_EVIDENCE,
                object_id=row.pk,
                organization=task.organization,
                upload=upload,
                permission=rules.PLAN_PERMISSION,
                view_permission="integration.view",
            )
    return row
