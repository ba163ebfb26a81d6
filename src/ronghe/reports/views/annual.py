"""年度工作报告 pages: choose an organization and a year, preview (each figure links to the records behind
it), write each section's text, regenerate the figures, download the Word document."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.downloads import DOCX, generated
from ronghe.core.errors import DomainError
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, paths_with, scoped
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization
from ronghe.reports import statistics
from ronghe.reports.annual import services
from ronghe.reports.annual.docx import annual_docx, title_of
from ronghe.reports.models import AnnualReport

READ = "reports.view"
EDIT = "reports.edit"


def _choices(request: AuthenticatedRequest) -> list[Organization]:
    """The user's top organizations and their children, then grandchildren (a branch under a unit's 总支)."""
    roots = paths_with(request.user, READ)
    qs = scoped(Organization.objects.filter(is_active=True), request.user, READ)
    tops = list(qs.filter(path__in=roots).order_by("path"))
    children = list(qs.filter(parent__in=tops).order_by("path"))
    grandchildren = list(qs.filter(parent__in=children).exclude(kind=OrgKind.GROUP).order_by("path"))
    return sorted([*tops, *children, *grandchildren], key=lambda o: o.path)


def _last_year() -> int:
    return statistics.default_year(timezone.localdate())


def _detail_url(org: Organization, year: int) -> str:
    return reverse("reports:annual-detail", kwargs={"code": org.code, "year": year})


@require(READ)
@require_GET
def annual_list(request: AuthenticatedRequest) -> HttpResponse:
    choices = _choices(request)
    if not choices:
        raise Http404
    error = ""
    last = _last_year()
    raw_org, raw_year = request.GET.get("org", ""), request.GET.get("year", "").strip()
    if raw_org or raw_year:
        try:
            code = UUID(raw_org)
        except ValueError as exc:
            raise Http404 from exc
        org = get_for_user_or_404(Organization, request.user, perm=READ, code=code)
        try:
            year = int(raw_year)
        except ValueError:
            error = "年度：请填写四位数字的年份"
        else:
            try:
                services.check_year(year, timezone.localdate())
            except DomainError as exc:
                error = exc.message
            else:
                return redirect(_detail_url(org, year))
    reports = list(
        scoped(AnnualReport.objects.select_related("organization", "generated_by"), request.user, READ)[:100]
    )
    return render(
        request,
        "reports/annual_list.html",
        {
            "choices": choices,
            "selected": raw_org,
            "year": raw_year or last,
            "years": range(last, last - 6, -1),
            "error": error,
            "reports": reports,
            "breadcrumbs": [("统计报告", None), ("年度工作报告", None)],
        },
    )


@require(READ)
@require_GET
def annual_detail(request: AuthenticatedRequest, code: UUID, year: int) -> HttpResponse:
    org = get_for_user_or_404(Organization, request.user, perm=READ, code=code)
    error = ""
    report = None
    try:
        services.check_year(year, timezone.localdate())
    except DomainError as exc:  # no report can exist for it (and the year may be out of the column's range)
        error = exc.message
    else:
        report = (
            AnnualReport.objects.filter(organization=org, year=year).select_related("generated_by").first()
        )
    can_edit = has_perm_at(request.user, EDIT, org.path)
    return render(
        request,
        "reports/annual_detail.html",
        {
            "org": org,
            "year": year,
            "report": report,
            "title": f"{org.name}{year}年度党建工作报告",
            "sections": services.sections_of(report) if report else [],
            "error": error,
            "can_edit": can_edit and not error,
            "running": bool(report and report.generating_since),
            "breadcrumbs": [
                ("统计报告", None),
                ("年度工作报告", reverse("reports:annual-list")),
                (f"{org.name} {year} 年", None),
            ],
        },
    )


@require(EDIT)
@require_POST
def annual_generate(request: AuthenticatedRequest, code: UUID, year: int) -> HttpResponseRedirect:
    org = get_for_user_or_404(Organization, request.user, perm=EDIT, code=code)
    try:
        services.generate(organization=org, year=year, actor=request.user, today=timezone.localdate())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已根据最新记录生成各项数据，已填写的文字保持不变")
    return redirect(_detail_url(org, year))


@require(EDIT)
@require_POST
def annual_section(request: AuthenticatedRequest, code: UUID, year: int, key: str) -> HttpResponseRedirect:
    org = get_for_user_or_404(Organization, request.user, perm=EDIT, code=code)
    report = AnnualReport.objects.filter(organization=org, year=year).first()
    if report is None:
        raise Http404("未找到或无权访问")
    try:
        services.save_narrative(report=report, key=key, text=request.POST.get("text", ""), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存")
    return redirect(f"{_detail_url(org, year)}#section-{key}")


@require(READ)
@require_GET
def annual_docx_download(request: AuthenticatedRequest, code: UUID, year: int) -> HttpResponse:
    org = get_for_user_or_404(Organization, request.user, perm=READ, code=code)
    if not 1949 <= year <= timezone.localdate().year:
        raise Http404("该年度工作报告尚未生成")
    report = (
        AnnualReport.objects.filter(organization=org, year=year, generated_at__isnull=False)
        .select_related("organization")
        .first()
    )
    if report is None:
        raise Http404("该年度工作报告尚未生成")
    audit.record("reports.annual.export", obj=org, changes={"year": year})
    return generated(annual_docx(report), DOCX, f"{title_of(report)}.docx")
