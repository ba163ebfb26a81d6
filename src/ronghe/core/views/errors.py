"""The Chinese error pages (400, 403, CSRF, 404, 500), named by the handlers in `ronghe/urls.py`."""

from __future__ import annotations

import logging
import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The Chinese 500 page, rendered without context processors: the failure may be the database itself."""
    request_id = getattr(request, "request_id", "") or uuid.uuid4().hex[:16]
    logger.error("服务器错误 请求编号 %s %s %s", request_id, request.method, request.path)
    template = loader.get_template("errors/500.html")
    response = HttpResponse(template.render({"request_id": request_id}), status=500)
    response["X-Request-ID"] = request_id
    return response
