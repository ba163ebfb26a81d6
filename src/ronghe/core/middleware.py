from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

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


class NoStoreMiddleware:
    """`Cache-Control: no-store` (with Django's never-cache set) on every response of the application.

    Nearly every page, fragment, JSON body and download names members or shows their personal data
    (member pages, unmasking, statements, ledgers, exports), and a browser or proxy must keep none of
    them (security.md PI-2, issue 17 finding 7). Keyed on nothing but the response: a list of views
    would fail open the day a view is added. Static files are served by the web server, not here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
