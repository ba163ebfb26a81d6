"""三结对五联系 and contact points: the list with counts, one partner with its contact records and issues."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, scoped
from ronghe.orgs.models import Organization
from ronghe.outreach import pairing as services
from ronghe.outreach.forms import PairingForm, VisitForm
from ronghe.outreach.models import ContactVisit, Pairing


def _nodes(request: AuthenticatedRequest) -> list[Organization]:
    return list(
        scoped(Organization.objects.filter(is_active=True), request.user, services.EDIT).order_by("path")[
            :200
        ]
    )


@require(services.VIEW)
def pairing_list(request: AuthenticatedRequest) -> HttpResponse:
    nodes = _nodes(request)
    form = PairingForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and nodes and form.is_valid():
        try:
            org = next(n for n in nodes if n.code == UUID(request.POST.get("org", "")))
        except (ValueError, StopIteration):
            form.add_error(None, "请选择您有权维护的党组织")
        else:
            try:
                pairing = services.add_pairing(actor=request.user, organization=org, data=form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "已添加结对联系")
                return redirect("outreach:pairing-detail", code=pairing.code)
    page = paginate(
        request,
        services.pairings_for_user(request.user).order_by("organization__path", "kind", "id"),
        per_page=30,
    )
    return render_page_or_partial(
        request,
        "outreach/pairing_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "nodes": nodes,
            "form": form,
            "counts": services.counts_by_kind(request.user, timezone.localdate().year),
        },
    )


def _pairing(request: AuthenticatedRequest, code: UUID, perm: str = services.VIEW) -> Pairing:
    return get_for_user_or_404(
        Pairing.objects.select_related("organization"), request.user, perm=perm, code=code
    )


@require(services.VIEW)
def pairing_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    pairing = _pairing(request, code)
    can_edit = has_perm_at(request.user, services.EDIT, pairing.organization.path)
    form = VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and can_edit and form.is_valid():
        try:
            services.record_visit(actor=request.user, pairing=pairing, data=form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已记录联系情况")
            return redirect("outreach:pairing-detail", code=pairing.code)
    visits = list(pairing.visits.all())
    proofs = services.evidence_of_visits([v.pk for v in visits])
    return render(
        request,
        "outreach/pairing_detail.html",
        {
            "pairing": pairing,
            "visits": [(v, proofs.get(v.pk, [])) for v in visits],
            "form": form,
            "can_edit": can_edit,
            "today": timezone.localdate(),
        },
    )


@require(services.EDIT)
@require_POST
def visit_close(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    pairing = _pairing(request, code, services.EDIT)
    visit = ContactVisit.objects.filter(pairing=pairing, pk=pk).first()
    try:
        if visit is None:
            raise DomainError("联系记录不存在", "outcome")
        services.close_issue(
            actor=request.user,
            visit=visit,
            outcome=request.POST.get("outcome", ""),
            evidence_file=request.FILES.get("file"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "问题已办结")
    return redirect("outreach:pairing-detail", code=pairing.code)
