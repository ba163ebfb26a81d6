from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ronghe.core.requestctx import RequestContext, reset_context, set_context


def client_ip(request: HttpRequest) -> str:
    """The client's address for the audit log and the login lockout (django-axes calls this too).

    REMOTE_ADDR, unless the peer is one of RONGHE_TRUSTED_PROXIES: then the last X-Forwarded-For
    hop, which is the address our own proxy saw (it appends it; anything before it came from the
    client and may be forged). A malformed last hop falls back to REMOTE_ADDR. See docs/deployment.md.
    """
    peer = request.META.get("REMOTE_ADDR", "") or ""
    if peer not in getattr(settings, "RONGHE_TRUSTED_PROXIES", ()):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return peer


class RequestContextMiddleware:
    """Make who/where/request-id available to the audit log for the duration of a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex[:16]
        request.request_id = request_id  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        token = set_context(RequestContext(user=user, ip=client_ip(request), request_id=request_id))
        try:
            response = self.get_response(request)
        finally:
            reset_context(token)
        response["X-Request-ID"] = request_id
        return response
