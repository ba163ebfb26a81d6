"""Generated files sent as downloads: one helper, the Chinese name encoded per RFC 6266, and the one
answer to an export button (`export_response`: at once when small, as a background job when big).

`Cache-Control: no-store` comes from `core.middleware.NoStoreMiddleware`, as on every response.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from ronghe.core import audit
from ronghe.core.types import OrgNode

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def generated(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file built in memory (a Word certificate, an xlsx list) as an attachment named `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def export_response(request: HttpRequest, kind: str, target: OrgNode, params: dict[str, Any]) -> HttpResponse:
    """The answer to an export button of a registered kind (`core.exports.jobs.register`): a file of at
    most RONGHE_EXPORT_BACKGROUND_ROWS rows is built now and sent (audited with the kind's event);
    a bigger one is queued (on POST; a GET shows a page that asks first) and the user is sent to its
    page on 我的导出. The caller checked scope."""
    from ronghe.core.exports import jobs

    spec = jobs.exporter(kind)
    rows = spec.rows(target=target, params=params)
    if rows > jobs.background_rows():
        if request.method != "POST":
            # queuing a job changes state: a plain link (or a forged cross-site GET) only asks first
            context = {"rows": rows, "title": spec.filename(target=target, params=params)}
            return render(request, "core/export_confirm.html", context)
        job = jobs.request_export(kind=kind, target=target, user=request.user, params=params, rows=rows)
        messages.info(request, f"数据较多（约 {rows} 行），已转为后台导出，完成后可在“我的导出”下载")
        return redirect("exports:job-detail", code=job.code)
    buffer = io.BytesIO()
    spec.build(target=target, user=request.user, params=params, out=buffer, progress=lambda _count: None)
    audit.record(spec.event, obj=target, changes=params)  # type: ignore[arg-type]  # an Organization
    return generated(buffer.getvalue(), spec.content_type, spec.filename(target=target, params=params))
