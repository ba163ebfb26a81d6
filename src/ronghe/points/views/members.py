"""A member's points: my points, a member's year and ledger, adjustments, the ranking, exports."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.charts import render_or_export, with_table
from ronghe.core.downloads import DOCX, XLSX, export_response, generated
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere, has_perm_at
from ronghe.core.scoring.choices import SchemePurpose
from ronghe.core.scoring.models import Indicator
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.points import exports, queries, services
from ronghe.points.choices import ClaimState
from ronghe.points.forms import (
    AdjustmentForm,
    RankingFilterForm,
)
from ronghe.points.models import Claim, PointsEntry
from ronghe.points.views.params import own_member, requested_year


@require("self.view")
def my_points(request: AuthenticatedRequest) -> HttpResponse:
    member = own_member(request)
    year = requested_year(request)
    context: dict[str, Any] = {"member": member, "year": year, "breadcrumbs": [("我的积分", None)]}
    if member is not None:
        summary = queries.member_summary(member, year)
        page = paginate(request, queries.entries_for_member(member, year), per_page=20)
        queries.attach_source_urls(list(page.object_list), request.user)
        context.update(
            summary=summary,
            formula=queries.member_formula(member, summary),
            page=page,
            query=query_without_page(request),
            open_claims=Claim.objects.filter(member=member, state=ClaimState.SUBMITTED).count(),
        )
    return render_page_or_partial(request, "points/my_points.html", context)


@require("points.view")
def member_points(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm="points.view", code=code
    )
    year = requested_year(request)
    summary = queries.member_summary(member, year)
    page = paginate(request, queries.entries_for_member(member, year), per_page=20)
    queries.attach_source_urls(list(page.object_list), request.user)
    adjust_form = None
    if has_perm_at(request.user, "points.edit", member.organization.path) and summary.scheme is not None:
        adjust_form = AdjustmentForm(indicators=summary.scheme.indicators.exclude(kind="veto"))
    return render_page_or_partial(
        request,
        "points/member_points.html",
        {
            "member": member,
            "year": year,
            "summary": summary,
            "formula": queries.member_formula(member, summary),
            "page": page,
            "query": query_without_page(request),
            "adjust_form": adjust_form,
            "breadcrumbs": [("积分排名", reverse("points:ranking")), (member.name, None)],
        },
    )


@require("points.edit")
@require_POST
def member_adjust(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm="points.edit", code=code
    )
    scheme = services.scheme_for(member.organization, timezone.localdate().year)
    indicators = Indicator.objects.filter(scheme__purpose=SchemePurpose.MEMBER_POINTS).select_related(
        "scheme"
    )
    form = AdjustmentForm(request.POST, indicators=indicators)
    if form.is_valid():
        try:
            services.adjust_points(
                actor=request.user,
                member=member,
                indicator=form.cleaned_data["indicator"],
                points=form.cleaned_data["points"],
                on=form.cleaned_data["occurred_on"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "积分调整已记录")
            return redirect(reverse("points:member-points", kwargs={"code": member.code}))
    year = timezone.localdate().year
    summary = queries.member_summary(member, year)
    page = paginate(request, queries.entries_for_member(member, year), per_page=20)
    queries.attach_source_urls(list(page.object_list), request.user)
    form.offer(scheme.indicators.exclude(kind="veto") if scheme else Indicator.objects.none())
    return render(
        request,
        "points/member_points.html",
        {
            "member": member,
            "year": year,
            "summary": summary,
            "formula": queries.member_formula(member, summary),
            "page": page,
            "adjust_form": form,
        },
        status=422,
    )


@require("self.view")
def entry_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """One ledger entry and its source: a member sees their own, a secretary those in scope."""
    entry = get_for_user_or_404(
        PointsEntry.objects.select_related("member__organization", "indicator__dimension", "created_by"),
        request.user,
        perm="points.view",
        code=code,
    )
    own = getattr(request.user, "member_id", None) == entry.member_id
    back = (
        (reverse("points:my-points"), "我的积分")
        if own
        else (reverse("points:member-points", kwargs={"code": entry.member.code}), entry.member.name)
    )
    return render(
        request,
        "points/entry_detail.html",
        {
            "entry": entry,
            "source": queries.entry_source(entry, request.user),
            "breadcrumbs": [(back[1], back[0]), ("积分来源", None)],
        },
    )


@require("points.view")
def ranking(request: AuthenticatedRequest) -> HttpResponse:
    orgs = list(queries.organizations_for_user(request.user).order_by("path")[:500])
    form = RankingFilterForm(request.GET, orgs=[(str(o.code), "　" * o.depth + o.name) for o in orgs])
    year = timezone.localdate().year
    root = queries.default_root(request.user)
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        if form.cleaned_data["org"]:
            root = get_for_user_or_404(
                Organization, request.user, perm="points.view", code=form.cleaned_data["org"]
            )
    page = paginate(request, queries.ranking(root, year), per_page=30) if root else None
    if page is not None:
        page.object_list = queries.with_formulas(page.object_list, year)  # type: ignore[assignment]
    context = {
        "form": form,
        "root": root,
        "year": year,
        "page": page,
        "query": query_without_page(request),
        "chart": (
            with_table(
                queries.grade_distribution(root, year),
                id="grade-table",
                caption="5A 等次分布（A 等维度数与人数）",
                columns=["等次", "人数"],
            )
            if root
            else None
        ),
        "can_manage": has_perm_anywhere(request.user, "points.manage_scheme"),
        "can_approve": has_perm_anywhere(request.user, "points.approve"),
        "breadcrumbs": [("积分排名", None)],
    }
    return render_or_export(request, "points/ranking.html", context, render_page=render_page_or_partial)


@require("points.view")
def ledger_export(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    org = get_for_user_or_404(Organization, request.user, perm="points.view", code=code)
    params = {"year": requested_year(request), "base_url": request.build_absolute_uri("/")}
    return export_response(request, exports.LEDGER, org, params)  # a big scope: a background job


@require("self.view")
def member_statement(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm="points.view", code=code
    )
    year = requested_year(request)
    content = exports.statement_xlsx(member, year)
    audit.record("points.statement_exported", obj=member, changes={"year": year})
    return generated(content, XLSX, f"{member.name}{year}年度积分明细.xlsx")


@require("self.view")
def member_statement_docx(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm="points.view", code=code
    )
    year = requested_year(request)
    content = exports.statement_docx(member, year)
    audit.record("points.statement_exported", obj=member, changes={"year": year, "format": "docx"})
    return generated(content, DOCX, f"{member.name}{year}年度积分明细.docx")
