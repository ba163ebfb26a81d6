"""Unit pages: the register (list, filters), a unit's page (its Party organizations, leaders, departments and
the sections other apps add), create and edit by 工委 staff, and the leaders and departments."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.charts import render_or_export
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import OutOfScope
from ronghe.orgs import services
from ronghe.orgs.forms import (
    DepartmentForm,
    LeaderForm,
    UnitFilterForm,
    UnitForm,
    department_initial,
    leader_initial,
)
from ronghe.orgs.models import Department, Leader, Organization, Unit
from ronghe.orgs.queries import unit_for_user_or_404, unit_rows, units_for_user
from ronghe.orgs.unit_sections import sections_for


def _crumbs(unit: Unit | None = None, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = [("单位", reverse("orgs:unit-list"))]
    if unit is not None:
        out.append((unit.name, reverse("orgs:unit-detail", args=[unit.code])))
    return out + list(tail)


@require("orgs.view")
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET or None)
    units = units_for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            units = units.filter(Q(name__contains=q) | Q(short_name__contains=q) | Q(credit_code=q.upper()))
        if data["kind"]:
            units = units.filter(kind=data["kind"])
    return render_page_or_partial(
        request,
        "orgs/unit_list.html",
        {
            "form": form,
            "page": paginate(request, unit_rows(units), 50),
            "query": query_without_page(request),
            "can_manage": services.can_manage_units(request.user),
            "breadcrumbs": [("单位", None)],
        },
    )


def _unit_write(request: HttpRequest, code: UUID) -> Unit:
    """The unit if the user sees it (404) and keeps the register for it (403)."""
    unit = unit_for_user_or_404(request.user, code)
    if not services.can_manage_units(request.user, unit):
        raise PermissionDenied("您没有执行此操作的权限")
    return unit


def _detail_context(request: HttpRequest, unit: Unit, **forms: Any) -> dict[str, Any]:
    manage = services.can_manage_units(request.user, unit)
    own = Organization.objects.filter(unit=unit).order_by("path")
    joint = unit.joint_organizations.exclude(unit=unit).order_by("path")
    ctx: dict[str, Any] = {
        "unit": unit,
        "organizations": list(own) + list(joint),
        "leaders": list(unit.leaders.select_related("member")),
        "departments": list(unit.departments.all()),
        "can_manage": manage,
        "leader_form": forms.get("leader_form") or (LeaderForm(unit=unit) if manage else None),
        "department_form": forms.get("department_form") or (DepartmentForm() if manage else None),
        "sections": sections_for(request, unit),
        "breadcrumbs": _crumbs(None, (unit.name, None)),
    }
    return ctx


@require("orgs.view")
def unit_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    unit = unit_for_user_or_404(request.user, code)
    return render_or_export(request, "orgs/unit_detail.html", _detail_context(request, unit))


@require("orgs.edit")
@require_http_methods(["GET", "POST"])
def unit_create(request: AuthenticatedRequest) -> HttpResponse:
    if not services.can_manage_units(request.user):
        raise PermissionDenied("您没有执行此操作的权限")
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已登记单位“{unit.name}”。")
            return redirect("orgs:unit-detail", code=unit.code)
    context = {"form": form, "title": "登记单位", "breadcrumbs": _crumbs(None, ("登记单位", None))}
    return render(request, "orgs/unit_form.html", context, status=422 if form.errors else 200)


@require("orgs.edit")
@require_http_methods(["GET", "POST"])
def unit_update(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    unit = _unit_write(request, code)
    initial = {f: getattr(unit, f) for f in services.UNIT_FIELDS}
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(actor=request.user, unit=unit, **form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:unit-detail", code=unit.code)
    context = {
        "form": form,
        "unit": unit,
        "title": f"编辑：{unit.name}",
        "breadcrumbs": _crumbs(unit, ("编辑", None)),
    }
    return render(request, "orgs/unit_form.html", context, status=422 if form.errors else 200)


def _refused(request: HttpRequest, unit: Unit, **forms: Any) -> HttpResponse:
    return render(request, "orgs/unit_detail.html", _detail_context(request, unit, **forms), status=422)


@require("orgs.edit")
@require_POST
def leader_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    unit = _unit_write(request, code)
    form = LeaderForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            services.save_leader(actor=request.user, unit=unit, **form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已登记单位领导。")
            return redirect(reverse("orgs:unit-detail", args=[unit.code]) + "#leaders")
    return _refused(request, unit, leader_form=form)


@require("orgs.edit")
@require_POST
def department_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    unit = _unit_write(request, code)
    form = DepartmentForm(request.POST)
    if form.is_valid():
        try:
            services.save_department(actor=request.user, unit=unit, **form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已登记业务部门。")
            return redirect(reverse("orgs:unit-detail", args=[unit.code]) + "#departments")
    return _refused(request, unit, department_form=form)


def _part(request: HttpRequest, model: type[Leader] | type[Department], code: UUID) -> Any:
    """A leader or department of a unit the user sees (404) and keeps the register for (403)."""
    part = model.objects.select_related("unit").filter(code=code).first()
    if part is None:
        raise OutOfScope("未找到或无权访问")
    _unit_write(request, part.unit.code)
    return part


@require("orgs.edit")
@require_http_methods(["GET", "POST"])
def leader_update(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    leader: Leader = _part(request, Leader, code)
    form = LeaderForm(request.POST or None, unit=leader.unit, initial=leader_initial(leader))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_leader(actor=request.user, unit=leader.unit, leader=leader, **form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(reverse("orgs:unit-detail", args=[leader.unit.code]) + "#leaders")
    context = {
        "form": form,
        "title": f"编辑单位领导：{leader.name}",
        "breadcrumbs": _crumbs(leader.unit, ("编辑单位领导", None)),
    }
    return render(request, "orgs/unit_form.html", context, status=422 if form.errors else 200)


@require("orgs.edit")
@require_http_methods(["GET", "POST"])
def department_update(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    department: Department = _part(request, Department, code)
    form = DepartmentForm(request.POST or None, initial=department_initial(department))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_department(
                actor=request.user, unit=department.unit, department=department, **form.service_kwargs()
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(reverse("orgs:unit-detail", args=[department.unit.code]) + "#departments")
    context = {
        "form": form,
        "title": f"编辑业务部门：{department.name}",
        "breadcrumbs": _crumbs(department.unit, ("编辑业务部门", None)),
    }
    return render(request, "orgs/unit_form.html", context, status=422 if form.errors else 200)


@require("orgs.edit")
@require_POST
def leader_remove(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    leader: Leader = _part(request, Leader, code)
    services.remove_leader(actor=request.user, leader=leader)
    messages.success(request, f"已删除单位领导“{leader.name}”。")
    return redirect(reverse("orgs:unit-detail", args=[leader.unit.code]) + "#leaders")


@require("orgs.edit")
@require_POST
def department_remove(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    department: Department = _part(request, Department, code)
    try:
        services.remove_department(actor=request.user, department=department)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除业务部门“{department.name}”。")
    return redirect(reverse("orgs:unit-detail", args=[department.unit.code]) + "#departments")
