"""问题线索和案件: the list, receiving a clue, a case's page and its steps. 纪检 only (404 for others);
every case read audited."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_each_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import has_perm_anywhere, has_perm_at, within_requested
from ronghe.discipline import queries, rules, services
from ronghe.discipline.choices import OPEN_STATES, CaseAction
from ronghe.discipline.forms import (
    CaseFilterForm,
    ClueForm,
    SanctionRevokeForm,
    SanctionUpdateForm,
    StepForm,
)
from ronghe.discipline.views._common import AREA, members_for


@require(queries.VIEW, hide=True)
@require_GET
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    qs, scope_org = within_requested(
        queries.cases_for_user(request.user), request.GET.get("org", ""), request.user, queries.VIEW
    )
    if form.is_valid():
        d = form.cleaned_data
        if d["year"]:
            qs = qs.filter(received_on__year=d["year"])
        if d["state"]:
            qs = qs.filter(state=d["state"])
        if d["open"]:
            qs = qs.filter(state__in=OPEN_STATES)
        if d["q"]:
            qs = qs.filter(member__name__contains=d["q"])
    page = paginate(request, qs.order_by("-received_on", "-id"))
    queries.audit_list(request.user, "page", page.object_list)
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "can_create": has_perm_anywhere(request.user, rules.MANAGE),
        "scope_org": scope_org,
        "breadcrumbs": [(AREA, None), ("问题线索和案件", None)],
    }
    return render_page_or_partial(request, "discipline/case_list.html", context)


@require(rules.MANAGE, hide=True)
@require_http_methods(["GET", "POST"])
def case_create(request: AuthenticatedRequest) -> HttpResponse:
    form = ClueForm(
        request.POST or None, members=members_for(request.user), initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.receive_clue(actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, "已受理问题线索")
            return redirect("discipline:case-detail", code=case.code)
    context = {
        "form": form,
        "breadcrumbs": [
            (AREA, None),
            ("问题线索和案件", reverse("discipline:case-list")),
            ("受理问题线索", None),
        ],
    }
    return render(request, "discipline/case_form.html", context, status=422 if form.errors else 200)


@require(queries.VIEW, hide=True)
@require_GET
def case_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    case = queries.case_for_user_or_404(request.user, code)
    can_manage = has_perm_at(request.user, rules.MANAGE, case.organization.path)
    context = {
        "case": case,
        "history": queries.history(case),
        "sanctions": list(case.sanctions.all()),
        "can_manage": can_manage,
        "actions": [(a, CaseAction(a).label) for a in services.allowed_actions(case)] if can_manage else [],
        "breadcrumbs": [(AREA, None), ("问题线索和案件", reverse("discipline:case-list")), (str(case), None)],
    }
    return render(request, "discipline/case_detail.html", context)


@require(rules.MANAGE, hide=True)
@require_http_methods(["GET", "POST"])
def case_step(request: AuthenticatedRequest, code: UUID, action: str) -> HttpResponse:
    if action not in CaseAction.values:
        raise Http404("没有这个步骤")
    case = queries.case_for_user_or_404(request.user, code, perm=rules.MANAGE)
    if action not in services.allowed_actions(case):
        messages.error(request, f"“{case.get_state_display()}”状态的案件不能{CaseAction(action).label}")
        return redirect("discipline:case-detail", code=case.code)
    today = timezone.localdate()
    form = StepForm(request.POST or None, action=action, initial={"on": today, "starts_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.advance_case(actor=request.user, case=case, action=action, **form.service_kwargs())
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, f"已办理“{CaseAction(action).label}”")
            return redirect("discipline:case-detail", code=case.code)
    context = {
        "case": case,
        "form": form,
        "action_label": CaseAction(action).label,
        "breadcrumbs": [
            (AREA, None),
            ("问题线索和案件", reverse("discipline:case-list")),
            (str(case), reverse("discipline:case-detail", args=[case.code])),
            (CaseAction(action).label, None),
        ],
    }
    return render(request, "discipline/step_form.html", context, status=422 if form.errors else 200)


def _sanction_page(request: AuthenticatedRequest, code: UUID, pk: int, *, revoke: bool) -> HttpResponse:
    """更正 or 撤销 one sanction of a case (纪检 of the case's scope only; everyone else finds nothing)."""
    case = queries.case_for_user_or_404(request.user, code, perm=rules.MANAGE)
    sanction = case.sanctions.filter(pk=pk).first()
    if sanction is None:
        raise Http404("未找到该处分")
    label = "撤销处分" if revoke else "更正处分"
    if sanction.revoked_on is not None:
        messages.error(request, f"该处分已于 {sanction.revoked_on.isoformat()} 撤销，不能再修改或撤销")
        return redirect("discipline:case-detail", code=case.code)
    data = request.POST if request.method == "POST" else None
    form: SanctionRevokeForm | SanctionUpdateForm
    if revoke:
        form = SanctionRevokeForm(data, initial={"on": timezone.localdate()})
    else:
        form = SanctionUpdateForm(
            data,
            initial={
                "starts_on": sanction.starts_on,
                "ends_on": sanction.ends_on,
                "document_number": sanction.document_number,
            },
        )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if revoke:
                services.revoke_sanction(
                    actor=request.user, sanction=sanction, reason=d["reason"], on=d["on"]
                )
            else:
                services.update_sanction(
                    actor=request.user,
                    sanction=sanction,
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    document_number=d["document_number"],
                    reason=d["reason"],
                )
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, f"已{label}“{sanction.get_kind_display()}”")
            return redirect("discipline:case-detail", code=case.code)
    context = {
        "case": case,
        "form": form,
        "action_label": label,
        "breadcrumbs": [
            (AREA, None),
            ("问题线索和案件", reverse("discipline:case-list")),
            (str(case), reverse("discipline:case-detail", args=[case.code])),
            (label, None),
        ],
    }
    return render(request, "discipline/step_form.html", context, status=422 if form.errors else 200)


@require(rules.MANAGE, hide=True)
@require_http_methods(["GET", "POST"])
def sanction_update(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    return _sanction_page(request, code, pk, revoke=False)


@require(rules.MANAGE, hide=True)
@require_http_methods(["GET", "POST"])
def sanction_revoke(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    return _sanction_page(request, code, pk, revoke=True)
