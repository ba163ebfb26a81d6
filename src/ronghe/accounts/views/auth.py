"""Signing in and out, the lockout page (django-axes) and changing one's own password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ronghe.accounts import lockout, services
from ronghe.accounts.forms import ChangePasswordForm, LoginForm
from ronghe.core.errors import add_to_form
from ronghe.core.permissions import public


@public
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@public
class LogoutView(auth_views.LogoutView):
    pass


def lockout_response(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    form = LoginForm(request)
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    if getattr(request, lockout.BY_ADDRESS_ATTR, False):
        message = f"本网络地址登录失败次数过多，已暂停从此地址登录{minutes}分钟，请稍后再试。"
    else:
        message = f"登录失败次数过多，账户已锁定{minutes}分钟，请稍后再试。"
    return render(
        request, "accounts/login.html", {"form": form, "locked": True, "lockout_message": message}, status=429
    )


@public
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.change_password(user=form.user, new_password=form.cleaned_data["new_password1"])
        except services.AccountError as exc:
            add_to_form(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改。")
            return redirect("home:home")
    return render(
        request, "accounts/password_change.html", {"form": form, "breadcrumbs": [("修改密码", None)]}
    )
