"""Compliance pages: drill-down table, an organization's calendar, to-do, requirements."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.htmx import paginate, query_without_page
from ronghe.core.permissions import require
from ronghe.core.scope import can, get_for_user_or_404, has_perm_anywhere, scoped
from ronghe.orglife import queries, rules, services
from ronghe.orglife.forms import CopyRequirementsForm, PolicyForm, RequirementForm
from ronghe.orglife.models import MeetingRequirement, OrgLifePolicy, Reminder
from ronghe.orglife.rollup import rollup
from ronghe.orgs.models import Organization


def _year(request: AuthenticatedRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@require("orglife.view")
def compliance(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    today = timezone.localdate()
    node = None
    if request.GET.get("org"):
        node = get_for_user_or_404(Organization, request.user, perm="orglife.view", code=request.GET["org"])
    rows, total = rollup(request.user, node, year, today)
    sort = request.GET.get("sort", "")
    if sort == "rate":  # worst first; rows with nothing judged yet last
        rows = sorted(rows, key=lambda r: (r.tally.rate is None, r.tally.rate or 0, -r.tally.overdue))
    elif sort == "overdue":
        rows = sorted(rows, key=lambda r: -r.tally.overdue)
    weak = {r.organization.pk for r in rows if rules.is_weak(r.tally.rate)}
    crumbs: list[tuple[str, Any]] = [("落实情况", reverse("orglife:compliance") + f"?year={year}")]
    if node is not None:
        visible = {o.pk for o in scoped(node.ancestors(), request.user, "orglife.view")}
        for anc in node.ancestors():
            if anc.pk in visible and anc.pk != node.pk:
                crumbs.append((anc.name, reverse("orglife:compliance") + f"?org={anc.code}&year={year}"))
        crumbs.append((node.name, None))
    return render(
        request,
        "orglife/compliance.html",
        {
            "rows": rows,
            "total": total,
            "year": year,
            "node": node,
            "sort": sort,
            "weak": weak,
            "breadcrumbs": crumbs,
            "years": range(today.year - 3, today.year + 2),
        },
    )


@require("orglife.view")
def org_calendar(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    org = get_for_user_or_404(Organization, request.user, perm="orglife.view", code=code)
    year = _year(request)
    ctx = queries.calendar_for(org, year, timezone.localdate())
    ctx.update(
        {
            "organization": org,
            "year": year,
            "can_record": can(request.user, "orglife.edit", org),
            "years": range(timezone.localdate().year - 3, timezone.localdate().year + 2),
            "breadcrumbs": [
                ("落实情况", reverse("orglife:compliance") + f"?year={year}"),
                (org.name, reverse("orglife:compliance") + f"?org={org.code}&year={year}"),
                (f"{year} 年组织生活日历", None),
            ],
        }
    )
    return render(request, "orglife/calendar.html", ctx)


@require("orglife.view")
def todo(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    todo = queries.year_todo(request.user, today)
    queries.remember_todo_count(request.user, today, todo.count)  # the side navigation's badge
    orgs = scoped(Organization.objects.all(), request.user, "orglife.view")
    reminders = list(
        Reminder.objects.filter(organization__in=orgs.values("pk"))
        .select_related("organization")
        .order_by("-created_at", "period_end")[:50]
    )
    return render(
        request,
        "orglife/todo.html",
        {
            "todo": todo,
            "todo_sections": queries.todo_sections(todo),
            "today": today,
            "reminders": reminders,
            "breadcrumbs": [("落实情况", reverse("orglife:compliance")), ("待办事项", None)],
        },
    )


@require("orglife.manage_requirements")
def requirement_list(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    rows = list(MeetingRequirement.objects.filter(year=year).order_by("kind"))
    years = sorted(set(MeetingRequirement.objects.values_list("year", flat=True)))
    return render(
        request,
        "orglife/requirement_list.html",
        {
            "rows": rows,
            "year": year,
            "years": years,
            "copy_form": CopyRequirementsForm(initial={"from_year": year, "to_year": year + 1}),
            "policy_form": PolicyForm(instance=OrgLifePolicy.current()),
            "breadcrumbs": [("组织生活要求", None)],
        },
    )


@require("orglife.manage_requirements")
def requirement_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not has_perm_anywhere(request.user, "orglife.manage_requirements"):
        raise PermissionDenied
    req = MeetingRequirement.objects.filter(pk=pk).first()
    if req is None:
        from django.http import Http404

        raise Http404("未找到该要求")
    if req.year < timezone.localdate().year:
        messages.error(request, "往年的要求保持不变，不能修改")
        return redirect(reverse("orglife:requirement-list") + f"?year={req.year}")
    form = RequirementForm(request.POST or None, instance=req)
    if request.method == "POST" and form.is_valid():
        services.update_requirement(
            actor=request.user,
            requirement=req,
            data={
                k: form.cleaned_data[k]
                for k in ("period", "min_count", "org_kinds", "expected", "coverage", "is_active")
            },
        )
        messages.success(request, "要求已保存")
        return redirect(reverse("orglife:requirement-list") + f"?year={req.year}")
    return render(
        request,
        "orglife/requirement_form.html",
        {
            "form": form,
            "requirement": req,
            "breadcrumbs": [
                ("组织生活要求", reverse("orglife:requirement-list") + f"?year={req.year}"),
                (str(req), None),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@require("orglife.manage_requirements")
@require_POST
def requirement_copy(request: AuthenticatedRequest) -> HttpResponse:
    form = CopyRequirementsForm(request.POST)
    if form.is_valid():
        try:
            n = services.copy_requirements(actor=request.user, **form.cleaned_data)
        except services.OrgLifeError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已复制 {n} 项要求到 {form.cleaned_data['to_year']} 年")
            return redirect(reverse("orglife:requirement-list") + f"?year={form.cleaned_data['to_year']}")
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return redirect("orglife:requirement-list")


@require("orglife.manage_requirements")
@require_POST
def policy_update(request: AuthenticatedRequest) -> HttpResponse:
    form = PolicyForm(request.POST, instance=OrgLifePolicy.current())
    if form.is_valid():
        services.update_policy(actor=request.user, data={k: form.cleaned_data[k] for k in form.fields})
        messages.success(request, "组织生活设置已保存")
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return redirect("orglife:requirement-list")


@require("orglife.view")
def leaders(request: AuthenticatedRequest) -> HttpResponse:
    """双重组织生活: each leading cadre's attendance at their branch and at the 民主生活会."""
    year = _year(request)
    page = paginate(request, queries.leaders_for_user(request.user, year), 30)
    rows = queries.leader_attendance(list(page.object_list), year)
    return render(
        request,
        "orglife/leaders.html",
        {
            "rows": rows,
            "page": page,
            "query": query_without_page(request),
            "year": year,
            "years": range(timezone.localdate().year - 3, timezone.localdate().year + 2),
            "breadcrumbs": [
                ("落实情况", reverse("orglife:compliance") + f"?year={year}"),
                ("双重组织生活", None),
            ],
        },
    )
