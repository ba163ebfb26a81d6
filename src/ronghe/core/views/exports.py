"""我的导出: the user's background exports, their progress, and the download of a finished file."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from ronghe.core import audit
from ronghe.core.exports import jobs
from ronghe.core.exports.queries import exports_for_user
from ronghe.core.htmx import paginate, render_page_or_partial
from ronghe.core.models import ExportJob
from ronghe.core.permissions import public


def _job(request: HttpRequest, code: UUID) -> ExportJob:
    """The user's own job (404 for anyone else's), failed first if its worker died."""
    return jobs.fail_if_stale(get_object_or_404(exports_for_user(request.user), code=code))


@public
@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, exports_for_user(request.user), per_page=20)
    rows = [jobs.fail_if_stale(job) for job in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "running": any(job.is_running for job in rows),
        "keep_hours": int(jobs.keep_files_for().total_seconds() // 3600),
        "breadcrumbs": [("我的导出", None)],
    }
    return render_page_or_partial(request, "core/export_list.html", context)


@public
@login_required
@require_GET
def job_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    kept = jobs.file_path(job) is not None
    context = {
        "job": job,
        "can_download": kept and jobs.may_download(job, request.user),
        "withdrawn": kept and not jobs.may_download(job, request.user),
        "keep_hours": int(jobs.keep_files_for().total_seconds() // 3600),
        "breadcrumbs": [("我的导出", reverse("exports:job-list")), (job.title, None)],
    }
    return render_page_or_partial(request, "core/export_detail.html", context, partial="job")


@public
@login_required
@require_GET
def download(request: HttpRequest, code: UUID) -> FileResponse:
    job = _job(request, code)
    if not jobs.may_download(job, request.user):
        raise Http404("未找到或无权访问")  # the permission was withdrawn since: as if it did not exist
    path = jobs.file_path(job)
    if path is None:
        raise Http404("文件尚未生成，或已过期删除")
    spec = jobs.exporter(job.kind)
    audit.record(
        spec.event,
        actor=request.user,
        obj=job.organization,
        changes={**job.parameters, "job": str(job.code), "rows": job.total_rows},
    )
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=job.title, content_type=spec.content_type
    )
