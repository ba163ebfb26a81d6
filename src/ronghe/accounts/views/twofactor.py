"""Two-factor login (security.md AUTH-8): enrolment with a QR code, the OTP step after the password,
and the security administrator's list and reset."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from ronghe.accounts import twofactor
from ronghe.accounts.forms import OtpCodeForm, OtpEnrolForm
from ronghe.accounts.http import AuthenticatedRequest
from ronghe.accounts.middleware import OTP_PENDING
from ronghe.accounts.models import OtpDevice, User
from ronghe.core.errors import add_to_form
from ronghe.core.htmx import paginate, render_page_or_partial
from ronghe.core.permissions import public, require
from ronghe.core.scope import scoped_users

# The seed the enrolment page shows, encrypted, until the first code confirms it.
_SEALED = "_ronghe_otp_sealed"


def _passed(request: HttpRequest) -> None:
    """The session has passed the second factor: a new session key, and the gate lifted."""
    request.session.cycle_key()
    request.session.pop(OTP_PENDING, None)


def _announced(form: OtpCodeForm | OtpEnrolForm) -> OtpCodeForm | OtpEnrolForm:
    """A refused code: the field is marked invalid and points at its message (the page also announces
    it in a `role="alert"` region), for screen readers."""
    if form.errors.get("code"):
        attrs = form.fields["code"].widget.attrs
        attrs.update({"aria-invalid": "true", "aria-describedby": "id_code_error"})
        attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
    return form


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@public
@require_http_methods(["GET", "POST"])
def otp_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Bind an authenticator: scan the QR code, confirm with the first code, see the recovery codes once.
    The codes are rendered in the POST's answer (no-store) and kept nowhere but as digests."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not request.session.get(OTP_PENDING):
        return redirect("home:home")  # only the login of an account that needs it enrols
    if twofactor.is_enrolled(request.user):
        return redirect("accounts:otp-verify")
    form = OtpEnrolForm(request.POST or None)
    enrolment = twofactor.start_enrolment(user=request.user, sealed=request.session.get(_SEALED, ""))
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_enrolment(
                user=request.user, sealed=enrolment.sealed, code=form.cleaned_data["code"]
            )
        except twofactor.SecondFactorError as exc:
            add_to_form(form, exc)
        else:
            request.session.pop(_SEALED, None)
            _passed(request)
            return render(request, "accounts/otp_recovery.html", {"codes": codes, "next": _next(request)})
    request.session[_SEALED] = enrolment.sealed
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": _announced(form), "enrolment": enrolment, "next": _next(request)},
        status=422 if form.errors else 200,
    )


@public
@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of the login: a TOTP code, or a recovery code."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not request.session.get(OTP_PENDING):
        return redirect("home:home")
    if not twofactor.is_enrolled(request.user):
        return redirect("accounts:otp-setup")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            twofactor.verify(user=request.user, code=code)
        except twofactor.SecondFactorError as exc:
            add_to_form(form, exc)
        else:
            _passed(request)
            if len("".join(ch for ch in code if ch.isalnum())) == 10:
                messages.warning(
                    request, "已使用一个恢复码，该恢复码已作废。恢复码用完前请联系安全管理员重置动态口令。"
                )
            return redirect(_next(request))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": _announced(form), "next": _next(request)},
        status=422 if form.errors else 200,
    )


def _devices_in_scope(request: HttpRequest) -> QuerySet[OtpDevice]:
    users = scoped_users(User.objects.all(), request.user, "security.policy")
    return (
        OtpDevice.objects.select_related("user")
        .filter(user__in=users.values("pk"))
        .annotate(recovery_left=Count("user__recovery_codes"))
    )


@require("security.policy")
def otp_list(request: HttpRequest) -> HttpResponse:
    """The accounts in scope with an authenticator, for the security administrator."""
    qs = _devices_in_scope(request).order_by("user__username", "pk")
    return render_page_or_partial(
        request,
        "accounts/otp_list.html",
        {"page": paginate(request, qs, 50), "breadcrumbs": [("动态口令", None)]},
    )


@require("security.policy")
@require_POST
def otp_reset(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(_devices_in_scope(request), pk=pk)
    try:
        twofactor.reset(actor=request.user, user=device.user)
    except twofactor.SecondFactorError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已重置 {device.user.username} 的动态口令，其下次登录时须重新绑定。")
    return redirect("accounts:otp-list")
