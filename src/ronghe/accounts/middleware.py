from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from ronghe.accounts.hygiene import password_expired
from ronghe.core import audit
from ronghe.core.types import Actor

LAST_SEEN = "_ronghe_last_seen"  # the session key of the last refresh of the activity time
_START = "_ronghe_login_at"
# The last-activity time is rewritten (and with it the session row and its expiry) only when it is at
# least this old, so a run of page views is not a run of session writes (issue 19 item 1). The idle
# timeout is counted from that refresh: it holds to within this many seconds (docs/architecture.md).
REFRESH_SECONDS = 60
# A marker cookie outliving the session tells "your session timed out" from "never logged in".
MARKER = "rh_signed_in"


class SessionTimeoutMiddleware:
    """Idle timeout (default 30 minutes) and an absolute cap (default 12 hours) on sessions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        if not authenticated and MARKER in request.COOKIES and request.path != reverse("accounts:logout"):
            messages.warning(request, "登录已超时，请重新登录。")
            response = self.get_response(request)
            if request.headers.get("HX-Request") and response.status_code == 302:
                response = self._htmx_to_login()
            response.delete_cookie(MARKER)
            return response
        refusal = self._check(request, user) if authenticated else None
        if refusal is not None:
            refusal.delete_cookie(MARKER)
            return refusal
        response = self.get_response(request)
        if self._signed_in(request):
            response.set_cookie(MARKER, "1", httponly=True, samesite="Lax", secure=request.is_secure())
        elif MARKER in request.COOKIES:
            response.delete_cookie(MARKER)
        return response

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        """A session login, not an API call whose bearer token set `request.user`: a machine client keeping
        cookies was given the marker, then "timed out" on its next call, a message stored for it each time."""
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        return user is not None and user.is_authenticated and session is not None and SESSION_KEY in session

    def _check(self, request: HttpRequest, user: Actor | None) -> HttpResponse | None:
        """Log out a session idle too long or older than the absolute cap.

        Idle means: `RONGHE_IDLE_TIMEOUT_MINUTES` or more since the last refresh of the activity time,
        which a request refreshes only when it is `REFRESH_SECONDS` old or more. A request that refreshes
        nothing leaves the session unmodified, and `SESSION_SAVE_EVERY_REQUEST` is off: no write.
        """
        now = time.time()
        session = request.session
        last = session.get(LAST_SEEN)
        started = session.get(_START)
        idle = settings.RONGHE_IDLE_TIMEOUT_MINUTES * 60
        absolute = settings.RONGHE_ABSOLUTE_SESSION_HOURS * 3600
        if (last is not None and now - last >= idle) or (started is not None and now - started > absolute):
            audit.record("auth.session_expired", actor=user)
            logout(request)
            messages.warning(request, "登录已超时，请重新登录。")
            if request.headers.get("HX-Request"):
                return self._htmx_to_login()
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        if started is None:
            session[_START] = now
        if last is None or now - last >= REFRESH_SECONDS:
            session[LAST_SEEN] = now  # modifies the session: saved, and its row's expiry pushed forward
        return None

    @staticmethod
    def _htmx_to_login() -> HttpResponse:
        """htmx would swap the login page into a fragment; make it load the login page instead."""
        response = HttpResponse(status=401)
        response["HX-Redirect"] = reverse(settings.LOGIN_URL)
        return response


# Set at login (`receivers._logged_in`) for an account whose roles need a second factor; removed when the
# session has passed it (`views.twofactor`). A role granted later applies from the next login.
OTP_PENDING = "_ronghe_otp_pending"


class SecondFactorRequiredMiddleware:
    """security.md AUTH-8: a session whose account needs a second factor reaches nothing but the OTP step
    (enrolment or verification) and logout until it has passed it. An API call with a bearer token is no
    session login and is left to `ronghe.api`; a session API call gets 401."""

    allowed_names = ("accounts:otp-verify", "accounts:otp-setup", "accounts:logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not request.session.get(OTP_PENDING):
            return self.get_response(request)
        if request.path.startswith(settings.STATIC_URL.join("//")):
            return self.get_response(request)
        if request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith(
            "Bearer "
        ):
            return self.get_response(request)
        if request.path in {reverse(n) for n in self.allowed_names}:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "请先完成动态口令验证"}, status=401)
        from ronghe.accounts.models import OtpDevice

        enrolled = OtpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()
        target = reverse("accounts:otp-verify" if enrolled else "accounts:otp-setup")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


class PasswordChangeRequiredMiddleware:
    """Seeded non-demo accounts must change their password before anything else, and so must an account
    whose password is older than its role's maximum age (security.md AUTH-3, `accounts.hygiene`)."""

    allowed_names = (
        "accounts:password-change",
        "accounts:logout",
        "accounts:otp-setup",
        "accounts:otp-verify",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.must_change_password:
                reason = "首次登录，请先修改初始密码。"
            elif password_expired(user):
                reason = "密码已超过规定的使用期限，请先修改密码。"
            else:
                reason = ""
            allowed = {reverse(n) for n in self.allowed_names}
            if (
                reason
                and request.path not in allowed
                and not request.path.startswith(settings.STATIC_URL.join("//"))
            ):
                messages.info(request, reason)
                return redirect("accounts:password-change")
        return self.get_response(request)
