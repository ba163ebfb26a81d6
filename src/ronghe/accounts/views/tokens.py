"""API tokens (安全管理员): the tokens of accounts in scope, and revoking one."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts import services
from ronghe.accounts.forms import TokenFilterForm
from ronghe.accounts.http import AuthenticatedRequest
from ronghe.accounts.models import ApiToken, User
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import scoped_users


def _tokens_in_scope(request: HttpRequest) -> QuerySet[ApiToken]:
    """Tokens of the accounts the security administrator sees (`scoped_users` for `tokens.manage`)."""
    users = scoped_users(User.objects.all(), request.user, "tokens.manage")
    return ApiToken.objects.select_related("user").filter(user__in=users.values("pk"))


@require("tokens.manage")
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenFilterForm(request.GET or None)
    qs = _tokens_in_scope(request).order_by("-created_at", "-pk")
    if form.is_valid():
        if form.cleaned_data["q"]:
            qs = qs.filter(user__username__icontains=form.cleaned_data["q"])
        now = timezone.now()
        status = form.cleaned_data["status"]
        if status == "live":
            qs = qs.filter(revoked=False, expires_at__gt=now)
        elif status == "expired":
            qs = qs.filter(revoked=False, expires_at__lte=now)
        elif status == "revoked":
            qs = qs.filter(revoked=True)
    return render_page_or_partial(
        request,
        "accounts/token_list.html",
        {
            "form": form,
            "page": paginate(request, qs, 50),
            "query": query_without_page(request),
            "breadcrumbs": [("接口令牌", None)],
        },
    )


@require("tokens.manage")
@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(_tokens_in_scope(request), pk=pk)
    try:
        services.revoke_token(actor=request.user, token=token)
    except services.AccountError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已吊销 {token.user.username} 的令牌 {token.prefix}…")
    return redirect("accounts:token-list")
