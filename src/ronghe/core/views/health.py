"""The health check a load balancer or monitor polls: the process answers and the database too."""

from __future__ import annotations

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse

from ronghe.core.permissions import public


@public
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "数据库无响应"}, status=503)
    return JsonResponse({"status": "ok"})
