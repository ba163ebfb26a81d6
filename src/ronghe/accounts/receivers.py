"""Framework sign-in events into the audit log (login, failure, logout, lockout)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from ronghe.accounts import lockout
from ronghe.core import audit

if TYPE_CHECKING:
    from ronghe.accounts.models import User

# Set on a request that a locked account made: its failure is recorded as refused.
_REFUSED = "_ronghe_refused_while_locked"


@receiver(user_logged_in)
def _logged_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit.record("auth.login", actor=user, object_type="accounts.user", object_id=str(user.pk))
    if request is not None and hasattr(request, "session"):
        from ronghe.accounts import twofactor
        from ronghe.accounts.middleware import OTP_PENDING

        if twofactor.is_required(user):
            request.session[OTP_PENDING] = True


@receiver(user_logged_out)
def _logged_out(sender: object, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record("auth.logout", actor=user, object_type="accounts.user", object_id=str(user.pk))


@receiver(user_login_failed)
def _login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """One row per failed attempt; an attempt refused because the account is locked says so."""
    refused = getattr(request, _REFUSED, False)
    audit.record(
        "auth.login_failed",
        username=str(credentials.get("username", ""))[:150],
        outcome="failure",
        changes={"reason": "locked"} if refused else None,
    )


@receiver(user_locked_out)
def _locked_out(
    sender: object,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    """One row when the lock starts. django-axes signals again for every attempt during the lock;
    those attempts are recorded once each, as refused failures, by `_login_failed` (which runs after this)."""
    # The lock starts on the failure that reaches the limit; later failures (axes keeps counting) are refusals.
    failures = getattr(request, "axes_failures_since_start", None)
    limit = getattr(request, lockout.LIMIT_ATTR, settings.AXES_FAILURE_LIMIT)
    if request is not None and (failures is None or failures > limit):
        setattr(request, _REFUSED, True)
        return
    changes = {"ip": ip_address or ""}
    if getattr(request, lockout.BY_ADDRESS_ATTR, False):
        changes["scope"] = "address"  # every account from this address, not only this one
    audit.record("auth.lockout", username=(username or "")[:150], outcome="failure", changes=changes)
