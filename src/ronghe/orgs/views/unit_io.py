"""The units register in and out: Excel import (core.imports, kind "units") and export, by 工委 staff."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.downloads import XLSX, generated
from ronghe.core.forms import StyledForm
from ronghe.core.imports import jobs
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.models import ImportJob, ImportStatus
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, paths_with
from ronghe.orgs import exports, imports, services
from ronghe.orgs.models import Organization
from ronghe.orgs.queries import units_for_user

ERRORS_SHOWN = 300


class UnitImportForm(StyledForm):
    file = forms.FileField(label="单位名录文件（.xlsx 或 .csv）")


class CommitForm(StyledForm):
    mode = forms.ChoiceField(choices=[("atomic", "全部导入"), ("valid_only", "仅导入有效行")])


def _register_root(request: HttpRequest) -> Organization:
    """The 工委 (a root) where the user keeps the units register; 403 without one."""
    roots = [p for p in paths_with(request.user, "orgs.edit") if p.count(".") == 1]
    root = Organization.objects.filter(path__in=roots).order_by("path").first()
    if root is None or not services.can_manage_units(request.user):
        raise PermissionDenied("您没有执行此操作的权限")
    return root


def _job(request: HttpRequest, code: UUID) -> ImportJob:
    job = get_for_user_or_404(
        ImportJob.objects.select_related("organization").filter(kind=imports.KIND),
        request.user,
        perm="orgs.edit",
        code=code,
    )
    return jobs.fail_if_stale(job)


@require("orgs.edit")
@require_http_methods(["GET", "POST"])
def unit_import(request: AuthenticatedRequest) -> HttpResponse:
    root = _register_root(request)
    form = UnitImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.start_import(upload=form.cleaned_data["file"], target=root, user=request.user)
        except ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("orgs:unit-import-job", code=job.code)
    context = {
        "form": form,
        "breadcrumbs": [("单位", reverse("orgs:unit-list")), ("导入单位名录", None)],
    }
    return render(request, "orgs/unit_import.html", context, status=400 if form.errors else 200)


@require("orgs.edit")
@require_GET
def unit_import_template(request: AuthenticatedRequest) -> HttpResponse:
    _register_root(request)
    return generated(exports.template_xlsx(), XLSX, "单位名录导入模板.xlsx")


@require("orgs.edit")
def unit_import_job(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    context = {
        "job": job,
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(job.errors) - ERRORS_SHOWN),
        "breadcrumbs": [
            ("单位", reverse("orgs:unit-list")),
            ("导入单位名录", reverse("orgs:unit-import")),
            (job.original_name, None),
        ],
    }
    from ronghe.core.htmx import render_page_or_partial

    return render_page_or_partial(request, "orgs/unit_import_job.html", context, partial="job")


@require("orgs.edit")
@require_POST
def unit_import_commit(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    _register_root(request)
    form = CommitForm(request.POST)
    if job.status != ImportStatus.VALIDATED or not form.is_valid():
        messages.error(request, "该导入任务当前不能提交")
    elif form.cleaned_data["mode"] == "atomic" and job.invalid_count:
        messages.error(
            request, f"有 {job.invalid_count} 行存在错误：请修改文件后重新上传，或选择“仅导入有效行”"
        )
    else:
        jobs.request_commit(job=job, valid_only=form.cleaned_data["mode"] == "valid_only")
    return redirect("orgs:unit-import-job", code=job.code)


@require("orgs.edit")
@require_POST
def unit_import_cancel(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    if jobs.cancel(job):
        messages.success(request, "已取消本次导入，上传的文件已删除")
    else:
        messages.error(request, "该导入任务当前不能取消")
    return redirect("orgs:unit-import-job", code=job.code)


@require("orgs.view")
@require_GET
def unit_export(request: AuthenticatedRequest) -> HttpResponse:
    units = (
        units_for_user(request.user)
        .order_by("name")
        .prefetch_related("organizations", "departments", "leaders")
    )
    rows = list(units)
    audit.record("org.unit_export", actor=request.user, changes={"rows": len(rows)})
    return generated(exports.units_xlsx(rows), XLSX, f"单位名录_{timezone.localdate():%Y%m%d}.xlsx")
