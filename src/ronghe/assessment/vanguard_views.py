"""党员先锋岗 pages: the list, setting one up for a branch, its milestones and 结项."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.assessment import vanguards
from ronghe.assessment.choices import VanguardKind, VanguardState
from ronghe.assessment.forms import CloseForm, MilestoneForm, VanguardForm
from ronghe.assessment.models import KpiDefinition, Milestone, Vanguard
from ronghe.core.errors import DomainError, add_each_to_form, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, scoped
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization


@require(vanguards.VIEW)
def vanguard_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = vanguards.visible(request.user)
    year = request.GET.get("year", "")
    kind = request.GET.get("kind", "")
    org = request.GET.get("org", "")
    if year.isdigit():
        rows = rows.filter(year=int(year))
    if kind in VanguardKind.values:
        rows = rows.filter(kind=kind)
    if org:
        try:
            rows = rows.filter(organization__code=UUID(org))
        except ValueError:
            rows = rows.none()
    page = paginate(request, rows.order_by("-year", "organization__path", "id"), per_page=20)
    nodes = scoped(Organization.objects.all(), request.user, vanguards.EDIT).order_by("path")[:200]
    return render_page_or_partial(
        request,
        "assessment/vanguard_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "year": year,
            "kind": kind,
            "kinds": VanguardKind.choices,
            "nodes": nodes,
        },
    )


def _node(request: AuthenticatedRequest) -> Organization:
    try:
        code = UUID(request.GET.get("org", ""))
    except ValueError:
        raise Http404 from None
    org = Organization.objects.filter(code=code).first()
    if org is None or not has_perm_at(request.user, vanguards.EDIT, org.path):
        raise Http404
    return org


@require(vanguards.EDIT)
def vanguard_create(request: AuthenticatedRequest) -> HttpResponse:
    org = _node(request)
    year = timezone.localdate().year
    kpis = (
        list(KpiDefinition.objects.filter(unit_id=org.unit_id, year__gte=year - 1).order_by("-year", "code"))
        if org.unit_id is not None
        else []
    )
    members = list(
        Member.objects.filter(organization__path__startswith=org.path, status__in=ACTIVE_STATUSES).order_by(
            "name"
        )[:300]
    )
    form = VanguardForm(
        request.POST or None,
        initial={"year": year},
        kinds=VanguardKind.choices,
        kpis=[(str(k.pk), f"{k.year} {k.name}（{k.code}）") for k in kpis],
        members=[(str(m.pk), m.name) for m in members],
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        kpi = next((k for k in kpis if str(k.pk) == d["kpi"]), None)
        try:
            vanguard = vanguards.create(
                actor=request.user,
                organization=org,
                data=d | {"kpi": kpi},
                member_ids=[int(x) for x in d["members"]],
            )
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, "已设立")
            return redirect("assessment:vanguard-detail", code=vanguard.code)
    return render(
        request,
        "assessment/vanguard_form.html",
        {"form": form, "org": org},
        status=400 if form.errors else 200,
    )


def _vanguard(request: AuthenticatedRequest, code: UUID) -> Vanguard:
    return get_for_user_or_404(
        Vanguard.objects.select_related("organization", "kpi"), request.user, perm=vanguards.VIEW, code=code
    )


@require(vanguards.VIEW)
def vanguard_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _detail_page(request, code)


def _detail_page(
    request: AuthenticatedRequest, code: UUID, forms: dict[str, Any] | None = None
) -> HttpResponse:
    vanguard = _vanguard(request, code)
    can_edit = vanguard.state == VanguardState.ACTIVE and has_perm_at(
        request.user, vanguards.EDIT, vanguard.organization.path
    )
    ctx: dict[str, Any] = {
        "vanguard": vanguard,
        "members": vanguard.members.order_by("name"),
        "milestones": vanguard.milestones.all(),
        "can_edit": can_edit,
        "today": timezone.localdate(),
        "milestone_form": MilestoneForm(),
        "close_form": CloseForm(),
        "breadcrumbs": [("党员先锋岗", reverse("assessment:vanguard-list")), (vanguard.name, None)],
    }
    ctx |= forms or {}
    return render(request, "assessment/vanguard_detail.html", ctx, status=400 if forms else 200)


@require(vanguards.EDIT)
@require_POST
def vanguard_milestone(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    vanguard = _vanguard(request, code)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            vanguards.add_milestone(actor=request.user, vanguard=vanguard, **form.cleaned_data)
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            return redirect("assessment:vanguard-detail", code=code)
    return _detail_page(request, code, {"milestone_form": form})


@require(vanguards.EDIT)
@require_POST
def milestone_done(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    vanguard = _vanguard(request, code)
    milestone = Milestone.objects.filter(vanguard=vanguard, pk=pk).first()
    if milestone is None:
        raise Http404
    try:
        vanguards.complete_milestone(actor=request.user, milestone=milestone, done_on=timezone.localdate())
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:vanguard-detail", code=code)


@require(vanguards.EDIT)
@require_POST
def vanguard_close(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    vanguard = _vanguard(request, code)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            vanguards.close(actor=request.user, vanguard=vanguard, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已结项")
            return redirect("assessment:vanguard-detail", code=code)
    return _detail_page(request, code, {"close_form": form})
