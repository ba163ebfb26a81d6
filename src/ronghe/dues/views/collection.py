"""The branch's month: the collection sheet, the monthly run, arrears and the 支部大会 cases."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, scoped
from ronghe.dues import queries, rules, services
from ronghe.dues import relief as relief_services
from ronghe.dues.choices import CaseState
from ronghe.dues.forms import CaseForm
from ronghe.dues.models import ArrearsCase
from ronghe.dues.views.params import requested_org, requested_period
from ronghe.members.models import Member


def _sheet_url(org_code: UUID, period: str) -> str:
    return f"{reverse('dues:collection')}?org={org_code}&period={period}"


@require("dues.view")
def collection(request: AuthenticatedRequest) -> HttpResponse:
    """收缴登记: every member of the organization for a month, their fee, state and arrears."""
    org = requested_org(request)
    period = requested_period(request)
    today = timezone.localdate()
    page = paginate(request, queries.sheet_members(org), per_page=50, count_key="dues-sheet")
    rows = queries.month_sheet(list(page.object_list), period, today)
    counts = queries.month_counts(org, period)
    context: dict[str, Any] = {
        "org": org,
        "orgs": queries.organization_picker(request.user),
        "period": period,
        "period_value": period.strftime("%Y-%m"),
        "rows": rows,
        "page": page,
        "query": query_without_page(request),
        "member_count": page.paginator.count,
        "paid": counts["paid"],
        "unrecorded": page.paginator.count - counts["recorded"],
        "warnings": sum(1 for r in rows if r.arrears.level),
        "can_edit": has_perm_at(request.user, "dues.edit", org.path),
        "today": today,
        "breadcrumbs": [("党费收缴", None)],
    }
    return render_page_or_partial(request, "dues/collection.html", context)


@require("dues.edit")
@require_POST
def month_run(request: AuthenticatedRequest) -> HttpResponse:
    org = requested_org(request, "dues.edit")
    period = requested_period(request)
    try:
        result = services.run_month(
            actor=request.user, organization=org, period=period, today=timezone.localdate()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        text = f"已生成{rules.month_label(period)}党费记录 {result.created} 条"
        if result.no_base:
            text += f"，其中 {result.no_base} 人尚未核定计算基数"
        if result.cases_opened:
            text += f"；{result.cases_opened} 名党员连续6个月未交党费，已提交支部大会研究"
        messages.success(request, text)
    return redirect(_sheet_url(org.code, period.strftime("%Y-%m")))


@require("dues.edit")
@require_POST
def collect(request: AuthenticatedRequest) -> HttpResponse:
    """Mark the checked members as paid for the month (all or nothing)."""
    org = requested_org(request, "dues.edit")
    period = requested_period(request)
    codes = request.POST.getlist("member")
    try:
        members = list(
            scoped(Member.objects.select_related("organization"), request.user, "dues.edit").filter(
                code__in=codes
            )
        )
    except ValidationError:
        members = []
    paid_on = timezone.localdate()
    try:
        if len(members) != len(codes):
            raise DomainError("所选党员不在您的管理范围内", field="members")
        count = services.record_collection(
            actor=request.user, organization=org, period=period, members=members, paid_on=paid_on
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已登记{count}名党员{rules.month_label(period)}的党费")
    return redirect(_sheet_url(org.code, period.strftime("%Y-%m")))


@require("dues.view")
def arrears(request: AuthenticatedRequest) -> HttpResponse:
    """欠交党费: members at a warning (3 months) or a case (6 months), and the open cases."""
    org = requested_org(request)
    today = timezone.localdate()
    rows = queries.arrears_list(request.user, today, org)
    cases = scoped(
        ArrearsCase.objects.select_related("member", "organization"), request.user, "dues.view"
    ).filter(organization__path__startswith=org.path)
    return render(
        request,
        "dues/arrears.html",
        {
            "org": org,
            "orgs": queries.organization_picker(request.user),
            "rows": rows,
            "open_cases": cases.filter(state=CaseState.OPEN),
            "closed_cases": cases.filter(state=CaseState.CLOSED)[:20],
            "case_form": CaseForm(initial={"decided_on": today}),
            "can_edit": has_perm_at(request.user, "dues.edit", org.path),
            "breadcrumbs": [("党费收缴", reverse("dues:collection")), ("欠交党费", None)],
        },
    )


@require("dues.edit")
@require_POST
def case_close(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    case = get_for_user_or_404(
        ArrearsCase.objects.select_related("organization", "member"),
        request.user,
        perm="dues.edit",
        code=code,
    )
    form = CaseForm(request.POST)
    if form.is_valid():
        try:
            relief_services.close_case(
                actor=request.user,
                case=case,
                decision=form.cleaned_data["decision"],
                decided_on=form.cleaned_data["decided_on"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记支部大会对{case.member.name}欠交党费的研究结果")
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(f"{reverse('dues:arrears')}?org={case.organization.code}")
