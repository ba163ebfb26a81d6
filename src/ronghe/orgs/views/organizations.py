"""Organization pages: the scoped tree, detail with officers and warnings, forms, move, warning list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.charts import render_or_export
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import can, get_for_user_or_404
from ronghe.orgs import services
from ronghe.orgs.choices import OfficerPost
from ronghe.orgs.forms import (
    DissolveForm,
    EndForm,
    MoveForm,
    OfficerForm,
    OrganizationForm,
    OrgFilterForm,
    WarningFilterForm,
    WorkerForm,
)
from ronghe.orgs.models import Officer, Organization, PartyWorker
from ronghe.orgs.queries import org_rows, organizations_for_user
from ronghe.orgs.unit_sections import organization_sections_for

POST_ORDER = list(OfficerPost.values)


def _crumbs(org: Organization | None = None, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = [("党组织", reverse("orgs:organization-list"))]
    if org is not None:
        out.append((org.name, reverse("orgs:organization-detail", args=[org.code])))
    return out + list(tail)


@require("orgs.view")
def organization_list(request: HttpRequest) -> HttpResponse:
    form = OrgFilterForm(request.GET or None)
    rows = org_rows(organizations_for_user(request.user), timezone.localdate())
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            rows = [r for r in rows if data["q"] in r.org.name]
        if data["kind"]:
            rows = [r for r in rows if r.org.kind == data["kind"]]
        if data["warnings"] == "any":
            rows = [r for r in rows if r.warnings]
        elif data["warnings"] == "danger":
            rows = [r for r in rows if any(w.level == "danger" for w in r.warnings)]
    return render_page_or_partial(
        request,
        "orgs/organization_list.html",
        {
            "form": form,
            "page": paginate(request, rows, 50),
            "query": query_without_page(request),
            "can_create": bool(organizations_for_user(request.user, "orgs.edit").exists()),
            "breadcrumbs": [("党组织", None)],
        },
    )


@require("orgs.view")
def organization_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = get_for_user_or_404(
        Organization.objects.select_related("unit", "parent"), request.user, perm="orgs.view", code=code
    )
    rows = org_rows(org.subtree(), timezone.localdate())
    own = next(r for r in rows if r.org.pk == org.pk)
    children = [r for r in rows if r.org.parent_id == org.pk]
    editable = org.is_active and can(request.user, "orgs.edit", org)  # a dissolved one is history only
    today = timezone.localdate()
    return render_or_export(
        request,
        "orgs/organization_detail.html",
        {
            "org": org,
            "row": own,
            "children": children,
            "officers": sorted(
                Officer.objects.filter(organization=org).select_related("member"),
                key=lambda o: (o.ended_on is not None, POST_ORDER.index(o.post), o.started_on),
            ),
            "workers": PartyWorker.objects.filter(organization=org),
            "joint_units": org.joint_units.all(),
            "editable": editable,
            "officer_form": OfficerForm(org=org, initial={"started_on": today}) if editable else None,
            "worker_form": WorkerForm(initial={"started_on": today}) if editable else None,
            "today": today,
            "sections": organization_sections_for(request, org),
            "breadcrumbs": _crumbs(None, (org.name, None)),
        },
    )


@require("orgs.edit")
@require_http_methods(["GET", "POST"])
def organization_create(request: AuthenticatedRequest) -> HttpResponse:
    initial = {}
    parent_code = request.GET.get("parent")
    if parent_code:
        initial["parent"] = parent_code
    form = OrganizationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organization(actor=request.user, **form.service_kwargs())
        except services.OrganizationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已新建党组织“{org.name}”。")
            return redirect("orgs:organization-detail", code=org.code)
    return render(
        request,
        "orgs/organization_form.html",
        {"form": form, "title": "新建党组织", "breadcrumbs": _crumbs(None, ("新建", None))},
    )


@require("orgs.edit")
@require_http_methods(["GET", "POST"])
def organization_update(request: AuthenticatedRequest, code: str) -> HttpResponse:
    org = get_for_user_or_404(Organization, request.user, perm="orgs.edit", code=code)
    form = OrganizationForm(
        request.POST or None, instance=Organization.objects.get(pk=org.pk), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization(actor=request.user, org=org, **form.service_kwargs())
        except services.OrganizationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:organization-detail", code=org.code)
    return render(
        request,
        "orgs/organization_form.html",
        {"form": form, "org": org, "title": f"编辑：{org.name}", "breadcrumbs": _crumbs(org, ("编辑", None))},
    )


@require("orgs.edit")
@require_http_methods(["GET", "POST"])
def organization_move(request: AuthenticatedRequest, code: str) -> HttpResponse:
    org = get_for_user_or_404(
        Organization.objects.select_related("parent"), request.user, perm="orgs.edit", code=code
    )
    form = MoveForm(request.POST or None, user=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_subtree(actor=request.user, org=org, new_parent=form.cleaned_data["new_parent"])
        except services.OrganizationError as exc:
            form.add_error("new_parent", str(exc))
        else:
            messages.success(
                request, f"已将“{org.name}”及其下级组织移至“{form.cleaned_data['new_parent'].name}”。"
            )
            return redirect("orgs:organization-detail", code=org.code)
    return render(
        request,
        "orgs/organization_move.html",
        {
            "form": form,
            "org": org,
            "subtree_size": org.subtree().count(),
            "breadcrumbs": _crumbs(org, ("移动", None)),
        },
    )


@require("orgs.edit")
@require_http_methods(["GET", "POST"])
def organization_dissolve(request: AuthenticatedRequest, code: str) -> HttpResponse:
    org = get_for_user_or_404(
        Organization.objects.select_related("parent"), request.user, perm="orgs.edit", code=code
    )
    today = timezone.localdate()
    form = DissolveForm(request.POST or None, initial={"dissolved_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.dissolve_organization(
                actor=request.user,
                org=org,
                on=data["dissolved_on"],
                approval_ref=data["approval_ref"],
                today=today,
            )
        except services.OrganizationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已撤销“{org.name}”，撤销日期 {data['dissolved_on']:%Y-%m-%d}。")
            return redirect("orgs:organization-detail", code=org.code)
    return render(
        request,
        "orgs/organization_dissolve.html",
        {
            "form": form,
            "org": org,
            "roles": services.dissolved_roles(org).select_related("user").order_by("user__username", "role"),
            "breadcrumbs": _crumbs(org, ("撤销", None)),
        },
        status=422 if request.method == "POST" else 200,
    )


def _back_to(org: Organization) -> HttpResponse:
    return redirect(reverse("orgs:organization-detail", args=[org.code]) + "#officers")


def _apply_on_detail(
    request: HttpRequest,
    org: Organization,
    form: BaseForm,
    action: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate `form`, run the service `action` on its data, report in a message, back to the org page."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except services.OrganizationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
    else:
        messages.error(request, _first_error(form))
    return _back_to(org)


@require("orgs.edit")
@require_POST
def officer_create(request: AuthenticatedRequest, code: str) -> HttpResponse:
    org = get_for_user_or_404(Organization, request.user, perm="orgs.edit", code=code)
    return _apply_on_detail(
        request,
        org,
        OfficerForm(request.POST, org=org),
        lambda data: services.appoint_officer(actor=request.user, org=org, **data),
        "已登记班子成员。",
    )


@require("orgs.edit")
@require_POST
def officer_end(request: AuthenticatedRequest, code: str) -> HttpResponse:
    officer = get_for_user_or_404(
        Officer.objects.select_related("organization"), request.user, perm="orgs.edit", code=code
    )
    return _apply_on_detail(
        request,
        officer.organization,
        EndForm(request.POST),
        lambda data: services.end_officer(actor=request.user, officer=officer, ended_on=data["ended_on"]),
        "已办理离任。",
    )


@require("orgs.edit")
@require_POST
def worker_create(request: AuthenticatedRequest, code: str) -> HttpResponse:
    org = get_for_user_or_404(Organization, request.user, perm="orgs.edit", code=code)
    return _apply_on_detail(
        request,
        org,
        WorkerForm(request.POST),
        lambda data: services.add_party_worker(actor=request.user, org=org, **data),
        "已登记党务干部。",
    )


@require("orgs.edit")
@require_POST
def worker_end(request: AuthenticatedRequest, code: str) -> HttpResponse:
    worker = get_for_user_or_404(
        PartyWorker.objects.select_related("organization"), request.user, perm="orgs.edit", code=code
    )
    return _apply_on_detail(
        request,
        worker.organization,
        EndForm(request.POST),
        lambda data: services.end_party_worker(actor=request.user, worker=worker, ended_on=data["ended_on"]),
        "已办理离任。",
    )


def _first_error(form: BaseForm) -> str:
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}：{errs[0]}" if label else str(errs[0])
    return "输入有误"


@require("orgs.view")
def warning_list(request: HttpRequest) -> HttpResponse:
    form = WarningFilterForm(request.GET or None)
    rows = org_rows(organizations_for_user(request.user), timezone.localdate())
    items = [(r, w) for r in rows for w in r.warnings]
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            items = [(r, w) for r, w in items if r.org.kind == data["kind"]]
        if data["code"]:
            items = [(r, w) for r, w in items if w.code == data["code"]]
        if data["level"]:
            items = [(r, w) for r, w in items if w.level == data["level"]]
    return render_page_or_partial(
        request,
        "orgs/warning_list.html",
        {
            "form": form,
            "page": paginate(request, items, 50),
            "query": query_without_page(request),
            "breadcrumbs": _crumbs(None, ("预警", None)),
        },
    )
