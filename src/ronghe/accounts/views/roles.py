"""Role grants (安全管理员): the list of assignments in scope, grant and revoke."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from ronghe.accounts import hygiene, services
from ronghe.accounts.choices import Role
from ronghe.accounts.forms import GrantRoleForm, RoleFilterForm
from ronghe.accounts.http import AuthenticatedRequest
from ronghe.accounts.models import RoleAssignment, User
from ronghe.core.errors import add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import scoped, scoped_users

HYGIENE_ROWS = 50


def _hygiene(request: HttpRequest) -> dict[str, Any]:
    """Account hygiene of the accounts in scope (issue 17 item 9): passwords past their maximum age, and
    active accounts unused for the idle period (the next `disable_idle_accounts` run deactivates them)."""
    users = scoped_users(User.objects.all(), request.user, "security.policy")
    in_scope = set(users.values_list("pk", flat=True))
    expired = hygiene.expired_passwords(users)
    plan = hygiene.plan_idle()
    kept = {u.pk: why for u, why in plan.kept}
    idle = [
        {"user": u, "last_seen": u.last_seen, "kept": kept.get(u.pk, "")}  # type: ignore[attr-defined]
        for u in [*plan.disable, *(u for u, _ in plan.kept)]
        if u.pk in in_scope
    ]
    idle.sort(key=lambda row: (row["last_seen"], row["user"].pk))
    return {
        "password_max_age_days": settings.RONGHE_PASSWORD_MAX_AGE_DAYS,
        "password_max_age_by_role": [
            (Role(role).label, days)
            for role, days in sorted(settings.RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE.items())
        ],
        "idle_days": settings.RONGHE_IDLE_ACCOUNT_DAYS,
        "expired_passwords": expired[:HYGIENE_ROWS],
        "expired_count": len(expired),
        "idle_accounts": idle[:HYGIENE_ROWS],
        "idle_count": len(idle),
    }


def _partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx and not htmx.boosted)


def _role_page(request: HttpRequest, grant_form: GrantRoleForm) -> HttpResponse:
    form = RoleFilterForm(request.GET or None)
    qs = scoped(
        RoleAssignment.objects.select_related("user", "organization"), request.user, "roles.grant"
    ).order_by("user__username", "role")
    if form.is_valid():
        if form.cleaned_data["q"]:
            qs = qs.filter(user__username__icontains=form.cleaned_data["q"])
        if form.cleaned_data["role"]:
            qs = qs.filter(role=form.cleaned_data["role"])
    return render_page_or_partial(
        request,
        "accounts/role_list.html",
        {
            "form": form,
            "grant_form": grant_form,
            "page": paginate(request, qs, 50),
            "query": query_without_page(request),
            "breadcrumbs": [("角色授权", None)],
            **({} if _partial(request) else _hygiene(request)),
        },
    )


@require("roles.grant")
def role_list(request: HttpRequest) -> HttpResponse:
    return _role_page(request, GrantRoleForm(user=request.user))


@require("roles.grant")
@require_POST
def role_grant(request: AuthenticatedRequest) -> HttpResponse:
    form = GrantRoleForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.grant_role(
                actor=request.user,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                organization=form.cleaned_data["organization"],
            )
        except services.AccountError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已授予角色。")
            return redirect("accounts:role-list")
    return _role_page(request, form)


@require("roles.grant")
@require_POST
def role_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        scoped(RoleAssignment.objects.select_related("user", "organization"), request.user, "roles.grant"),
        pk=pk,
    )
    try:
        services.revoke_role(actor=request.user, assignment=assignment)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤销角色。")
    return redirect("accounts:role-list")
