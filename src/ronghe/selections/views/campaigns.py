"""The 工委's selection pages: the list, opening a campaign, the campaign page and its steps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.downloads import DOCX, PDF, generated
from ronghe.core.errors import DomainError, add_each_to_form, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.jointreview import services as jointreview
from ronghe.core.judging import services as judging
from ronghe.core.judging.models import PanelState
from ronghe.core.permissions import require
from ronghe.core.publicity import services as publicity
from ronghe.core.scope import has_perm_at, paths_with
from ronghe.core.scoring import levels
from ronghe.core.scoring.models import Campaign
from ronghe.core.workflow import services as workflow
from ronghe.orgs.models import Organization, Unit
from ronghe.selections import exports, queries, rules, services
from ronghe.selections.choices import CampaignState
from ronghe.selections.forms import CampaignForm, JudgeForm, ProposeForm

STATE_LABELS = dict(CampaignState.choices)
STEPS = [
    (CampaignState.NOMINATING, "单位推荐"),
    (CampaignState.JUDGING, "评委评审"),
    (CampaignState.REVIEW, "联审"),
    (CampaignState.PUBLICITY, "公示"),
    (CampaignState.ANNOUNCED, "公布结果"),
]


def campaign_for(request: AuthenticatedRequest, code: UUID) -> Campaign:
    """A selection the user sees (404 otherwise)."""
    campaign = queries.visible_campaigns(request.user).filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign


def _manage_nodes(request: AuthenticatedRequest) -> list[Organization]:
    return list(
        Organization.objects.filter(path__in=paths_with(request.user, "selections.manage")).order_by("path")
    )


@require("selections.view")
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(request, queries.visible_campaigns(request.user), per_page=20)
    for c in page.object_list:
        c.state_label = STATE_LABELS.get(c.state, c.state)
    return render_page_or_partial(
        request,
        "selections/campaign_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "can_open": bool(_manage_nodes(request)),
            "breadcrumbs": [("评选表彰", None)],
        },
    )


@require("selections.manage")
def campaign_create(request: AuthenticatedRequest) -> HttpResponse:
    nodes = _manage_nodes(request)
    if not nodes:
        raise PermissionDenied("您没有组织评选的权限")
    node = nodes[0]
    today = timezone.localdate()
    initial = {
        "year": today.year,
        "places": 10,
        "unit_quota": 2,
        "publicity_days": 5,
        "aggregation": levels.TRIMMED_MEAN,
        "tie_rule": levels.TIES_EXCLUDE,
    }
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.open_campaign(
                actor=request.user,
                organization=node,
                year=data["year"],
                category=data["category"],
                places=data["places"],
                unit_quota=data["unit_quota"],
                timetable={k: data[k] for k in rules.TIMETABLE},
                aggregation=data["aggregation"],
                tie_rule=data["tie_rule"],
                eligibility=rules.Eligibility(
                    full_member=data["full_member"],
                    no_sanction=data["no_sanction"],
                    min_stars=int(data["min_stars"]) if data["min_stars"] else None,
                    min_grade=int(data["min_grade"]) if data["min_grade"] else None,
                ),
                publicity_days=data["publicity_days"],
                name=data["name"],
            )
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, f"已开启“{campaign.name}”")
            return redirect("selections:campaign-detail", campaign.code)
    return render(
        request,
        "selections/campaign_form.html",
        {
            "form": form,
            "node": node,
            "breadcrumbs": [("评选表彰", reverse("selections:campaign-list")), ("开启评选", None)],
        },
        status=422 if form.errors else 200,
    )


def _detail(
    request: AuthenticatedRequest, campaign: Campaign, *, forms: dict[str, Any] | None = None
) -> HttpResponse:
    user = request.user
    selection = campaign.selection
    manage = has_perm_at(user, "selections.manage", campaign.organization.path)
    panel = services.panel_of(campaign)
    rows = list(queries.visible_nominations(user, campaign).order_by("place", "unit__name", "id"))
    scored = campaign.state not in (CampaignState.NOMINATING, CampaignState.JUDGING)
    counts = judging.sheet_counts(panel) if manage else {}
    for n in rows:
        n.sheet_count = counts.get(str(n.pk), 0)  # type: ignore[attr-defined]
    # the units the user nominates for, with their quota use
    units: dict[int, Unit] = {}
    for path in paths_with(user, "selections.nominate"):
        for org in Organization.objects.filter(path=path).select_related("unit"):
            if org.unit is not None and org.path.startswith(campaign.organization.path):
                units[org.unit.pk] = org.unit
    usage = [
        {"unit": u, "used": services.unit_usage(campaign, u.pk), "quota": selection.unit_quota}
        for u in units.values()
    ]
    forms = forms or {}
    judges = list(panel.judges.select_related("judge", "unit"))
    candidates = [(str(u.pk), u.display_name or u.username) for u in services.judge_candidates(campaign)]
    level_rules = campaign.scheme.to_level_rules()
    context = {
        "campaign": campaign,
        "selection": selection,
        "state_label": STATE_LABELS.get(campaign.state, campaign.state),
        "steps": [(s, label, i) for i, (s, label) in enumerate(STEPS)],
        "step_index": [str(s) for s, _ in STEPS].index(campaign.state),
        "rows": rows,
        "scored": scored,
        "manage": manage,
        "usage": usage,
        "can_nominate": bool(usage) and campaign.state == CampaignState.NOMINATING,
        "eligibility": rules.Eligibility.from_dict(selection.eligibility).describe(),
        "aggregation_label": levels.AGGREGATIONS.get(level_rules.aggregation, ""),
        "tie_label": rules.TIE_RULES.get(level_rules.tie_rule, ""),
        "criteria": panel.indicators,
        "judges": judges,
        "panel_open": panel.state == PanelState.OPEN,
        "judge_form": forms.get("judge")
        or (JudgeForm(candidates=candidates) if manage and candidates else None),
        "no_candidates": manage and not candidates and panel.state == PanelState.OPEN,
        "propose_form": forms.get("propose")
        or ProposeForm(initial={"due_on": timezone.localdate() + timedelta(days=5)}),
        # newest first: the 递补联审 / 递补公示 after the first
        "reviews": list(jointreview.for_object(rules.CAMPAIGN, campaign.pk)),
        "publications": list(publicity.for_object(rules.CAMPAIGN, campaign.pk)),
        "honours": list(queries.honours_list(campaign)) if campaign.state == CampaignState.ANNOUNCED else [],
        "history": workflow.history_for(rules.CAMPAIGN_PROCESS, campaign),
        "breadcrumbs": [("评选表彰", reverse("selections:campaign-list")), (campaign.name, None)],
    }
    return render(request, "selections/campaign_detail.html", context, status=422 if forms else 200)


@require("selections.view")
def campaign_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _detail(request, campaign_for(request, code))


def _step(
    request: AuthenticatedRequest, code: UUID, do: Callable[[Campaign], object], done: str
) -> HttpResponse:
    campaign = campaign_for(request, code)
    if not has_perm_at(request.user, "selections.manage", campaign.organization.path):
        raise PermissionDenied("您没有组织评选的权限")
    try:
        do(campaign)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("selections:campaign-detail", campaign.code)


@require("selections.manage")
@require_POST
def campaign_judge(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    if not has_perm_at(request.user, "selections.manage", campaign.organization.path):
        raise PermissionDenied("您没有组织评选的权限")
    candidates = {str(u.pk): u for u in services.judge_candidates(campaign)}
    form = JudgeForm(
        request.POST, candidates=[(k, u.display_name or u.username) for k, u in candidates.items()]
    )
    if form.is_valid():
        judge = candidates[form.cleaned_data["judge"]]
        try:
            services.add_judge(actor=request.user, campaign=campaign, judge=judge)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已将“{judge.display_name or judge.username}”列为评委")
            return redirect("selections:campaign-detail", campaign.code)
    return _detail(request, campaign, forms={"judge": form})


@require("selections.manage")
@require_POST
def campaign_start_judging(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _step(
        request,
        code,
        lambda c: services.start_judging(actor=request.user, campaign=c),
        "推荐已截止，评委开始评审",
    )


@require("selections.manage")
@require_POST
def campaign_propose(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    if not has_perm_at(request.user, "selections.manage", campaign.organization.path):
        raise PermissionDenied("您没有组织评选的权限")
    form = ProposeForm(request.POST)
    if form.is_valid():
        try:
            services.propose(actor=request.user, campaign=campaign, due_on=form.cleaned_data["due_on"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "评分已结束，入选名单已提交联审")
            return redirect("selections:campaign-detail", campaign.code)
    return _detail(request, campaign, forms={"propose": form})


@require("selections.manage")
@require_POST
def campaign_publish(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _step(
        request, code, lambda c: services.publish(actor=request.user, campaign=c), "拟表彰名单已公示"
    )


@require("selections.manage")
@require_POST
def campaign_announce(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _step(
        request,
        code,
        lambda c: services.announce(actor=request.user, campaign=c),
        "评选结果已公布，荣誉已记入获奖对象的档案",
    )


@require("selections.view")
def honours_docx(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    if campaign.state != CampaignState.ANNOUNCED:
        raise Http404
    rows = list(queries.honours_list(campaign))
    audit.record("selections.honours_exported", actor=request.user, obj=campaign, changes={"rows": len(rows)})
    return generated(exports.honours_docx(campaign, rows), DOCX, f"{campaign.name}表彰名单.docx")


@require("selections.view")
def honours_pdf(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    if campaign.state != CampaignState.ANNOUNCED:
        raise Http404
    rows = list(queries.honours_list(campaign))
    audit.record(
        "selections.honours_exported",
        actor=request.user,
        obj=campaign,
        changes={"rows": len(rows), "format": "pdf"},
    )
    return generated(exports.honours_pdf(campaign, rows), PDF, f"{campaign.name}表彰名单.pdf")
