"""业务指标 pages: the list with the add form, a KPI with its results and the hand entry, the Excel import."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.assessment import kpis, queries, services
from ronghe.assessment.forms import (
    KpiForm,
    KpiImportForm,
    KpiResultForm,
)
from ronghe.assessment.models import KpiDefinition
from ronghe.assessment.views import MANAGE, VIEW, _units_managed, _year
from ronghe.core.errors import DomainError, add_each_to_form, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at


@require(VIEW)
def kpi_list(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    q = (request.GET.get("q") or "").strip()
    rows = queries.visible_kpis(request.user, year)
    if q:
        rows = rows.filter(unit__name__icontains=q)
    page = paginate(request, rows, per_page=30)
    units = _units_managed(request)
    form = KpiForm(units=[(str(u.code), u.name) for u in units]) if units else None
    return render_page_or_partial(
        request,
        "assessment/kpi_list.html",
        {"page": page, "year": year, "q": q, "query": query_without_page(request), "form": form},
    )


@require(MANAGE)
@require_POST
def kpi_create(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    units = _units_managed(request)
    form = KpiForm(request.POST, units=[(str(u.code), u.name) for u in units])
    if form.is_valid():
        unit = next(u for u in units if str(u.code) == form.cleaned_data["unit"])
        try:
            kpis.define_kpi(actor=request.user, unit=unit, year=year, data=form.cleaned_data)
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, "业务指标已保存")
            return redirect(reverse("assessment:kpi-list") + f"?year={year}")
    page = paginate(request, queries.visible_kpis(request.user, year), per_page=30)
    return render(
        request,
        "assessment/kpi_list.html",
        {"page": page, "year": year, "q": "", "query": "", "form": form},
        status=400,
    )


@require(services.REPORT)
def kpi_import(request: AuthenticatedRequest) -> HttpResponse:
    """完成值 from an Excel sheet: checked row by row; any bad row writes nothing."""
    from ronghe.assessment import imports

    form = KpiImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = imports.import_results(
                actor=request.user, upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            if not form.cleaned_data["dry_run"] and not outcome.invalid and outcome.valid:
                messages.success(
                    request,
                    f"已导入 {outcome.created} 条完成值（重复的 {len(outcome.valid) - outcome.created} 条未重复保存）",
                )
                return redirect("assessment:kpi-list")
    status = 400 if form.errors or (outcome and outcome.invalid) else 200
    return render(
        request,
        "assessment/kpi_import.html",
        {
            "form": form,
            "outcome": outcome,
            "headers": ["单位", "指标代码", "期间", "完成值", "来源系统"],
            "breadcrumbs": [("业务指标", reverse("assessment:kpi-list")), ("导入完成值", None)],
        },
        status=status,
    )


@require(VIEW)
def kpi_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    kpi = get_for_user_or_404(KpiDefinition.objects.select_related("unit"), request.user, perm=VIEW, pk=pk)
    can_report = has_perm_at(request.user, services.REPORT, kpi.organization.path)
    form = KpiResultForm(request.POST or None) if can_report else None
    if request.method == "POST" and form is not None and form.is_valid():
        import uuid

        try:
            kpis.record_result(
                actor=request.user,
                unit_code=str(kpi.unit.code),
                kpi_code=kpi.code,
                period=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
                source_system="手工录入",
                idempotency_key=f"manual-{uuid.uuid4()}",
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "完成值已录入")
            return redirect("assessment:kpi-detail", pk=pk)
    return render(
        request,
        "assessment/kpi_detail.html",
        {
            "kpi": kpi,
            "results": kpi.results.order_by("-received_at")[:100],
            "form": form,
            "breadcrumbs": [
                ("业务指标", reverse("assessment:kpi-list") + f"?year={kpi.year}"),
                (kpi.name, None),
            ],
        },
        status=400 if form is not None and form.errors else 200,
    )
