"""User accounts (系统管理员): the list of accounts in scope, creating and (de)activating them."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from ronghe.accounts import services
from ronghe.accounts.forms import CreateUserForm, UserFilterForm
from ronghe.accounts.http import AuthenticatedRequest
from ronghe.accounts.models import RoleAssignment, User
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import scoped_users


def _user_page(request: HttpRequest, create_form: CreateUserForm) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    qs = scoped_users(
        User.objects.prefetch_related(
            Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("organization"))
        ),
        request.user,
        "users.manage",
    ).order_by("username")
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    return render_page_or_partial(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "create_form": create_form,
            "page": paginate(request, qs, 50),
            "query": query_without_page(request),
            "breadcrumbs": [("用户账户", None)],
        },
    )


@require("users.manage")
def user_list(request: HttpRequest) -> HttpResponse:
    return _user_page(request, CreateUserForm())


@require("users.manage")
@require_POST
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CreateUserForm(request.POST)
    if form.is_valid():
        try:
            user = services.create_user(actor=request.user, **form.cleaned_data)
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已创建用户“{user.username}”，请由安全管理员授予角色。")
            return redirect("accounts:user-list")
    return _user_page(request, form)


@require("users.manage")
@require_POST
def user_set_active(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(scoped_users(User.objects.all(), request.user, "users.manage"), pk=pk)
    try:
        services.set_active(actor=request.user, user=user, active=request.POST.get("active") == "1")
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已启用账户。" if user.is_active else "已停用账户。")
    return redirect("accounts:user-list")
