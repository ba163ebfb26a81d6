"""Roster import and export pages, and the birthday list: thin views over members.imports and members.exports."""

from __future__ import annotations

from datetime import datetime
from typing import IO
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.downloads import export_response
from ronghe.core.exports import jobs as export_jobs
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.idnumbers import SHANGHAI
from ronghe.core.imports import jobs, mapping
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.models import ImportJob, ImportStatus
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, require_at
from ronghe.members import exports, imports
from ronghe.members.forms import BirthdayForm, ColumnsForm, CommitForm, ExportForm, ImportForm
from ronghe.members.models import Member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ERRORS_SHOWN = 500


def _download(fh: IO[bytes], filename: str, content_type: str) -> FileResponse:
    """A streamed download; Django encodes the Chinese name per RFC 6266 (filename*=utf-8'').
    `Cache-Control: no-store` comes from `core.middleware.NoStoreMiddleware`, as on every response."""
    return FileResponse(fh, as_attachment=True, filename=filename, content_type=content_type)


def _small_download(fh: IO[bytes], filename: str, content_type: str) -> HttpResponse:
    """A small generated document (template, Word cards), sent whole and the temporary file closed."""
    with fh:
        response = HttpResponse(fh.read(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _job(request: AuthenticatedRequest, code: UUID) -> ImportJob:
    """The job if in the user's scope (404 otherwise), failed first if its worker died."""
    job = get_for_user_or_404(
        ImportJob.objects.select_related("organization"), request.user, perm="members.import", code=code
    )
    return jobs.fail_if_stale(job)


def _may_download(request: AuthenticatedRequest, job: ImportJob) -> bool:
    """A job's files hold full ID and phone numbers as uploaded: only the job's own uploader, and only
    while they may see full numbers at the job's organization (members.view_sensitive)."""
    return job.created_by_id == request.user.pk and has_perm_at(
        request.user, "members.view_sensitive", job.organization.path
    )


@require("members.import")
@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["organization"]
        require_at(request.user, "members.import", target.path)
        try:
            job = imports.start_import(upload=form.cleaned_data["file"], target=target, user=request.user)
        except ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("member_io:import-columns", code=job.code)
    recent: list[ImportJob] = []
    if request.method == "GET":
        recent = [
            jobs.fail_if_stale(job)
            for job in ImportJob.objects.filter(created_by=request.user, kind=imports.KIND).select_related(
                "organization"
            )[:10]
        ]
    context = {
        "form": form,
        "jobs": recent,
        "breadcrumbs": [("导入党员名册", None)],
    }
    return render(request, "member_io/import_form.html", context, status=400 if form.errors else 200)


@require("members.import")
@require_GET
def import_template(request: AuthenticatedRequest) -> HttpResponse:
    return _small_download(exports.import_template(), "党员名册导入模板.xlsx", XLSX)


@require("members.import")
@require_GET
def import_job(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    if job.status == ImportStatus.MAPPING:
        return redirect("member_io:import-columns", code=job.code)
    context = {
        "job": job,
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(job.errors) - ERRORS_SHOWN),
        "commit_form": CommitForm(),
        "can_download": _may_download(request, job),
        "keep_hours": int(jobs.keep_files_for().total_seconds() // 3600),
        "can_retry": jobs.can_retry(job),
        "members": imports.imported_members(job, request.user)[:200]
        if job.status == ImportStatus.COMMITTED
        else [],
        "breadcrumbs": [("导入党员名册", reverse("member_io:import")), (job.original_name, None)],
    }
    return render_page_or_partial(request, "member_io/import_job.html", context, partial="job")


HOW = {
    "label": "按表头识别",
    "alias": "按表头的别名识别",
    "remembered": "沿用本组织上次的确认",
    "chosen": "已选择",
    "": "未识别",
}


@require("members.import")
@require_http_methods(["GET", "POST"])
def import_columns(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """The mapping step: how each column of the file was understood; the user confirms or changes it,
    then the check runs with that mapping."""
    job = _job(request, code)
    if job.status != ImportStatus.MAPPING:
        return redirect("member_io:import-job", code=job.code)
    try:
        head, columns = jobs.column_step(job)
    except ImportRefused:
        return redirect("member_io:import-job", code=job.code)
    form = ColumnsForm(request.POST or None, columns=columns, spec=imports.SPEC)
    if request.method == "POST" and form.is_valid():
        try:
            jobs.confirm_columns(job=job, choices=form.choices(), user=request.user)
        except ImportRefused as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("member_io:import-job", code=job.code)
    rows = [
        {
            "column": column,
            "field": form[f"column_{column.index}"],
            "samples": [mapping.masked(v) for v in mapping.samples_of(head.samples, column.index)],
            "how": "待确定" if column.undecided else HOW[column.how],
            "suggested": imports.SPEC.label(column.suggested) if column.suggested else "",
        }
        for column in columns.columns
    ]
    context = {
        "job": job,
        "form": form,
        "rows": rows,
        "header_row": head.row,
        "undecided": len(columns.undecided()),
        "breadcrumbs": [("导入党员名册", reverse("member_io:import")), (job.original_name, None)],
    }
    return render(request, "member_io/import_columns.html", context, status=400 if form.errors else 200)


@require("members.import")
@require_POST
def import_commit(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    form = CommitForm(request.POST)
    if job.status != ImportStatus.VALIDATED:
        messages.error(request, "该导入任务当前不能提交")
    elif not form.is_valid():
        messages.error(request, "请选择导入方式")
    elif form.cleaned_data["mode"] == "atomic" and job.invalid_count:
        messages.error(
            request, f"有 {job.invalid_count} 行存在错误：请修改文件后重新上传，或选择“仅导入有效行”"
        )
    else:
        jobs.request_commit(job=job, valid_only=form.cleaned_data["mode"] == "valid_only")
    return redirect("member_io:import-job", code=job.code)


@require("members.import")
@require_POST
def import_retry(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    if jobs.retry(job):
        messages.success(request, "已重新开始：先检查文件，检查完成后请再次确认导入")
    else:
        messages.error(request, "该导入任务不能重试，请重新上传文件")
    return redirect("member_io:import-job", code=job.code)


@require("members.import")
@require_POST
def import_cancel(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    if jobs.cancel(job):
        messages.success(request, "已取消本次导入，上传的文件已删除")
    else:
        messages.error(request, "该导入任务当前不能取消")
    return redirect("member_io:import-job", code=job.code)


@require("members.import")
@require_GET
def import_rejected(request: AuthenticatedRequest, code: UUID) -> FileResponse:
    job = _job(request, code)  # 404 outside the user's scope
    if not _may_download(request, job):
        raise PermissionDenied("错误行文件含完整身份证号，仅上传者本人且有查看完整号码权限时可以下载")
    path = jobs.rejected_path(job)
    if path is None:
        raise Http404("没有错误行，或文件已过期删除")
    audit.record(
        "member.import_rejected_download",
        actor=request.user,
        obj=job,
        changes={"file": job.original_name, "rows": job.invalid_count},
    )
    stem = job.original_name.rsplit(".", 1)[0] or "名册"
    return _download(path.open("rb"), f"{stem}_错误行.xlsx", XLSX)


@require("members.export")
@require_http_methods(["GET", "POST"])
def export_roster(request: AuthenticatedRequest) -> HttpResponseBase:
    """The roster as .xlsx; an organization's masked roster past RONGHE_EXPORT_BACKGROUND_ROWS members
    is asked for (GET) and queued (POST) as a background export instead (core.downloads)."""
    form = ExportForm(request.GET or None, user=request.user)
    if request.GET.get("download") and form.is_valid():
        organization = form.cleaned_data["organization"]
        full = form.cleaned_data["full"]
        if (
            organization is not None
            and not full
            and exports.roster_rows(target=organization, params={}) > export_jobs.background_rows()
        ):
            return export_response(request, exports.ROSTER, organization, {"full": False})
        fh = exports.export_roster(user=request.user, organization=organization, full=full)
        name = organization.name if organization else "党员名册"
        return _download(fh, f"{name}_{datetime.now(SHANGHAI):%Y%m%d}.xlsx", XLSX)
    context = {
        "form": form,
        "background_rows": export_jobs.background_rows(),
        "breadcrumbs": [("导出党员名册", None)],
    }
    return render(request, "member_io/export_form.html", context, status=400 if form.errors else 200)


@require("members.export")
@require_GET
def member_card(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm="members.export", code=code
    )
    return _small_download(
        exports.member_card(user=request.user, member=member), f"{member.name}_党员信息卡.docx", DOCX
    )


def _month(request: AuthenticatedRequest) -> tuple[BirthdayForm, int]:
    now = datetime.now(SHANGHAI)
    form = BirthdayForm(request.GET if "month" in request.GET else {"month": now.month})
    return form, (form.cleaned_data["month"] if form.is_valid() else now.month)


@require("members.view")
@require_GET
def birthdays(request: AuthenticatedRequest) -> HttpResponse:
    form, month = _month(request)
    page = paginate(request, exports.birthday_queryset(user=request.user, month=month), per_page=30)
    context = {
        "form": form,
        "month": month,
        "page": page,
        "query": query_without_page(request),
        "breadcrumbs": [("政治生日", None)],
    }
    return render_page_or_partial(request, "member_io/birthdays.html", context)


@require("members.export")
@require_GET
def birthday_cards(request: AuthenticatedRequest) -> HttpResponse:
    form, month = _month(request)
    year = datetime.now(SHANGHAI).year
    fh = exports.birthday_cards(user=request.user, month=month, year=year)
    return _small_download(fh, f"{year}年{month}月政治生日贺卡.docx", DOCX)
