"""The login lockout (security.md AUTH-4): failures are counted per account *and* address together,
with a separate, higher threshold per address alone.

An address is often shared: a meeting room's Wi-Fi, a unit's office network behind one NAT. Counting
failures per address at the account limit locked 40 correct logins out of a room for 15 minutes after
five typos on five different accounts (issue 22). So the account limit (`RONGHE_LOCKOUT_FAILURES`,
default 5) counts one account's failures from one address, and a guesser trying many accounts from
one address is stopped by the address limit (`RONGHE_LOCKOUT_ADDRESS_FAILURES`, default 30), which
a room's typos do not reach: a correct login clears that account's own failures.

django-axes counts and records the attempts (`AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]`);
this handler adds the per-address total and compares each count with its own limit.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

# Set on the request by `get_failures`: the limit the current count is measured against, and whether
# the address (not the account) is what is locked — read by the lockout audit row and page.
LIMIT_ATTR = "ronghe_lockout_limit"
BY_ADDRESS_ATTR = "ronghe_locked_by_address"


def address_limit() -> int:
    """The per-address threshold; never below the per-account one."""
    return max(int(settings.RONGHE_LOCKOUT_ADDRESS_FAILURES), int(settings.AXES_FAILURE_LIMIT))


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        pair = int(super().get_failures(request, credentials))
        address = self.address_failures(request)
        limit = address_limit()
        if address >= limit:
            setattr(request, LIMIT_ATTR, limit)
            setattr(request, BY_ADDRESS_ATTR, True)
            # at or over axes' (per-account) limit, so axes locks; equal to `limit` when the lock starts
            return max(address, pair)
        setattr(request, LIMIT_ATTR, int(settings.AXES_FAILURE_LIMIT))
        setattr(request, BY_ADDRESS_ATTR, False)
        return pair

    def address_failures(self, request: HttpRequest) -> int:
        """Failures of every account from this address within the cool-off period."""
        ip = getattr(request, "axes_ip_address", None)
        if not ip:
            return 0
        # the same cool-off window axes applies to the account count
        recent = AccessAttempt.objects.filter(
            ip_address=ip, attempt_time__gte=get_cool_off_threshold(request)
        )
        return int(recent.aggregate(n=Sum("failures_since_start"))["n"] or 0)
