from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ronghe.core.requestctx import RequestContext, reset_context, set_context


def client_ip(request: HttpRequest) -> str:
    # X-Forwarded-For is trusted only when deployed behind our own proxy (see docs/deployment.md).
    return request.META.get("REMOTE_ADDR", "") or ""


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
