"""Files of 发展党员: the dossier (Word and PDF), the import page and its job, the import template."""

from __future__ import annotations

import io
from uuid import UUID

import xlsxwriter
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.downloads import DOCX, PDF, XLSX, generated
from ronghe.core.evidence import services as evidence
from ronghe.core.imports import jobs
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.models import ImportJob, ImportStatus
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, paths_with, require_at
from ronghe.core.workflow import services as workflow
from ronghe.orgs.models import Organization
from ronghe.recruitment import exports, process, rules, services
from ronghe.recruitment.forms import ImportForm
from ronghe.recruitment.imports import KIND
from ronghe.recruitment.imports.columns import TEMPLATE_HEADER
from ronghe.recruitment.views.cases import case_for

ERRORS_SHOWN = 200


@require("recruitment.view")
@require_GET
def dossier(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _dossier(request, code, as_pdf=False)


@require("recruitment.view")
@require_GET
def dossier_pdf(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _dossier(request, code, as_pdf=True)


def _dossier(request: AuthenticatedRequest, code: UUID, *, as_pdf: bool) -> HttpResponse:
    case = case_for(request, code)
    content = exports.dossier(
        case,
        facts=services.facts_of(case),
        contacts=[m.name for m in case.contacts.all()],
        introducers=[m.name for m in case.introducers.all()],
        files=evidence.for_object(rules.CASE, case.pk),
        observations=list(case.observations.all()),
        history=workflow.history_for(process.CASE_PROCESS, case),
    )
    audit.record(
        "recruitment.dossier_export",
        actor=request.user,
        obj=case,
        changes={"format": "pdf" if as_pdf else "docx"},
    )
    name = f"发展党员纪实-{case.name}"
    if as_pdf:
        return generated(exports.dossier_pdf(content), PDF, f"{name}.pdf")
    return generated(exports.dossier_docx(content), DOCX, f"{name}.docx")


def _organizations(request: AuthenticatedRequest):  # type: ignore[no-untyped-def]
    qs = Organization.objects.none()
    for path in paths_with(request.user, "recruitment.import"):
        qs = qs | Organization.objects.filter(path__startswith=path)
    return qs.order_by("path")


@require("recruitment.import")
@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, organizations=_organizations(request))
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["organization"]
        require_at(request.user, "recruitment.import", target.path)
        try:
            job = jobs.start_import(
                kind=KIND, upload=form.cleaned_data["file"], target=target, user=request.user
            )
        except ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("recruitment:import-job", code=job.code)
    recent = ImportJob.objects.filter(created_by=request.user, kind=KIND).select_related("organization")[:10]
    context = {
        "form": form,
        "jobs": recent,
        "breadcrumbs": [("发展党员", reverse("recruitment:case-list")), ("导入", None)],
    }
    return render(request, "recruitment/import_form.html", context, status=422 if form.errors else 200)


def _job(request: AuthenticatedRequest, code: UUID) -> ImportJob:
    job = get_for_user_or_404(
        ImportJob.objects.select_related("organization").filter(kind=KIND),
        request.user,
        perm="recruitment.import",
        code=code,
    )
    return jobs.fail_if_stale(job)


@require("recruitment.import")
@require_GET
def import_job(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    context = {
        "job": job,
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(job.errors) - ERRORS_SHOWN),
        "breadcrumbs": [
            ("发展党员", reverse("recruitment:case-list")),
            ("导入", reverse("recruitment:import")),
            (job.original_name, None),
        ],
    }
    return render(request, "recruitment/import_job.html", context)


@require("recruitment.import")
@require_POST
def import_commit(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    valid_only = request.POST.get("mode") == "valid_only"
    if job.status != ImportStatus.VALIDATED:
        messages.error(request, "该导入任务当前不能提交")
    elif job.invalid_count and not valid_only:
        messages.error(
            request, f"有 {job.invalid_count} 行存在错误：请修改文件后重新上传，或选择“仅导入有效行”"
        )
    else:
        jobs.request_commit(job=job, valid_only=valid_only)
    return redirect("recruitment:import-job", code=job.code)


@require("recruitment.import")
@require_GET
def import_template(request: AuthenticatedRequest) -> HttpResponse:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("发展党员")
    text = workbook.add_format({"num_format": "@"})
    for col, name in enumerate(TEMPLATE_HEADER):
        sheet.write_string(0, col, name)
        sheet.set_column(col, col, 14, text)
    workbook.close()
    return generated(buffer.getvalue(), XLSX, "发展党员导入模板.xlsx")
