"""廉政风险点: the list (overdue reviews first), registering one, its page with the review history and
the periodic review. 纪检 only (404 for others)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.errors import DomainError, add_each_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere, has_perm_at
from ronghe.discipline import queries, rules, services
from ronghe.discipline.forms import RiskFilterForm, RiskForm, RiskReviewForm
from ronghe.discipline.models import Risk
from ronghe.discipline.views._common import AREA, organizations_for


def _risk(request: AuthenticatedRequest, code: UUID, perm: str = queries.VIEW) -> Risk:
    return get_for_user_or_404(
        Risk.objects.select_related("organization"), request.user, perm=perm, code=code
    )


@require(queries.VIEW, hide=True)
@require_GET
def risk_list(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    form = RiskFilterForm(request.GET or None)
    qs = queries.risks_for_user(request.user)
    if form.is_valid():
        if form.cleaned_data["level"]:
            qs = qs.filter(level=form.cleaned_data["level"])
        if form.cleaned_data["overdue"]:
            qs = queries.overdue_risks(qs, today)
    page = paginate(request, qs.order_by("next_review_on", "id"))
    context = {
        "form": form,
        "page": page,
        "today": today,
        "query": query_without_page(request),
        "can_create": has_perm_anywhere(request.user, rules.MANAGE),
        "breadcrumbs": [(AREA, None), ("廉政风险点", None)],
    }
    return render_page_or_partial(request, "discipline/risk_list.html", context)


@require(rules.MANAGE, hide=True)
@require_http_methods(["GET", "POST"])
def risk_create(request: AuthenticatedRequest) -> HttpResponse:
    form = RiskForm(request.POST or None, organizations=organizations_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.create_risk(actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, "已登记廉政风险点")
            return redirect("discipline:risk-detail", code=risk.code)
    context = {
        "form": form,
        "title": "登记廉政风险点",
        "cancel_url": reverse("discipline:risk-list"),
        "breadcrumbs": [(AREA, None), ("廉政风险点", reverse("discipline:risk-list")), ("登记", None)],
    }
    return render(request, "discipline/risk_form.html", context, status=422 if form.errors else 200)


def _detail(request: AuthenticatedRequest, risk: Risk, form: RiskReviewForm | None = None) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "risk": risk,
        "reviews": list(risk.reviews.select_related("reviewer")),
        "overdue": rules.is_review_overdue(risk.next_review_on, today),
        "can_review": has_perm_at(request.user, rules.MANAGE, risk.organization.path),
        "form": form or RiskReviewForm(initial={"reviewed_on": today, "level": risk.level}),
        "breadcrumbs": [(AREA, None), ("廉政风险点", reverse("discipline:risk-list")), (risk.post, None)],
    }
    return render(
        request, "discipline/risk_detail.html", context, status=422 if form and form.errors else 200
    )


@require(queries.VIEW, hide=True)
@require_GET
def risk_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    risk = _risk(request, code)
    audit.record("discipline.risk_view", actor=request.user, obj=risk, org_path=risk.organization.path)
    return _detail(request, risk)


@require(rules.MANAGE, hide=True)
@require_POST
def risk_review(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    risk = _risk(request, code, perm=rules.MANAGE)
    form = RiskReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_risk(actor=request.user, risk=risk, **form.service_kwargs())
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, "已记录复核")
            return redirect("discipline:risk-detail", code=risk.code)
    return _detail(request, risk, form)
