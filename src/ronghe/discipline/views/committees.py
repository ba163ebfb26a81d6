"""纪检组织: each unit's 机关纪委 / 纪检组 / 纪检委员 and who sits on it, beside the branches' 纪检委员
recorded as officers in orgs. 纪检 only (404 for others)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_each_to_form
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.discipline import queries, rules, services
from ronghe.discipline.forms import CommitteeForm, SeatForm
from ronghe.discipline.models import Committee
from ronghe.discipline.views._common import AREA, members_for, organizations_for


@require(queries.VIEW, hide=True)
@require_GET
def committee_list(request: AuthenticatedRequest) -> HttpResponse:
    can_manage = has_perm_anywhere(request.user, rules.MANAGE)
    committees = list(queries.committees_for_user(request.user))
    members = members_for(request.user) if can_manage else None
    context = {
        "committees": [
            (
                c,
                SeatForm(
                    members=members, prefix=f"seat-{c.code}", initial={"started_on": timezone.localdate()}
                ),
            )
            if members is not None
            else (c, None)
            for c in committees
        ],
        "can_manage": can_manage,
        "breadcrumbs": [(AREA, None), ("纪检组织", None)],
    }
    return render(request, "discipline/committee_list.html", context)


@require(rules.MANAGE, hide=True)
@require_http_methods(["GET", "POST"])
def committee_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CommitteeForm(request.POST or None, organizations=organizations_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.create_committee(actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, "已设立纪检组织")
            return redirect("discipline:committee-list")
    context = {
        "form": form,
        "title": "设立纪检组织",
        "cancel_url": reverse("discipline:committee-list"),
        "breadcrumbs": [(AREA, None), ("纪检组织", reverse("discipline:committee-list")), ("设立", None)],
    }
    return render(request, "discipline/risk_form.html", context, status=422 if form.errors else 200)


@require(rules.MANAGE, hide=True)
@require_POST
def seat_add(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    committee = get_for_user_or_404(
        Committee.objects.select_related("organization"), request.user, perm=rules.MANAGE, code=code
    )
    form = SeatForm(request.POST, members=members_for(request.user), prefix=f"seat-{committee.code}")
    if form.is_valid():
        try:
            services.add_seat(actor=request.user, committee=committee, **form.service_kwargs())
        except DomainError as exc:
            add_each_to_form(form, exc)
    if form.errors:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        messages.success(request, "已增加纪检委员")
    return redirect("discipline:committee-list")
