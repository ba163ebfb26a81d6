"""The criteria of a selection (评审标准), edited by the 工委 while units nominate: add, edit, delete,
each through the scheme editor (`core.scoring.editing`, via `criteria.add_criterion` …). Refused once
judging opened: the judges score what was fixed then."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.permissions import require
from ronghe.core.scope import has_perm_at
from ronghe.core.scoring import pages
from ronghe.core.scoring.choices import IndicatorKind
from ronghe.core.scoring.models import Campaign
from ronghe.selections import criteria
from ronghe.selections.choices import CampaignState
from ronghe.selections.forms import CriterionForm
from ronghe.selections.views.campaigns import campaign_for


def _managed(request: AuthenticatedRequest, code: UUID) -> Campaign:
    """The campaign (404 outside what the user sees), which the user must run (403)."""
    campaign = campaign_for(request, code)
    if not has_perm_at(request.user, "selections.manage", campaign.organization.path):
        raise PermissionDenied("您没有组织评选的权限")
    return campaign


def _crumbs(campaign: Campaign, last: str) -> list[tuple[str, str | None]]:
    return [
        ("评选表彰", reverse("selections:campaign-list")),
        (campaign.name, reverse("selections:campaign-detail", args=[campaign.code])),
        ("评审标准", reverse("selections:criterion-list", args=[campaign.code])),
        (last, None),
    ]


def _editable(campaign: Campaign) -> bool:
    return campaign.state == CampaignState.NOMINATING and campaign.scheme.is_editable


@require("selections.manage")
def criterion_list(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """The criteria with their 满分, and (while units nominate) a form to add one."""
    campaign = _managed(request, code)
    scheme = campaign.scheme
    editable = _editable(campaign)
    form = CriterionForm(request.POST if request.method == "POST" else None, scheme=scheme)
    if request.method == "POST" and not editable:
        messages.error(request, criteria.CRITERIA_FIXED)
        return redirect("selections:criterion-list", campaign.code)
    if request.method == "POST" and form.is_valid():
        try:
            criteria.add_criterion(actor=request.user, campaign=campaign, data=form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已添加评审标准“{form.cleaned_data['name']}”")
            return redirect("selections:criterion-list", campaign.code)
    rows = list(scheme.indicators.filter(kind=IndicatorKind.ENTERED).order_by("order", "pk"))
    return render(
        request,
        "selections/criteria.html",
        {
            "campaign": campaign,
            "rows": rows,
            "total": sum((r.ceiling or 0 for r in rows), 0),
            "editable": editable,
            "form": form if editable else None,
            "breadcrumbs": _crumbs(campaign, "评审标准")[:2] + [("评审标准", None)],
        },
        status=422 if form.errors else 200,
    )


@require("selections.manage")
def criterion_update(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    campaign = _managed(request, code)
    indicator = pages.indicator_or_404(campaign.scheme, pk)
    if not _editable(campaign):
        messages.error(request, criteria.CRITERIA_FIXED)
        return redirect("selections:criterion-list", campaign.code)
    initial = {"code": indicator.code, "name": indicator.name, "ceiling": indicator.ceiling}
    form = CriterionForm(
        request.POST if request.method == "POST" else None, scheme=campaign.scheme, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            criteria.update_criterion(
                actor=request.user, campaign=campaign, indicator=indicator, data=form.cleaned_data
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"评审标准“{indicator.name}”已保存")
            return redirect("selections:criterion-list", campaign.code)
    title = f"编辑评审标准：{indicator.name}"
    return render(
        request,
        "selections/simple_form.html",
        {"form": form, "title": title, "submit": "保存", "breadcrumbs": _crumbs(campaign, title)},
        status=422 if form.errors else 200,
    )


@require("selections.manage")
@require_POST
def criterion_delete(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    campaign = _managed(request, code)
    indicator = pages.indicator_or_404(campaign.scheme, pk)
    try:
        criteria.delete_criterion(actor=request.user, campaign=campaign, indicator=indicator)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"评审标准“{indicator.name}”已删除")
    return redirect("selections:criterion-list", campaign.code)
