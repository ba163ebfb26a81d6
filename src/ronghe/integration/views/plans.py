"""同步部署 pages: the plans in scope, a unit's plan with its Party-building and business tasks side by side,
and its steps (报送 → 工委确认)."""

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
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, paths_with
from ronghe.core.workflow import services as workflow
from ronghe.integration import rules
from ronghe.integration.choices import PlanState
from ronghe.integration.forms import PlanCreateForm, PlanFilterForm, PlanSummaryForm, StepForm, this_year
from ronghe.integration.models import WorkPlan
from ronghe.integration.queries import plan_columns, plans_for_user, task_summary
from ronghe.integration.services import plans as services
from ronghe.orgs.queries import units_for_user

STEP_DONE = {
    "submit": "已报送工委",
    "acknowledge": "已确认",
    "return": "已退回修改",
    "revise": "计划已退回编制中，可以调整任务",
}


def plan_for(request: HttpRequest, code: UUID, perm: str = "integration.view") -> WorkPlan:
    return get_for_user_or_404(
        WorkPlan.objects.select_related("unit", "organization"), request.user, perm=perm, code=code
    )


@require("integration.view")
def plan_list(request: HttpRequest) -> HttpResponse:
    form = PlanFilterForm(request.GET or None)
    year = this_year()
    plans = plans_for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        year = data["year"] or year
        if data["state"]:
            plans = plans.filter(state=data["state"])
        if data["q"]:
            plans = plans.filter(Q(unit__name__contains=data["q"]) | Q(unit__short_name__contains=data["q"]))
    plans = plans.filter(year=year).order_by("unit__name")
    page = paginate(request, plans, 50)
    counts = task_summary([p.unit_id for p in page.object_list], year)
    rows = [(p, *counts[p.unit_id]) for p in page.object_list]
    return render_page_or_partial(
        request,
        "integration/plan_list.html",
        {
            "form": form,
            "year": year,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "can_create": bool(paths_with(request.user, rules.PLAN_PERMISSION)),
            "breadcrumbs": [("工作计划", None)],
        },
    )


def _plannable_units(request: HttpRequest) -> Any:
    return units_for_user(request.user, rules.PLAN_PERMISSION)


@require("integration.plan")
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    initial: dict[str, Any] = {"year": this_year()}
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"]
    form = PlanCreateForm(request.POST or None, units=_plannable_units(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.create_plan(
                actor=request.user, unit=data["unit"], year=data["year"], summary=data["summary"]
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已新建{plan.year}年度工作计划，请添加党建、业务和融合任务。")
            return redirect("integration:plan-detail", code=plan.code)
    context = {
        "form": form,
        "title": "编制年度工作计划",
        "breadcrumbs": [("工作计划", reverse("integration:plan-list")), ("新建", None)],
    }
    return render(request, "integration/form.html", context, status=422 if form.errors else 200)


def plan_context(request: HttpRequest, plan: WorkPlan, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    path = plan.organization.path
    can_plan = has_perm_at(request.user, rules.PLAN_PERMISSION, path)
    actions = [
        a
        for a in rules.PLAN_PROCESS.actions_from(plan.state)
        if has_perm_at(request.user, rules.PLAN_PROCESS.step(plan.state, a).permission, path)
    ]
    columns = plan_columns(plan, today)
    ctx: dict[str, Any] = {
        "plan": plan,
        "columns": columns,
        "total": sum(len(c["tasks"]) for c in columns),
        "done": sum(c["done"] for c in columns),
        "overdue": sum(c["overdue"] for c in columns),
        "editable": can_plan and plan.state == PlanState.DRAFT,
        "actions": actions,
        "action_labels": rules.PLAN_PROCESS.action_labels,
        "history": workflow.history_for(rules.PLAN_PROCESS, plan),
        "summary_form": PlanSummaryForm(initial={"summary": plan.summary}),
        "step_form": StepForm(),
        "today": today,
        "breadcrumbs": [
            ("工作计划", reverse("integration:plan-list") + f"?year={plan.year}"),
            (f"{plan.unit.name}{plan.year}年度", None),
        ],
    }
    ctx.update(extra)
    return ctx


@require("integration.view")
def plan_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    plan = plan_for(request, code)
    return render(request, "integration/plan_detail.html", plan_context(request, plan))


@require("integration.plan")
@require_POST
def plan_update(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    plan = plan_for(request, code, "integration.plan")
    form = PlanSummaryForm(request.POST)
    if form.is_valid():
        try:
            services.update_plan(actor=request.user, plan=plan, summary=form.cleaned_data["summary"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("integration:plan-detail", code=plan.code)
    return render(
        request, "integration/plan_detail.html", plan_context(request, plan, summary_form=form), status=422
    )


@require("integration.view")
@require_POST
def plan_step(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    plan = plan_for(request, code)
    form = StepForm(request.POST)
    action = request.POST.get("action", "")
    if form.is_valid():
        try:
            services.plan_step(
                actor=request.user, plan=plan, action=action, comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            form.add_error("comment", exc.message)
        else:
            messages.success(request, STEP_DONE.get(action, "已办理"))
            return redirect("integration:plan-detail", code=plan.code)
    ctx = plan_context(request, plan, step_form=form, step_action=action)
    return render(request, "integration/plan_detail.html", ctx, status=422)
