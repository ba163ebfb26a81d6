"""Task pages: add and edit a plan's tasks, a task with its progress and evidence, the tasks in scope and
the overdue ones (逾期任务)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.evidence.models import Evidence
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at
from ronghe.core.workflow import services as workflow
from ronghe.integration import rules
from ronghe.integration.choices import PlanState, TaskState
from ronghe.integration.forms import ProgressForm, StepForm, TaskFilterForm, TaskForm, task_initial, this_year
from ronghe.integration.models import Task
from ronghe.integration.queries import overdue, tasks_for_user
from ronghe.integration.services import plans as services
from ronghe.integration.views.plans import plan_for

STEP_DONE = {"start": "已开始办理", "complete": "已标记完成", "reopen": "已重新办理"}


def task_for(request: HttpRequest, code: UUID, perm: str = "integration.view") -> Task:
    return get_for_user_or_404(
        Task.objects.select_related(
            "plan__unit", "plan__organization", "organization", "department", "branch"
        ),
        request.user,
        perm=perm,
        code=code,
    )


def _task_form_page(request: AuthenticatedRequest, form: TaskForm, plan: Any, title: str) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "breadcrumbs": [
            ("工作计划", reverse("integration:plan-list")),
            (f"{plan.unit.name}{plan.year}年度", reverse("integration:plan-detail", args=[plan.code])),
            (title, None),
        ],
    }
    return render(request, "integration/form.html", context, status=422 if form.errors else 200)


@require("integration.plan")
@require_http_methods(["GET", "POST"])
def task_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    plan = plan_for(request, code, "integration.plan")
    initial = {"kind": request.GET.get("kind") or "party", "owner_kind": "department"}
    form = TaskForm(request.POST or None, plan=plan, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_task(actor=request.user, plan=plan, **form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已添加任务。")
            return redirect("integration:plan-detail", code=plan.code)
    return _task_form_page(request, form, plan, "添加任务")


@require("integration.plan")
@require_http_methods(["GET", "POST"])
def task_update(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    task = task_for(request, code, "integration.plan")
    plan = task.plan
    form = TaskForm(request.POST or None, plan=plan, user=request.user, initial=task_initial(task))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_task(actor=request.user, plan=plan, task=task, **form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已保存任务。")
            return redirect("integration:task-detail", code=task.code)
    return _task_form_page(request, form, plan, "修改任务")


@require("integration.plan")
@require_POST
def task_delete(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    task = task_for(request, code, "integration.plan")
    try:
        services.delete_task(actor=request.user, task=task)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("integration:task-detail", code=task.code)
    messages.success(request, f"已删除任务“{task.title}”。")
    return redirect("integration:plan-detail", code=task.plan.code)


def _evidence_by_progress(ids: list[int]) -> dict[int, list[Evidence]]:
    out: dict[int, list[Evidence]] = {pk: [] for pk in ids}
    for row in Evidence.objects.filter(kind=rules.PROGRESS_EVIDENCE, object_id__in=ids).order_by("id"):
        row.url = reverse("evidence:download", kwargs={"code": row.code}) if row.is_file else ""
        out[row.object_id].append(row)
    return out


def task_context(request: HttpRequest, task: Task, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    path = task.organization.path
    can_work = has_perm_at(request.user, rules.PLAN_PERMISSION, path)
    progress = list(task.progress.select_related("by").order_by("-reported_on", "-id"))
    evidence = _evidence_by_progress([p.pk for p in progress])
    for p in progress:
        p.evidence = evidence[p.pk]
    ctx: dict[str, Any] = {
        "task": task,
        "plan": task.plan,
        "overdue": rules.is_overdue(task.state, task.deadline, today),
        "progress": progress,
        "can_progress": can_work and task.state != TaskState.DONE,
        "can_edit": has_perm_at(request.user, rules.PLAN_PERMISSION, task.plan.organization.path)
        and task.plan.state == PlanState.DRAFT,
        "actions": rules.TASK_PROCESS.actions_from(task.state) if can_work else [],
        "action_labels": rules.TASK_PROCESS.action_labels,
        "history": workflow.history_for(rules.TASK_PROCESS, task),
        "progress_form": ProgressForm(initial={"reported_on": today, "percent": task.percent or None}),
        "step_form": StepForm(),
        "breadcrumbs": [
            ("工作计划", reverse("integration:plan-list")),
            (
                f"{task.plan.unit.name}{task.plan.year}年度",
                reverse("integration:plan-detail", args=[task.plan.code]),
            ),
            (task.title[:20], None),
        ],
    }
    ctx.update(extra)
    return ctx


@require("integration.view")
def task_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    task = task_for(request, code)
    return render(request, "integration/task_detail.html", task_context(request, task))


@require("integration.view")
@require_POST
def task_step(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    task = task_for(request, code)
    form = StepForm(request.POST)
    action = request.POST.get("action", "")
    if form.is_valid():
        try:
            services.task_step(
                actor=request.user, task=task, action=action, comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            form.add_error("comment", exc.message)
        else:
            messages.success(request, STEP_DONE.get(action, "已办理"))
            return redirect("integration:task-detail", code=task.code)
    return render(
        request, "integration/task_detail.html", task_context(request, task, step_form=form), status=422
    )


@require("integration.plan")
@require_POST
def progress_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    task = task_for(request, code, "integration.plan")
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_progress(actor=request.user, task=task, **form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已填报进展。")
            return redirect("integration:task-detail", code=task.code)
    return render(
        request, "integration/task_detail.html", task_context(request, task, progress_form=form), status=422
    )


def _task_list(request: HttpRequest, *, overdue_only: bool) -> HttpResponse:
    form = TaskFilterForm(request.GET or None)
    today = timezone.localdate()
    tasks = tasks_for_user(request.user)
    year = None if overdue_only else this_year()
    if form.is_valid():
        data = form.cleaned_data
        year = data["year"] or year
        if data["kind"]:
            tasks = tasks.filter(kind=data["kind"])
        if data["state"] == "overdue":
            tasks = overdue(tasks, today)
        elif data["state"]:
            tasks = tasks.filter(state=data["state"])
        if data["q"]:
            tasks = tasks.filter(Q(plan__unit__name__contains=data["q"]) | Q(title__contains=data["q"]))
    if year:
        tasks = tasks.filter(plan__year=year)
    if overdue_only:
        tasks = overdue(tasks, today)
    page = paginate(request, tasks.order_by("deadline", "id"), 50)
    for t in page.object_list:
        t.overdue = rules.is_overdue(t.state, t.deadline, today)
        t.days_late = (today - t.deadline).days if t.overdue else 0
    title = "逾期任务" if overdue_only else "工作任务"
    return render_page_or_partial(
        request,
        "integration/task_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "title": title,
            "overdue_only": overdue_only,
            "breadcrumbs": [(title, None)],
        },
    )


@require("integration.view")
def task_list(request: HttpRequest) -> HttpResponse:
    return _task_list(request, overdue_only=False)


@require("integration.view")
def overdue_list(request: HttpRequest) -> HttpResponse:
    return _task_list(request, overdue_only=True)
