from __future__ import annotations

import logging
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

from ronghe.core.permissions import public
from ronghe.core.queries import home_member, home_oversight, home_secretary, home_summary
from ronghe.core.scope import has_perm_anywhere

logger = logging.getLogger(__name__)


@public
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The 工作台: each section shows when the user holds its permission somewhere.

    Overview (counts, age chart) for members.view; compliance and warnings for orgs.view; the
    14-day to-do and pending claims for secretaries; own points and upcoming meetings for a member.
    """
    user = request.user
    today = timezone.localdate()
    context: dict[str, Any] = {
        "can_see_data": has_perm_anywhere(user, "members.view"),
        "can_oversee": has_perm_anywhere(user, "orgs.view"),
        "can_see_orglife": has_perm_anywhere(user, "orglife.view"),
    }
    if context["can_see_data"] or context["can_oversee"]:
        context.update(home_summary(user, today))
    if context["can_oversee"]:
        context.update(home_oversight(user, today))
    context.update(home_secretary(user, today))
    member = user.member if user.member_id and has_perm_anywhere(user, "self.view") else None
    if member is not None:
        context.update(home_member(member, today), member=member)
    context["has_sections"] = (
        context["can_see_data"] or context["can_oversee"] or "todo" in context or member is not None
    )
    return render(request, "core/home.html", context)


@public
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "数据库无响应"}, status=503)
    return JsonResponse({"status": "ok"})


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
