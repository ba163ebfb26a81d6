"""The 工委's campaign pages: list, open, the campaign page with its steps, the what-if."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, InvalidInput, add_each_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import has_perm_at, paths_with
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Campaign, Scheme
from ronghe.core.workflow import services as workflow
from ronghe.orgs.models import Organization
from ronghe.ratings import queries, rules, services
from ronghe.ratings.choices import CampaignState, EntryState
from ronghe.ratings.forms import CampaignForm, ProposeForm, WhatIfForm
from ronghe.ratings.models import Recheck

STATE_LABELS = dict(CampaignState.choices)


def campaign_for(request: AuthenticatedRequest, code: UUID) -> Campaign:
    """A campaign the user sees (404 otherwise: no leak of other counties' campaigns)."""
    campaign = queries.visible_campaigns(request.user).filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign


def _manage_nodes(request: AuthenticatedRequest) -> list[Organization]:
    paths = paths_with(request.user, "ratings.manage")
    return list(Organization.objects.filter(path__in=paths).order_by("path"))


@require("ratings.view")
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    campaigns = queries.visible_campaigns(request.user)
    page = paginate(request, campaigns, per_page=20)
    for c in page.object_list:
        c.state_label = STATE_LABELS.get(c.state, c.state)
    return render_page_or_partial(
        request,
        "ratings/campaign_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "can_open": bool(_manage_nodes(request)),
            "breadcrumbs": [("评星定级", None)],
        },
    )


@require("ratings.manage")
def campaign_create(request: AuthenticatedRequest) -> HttpResponse:
    nodes = _manage_nodes(request)
    if not nodes:
        raise PermissionDenied("您没有组织评星的权限")
    node = nodes[0]
    year = timezone.localdate().year
    schemes = Scheme.objects.filter(
        purpose=SchemePurpose.BRANCH_STARS, status=SchemeStatus.ACTIVE, organization__in=nodes
    ).order_by("-year")
    choices = [(str(s.code), str(s)) for s in schemes]
    if request.method == "POST" and request.POST.get("seed"):
        try:
            seed_year = int(request.POST.get("seed_year") or year)
        except ValueError:
            seed_year = year
        if Scheme.objects.filter(
            purpose=SchemePurpose.BRANCH_STARS, organization=node, year=seed_year
        ).exists():
            messages.info(request, f"{seed_year} 年度已有评星方案")
        else:
            services.seed_default_scheme(organization=node, year=seed_year, actor=request.user)
            messages.success(request, f"已建立 {seed_year} 年度默认评星方案，可在方案页面修改后使用")
        return redirect("ratings:campaign-create")
    form = CampaignForm(request.POST or None, schemes=choices, initial={"year": year, "publicity_days": 5})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scheme = schemes.filter(code=data["scheme"]).first()
        try:
            if scheme is None:
                raise DomainError("请选择评星方案", field="scheme")
            quotas = None
            if data["quota_five"] is not None:
                quotas = [levels.Quota(5, data["quota_five"])]
            campaign = services.open_campaign(
                actor=request.user,
                organization=node,
                year=data["year"],
                scheme=scheme,
                timetable={k: data[k] for k in rules.TIMETABLE},
                quotas=quotas,
                publicity_days=data["publicity_days"],
                name=data["name"],
            )
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(
                request, f"已开启“{campaign.name}”，{campaign.rating_entries.count()} 个支部参加"
            )
            return redirect("ratings:campaign-detail", campaign.code)
    return render(
        request,
        "ratings/campaign_form.html",
        {
            "form": form,
            "node": node,
            "has_schemes": bool(choices),
            "year": year,
            "breadcrumbs": [("评星定级", reverse("ratings:campaign-list")), ("开启评星", None)],
        },
    )


@require("ratings.view")
def campaign_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    entries = queries.visible_entries(request.user, campaign)
    today = timezone.localdate()
    state = request.GET.get("state", "")
    late_only = request.GET.get("late") == "1"
    rows = entries
    if state in EntryState.values:
        rows = rows.filter(state=state)
    if late_only:
        rows = services.late_entries(campaign, rows, today)
    late_states = (
        rules.late_states(campaign.timetable, today) if campaign.state == CampaignState.OPEN else set()
    )
    previous = services.previous_levels(campaign)
    page = paginate(request, rows.order_by("organization__path"), per_page=30)
    for e in page.object_list:
        e.is_late = e.state in late_states
        e.last_level = previous.get(e.organization_id)
        e.moved = rules.moved(e.last_level, e.current_level if e.state == EntryState.NAMED else None)
    manage = has_perm_at(request.user, "ratings.manage", campaign.organization.path)
    counts = queries.state_counts(entries)
    campaign.state_label = STATE_LABELS.get(campaign.state, campaign.state)
    panel = services.panel_of(campaign)
    context = {
        "campaign": campaign,
        "page": page,
        "query": query_without_page(request),
        "state": state,
        "late_only": late_only,
        "states": EntryState.choices,
        "progress": [(value, label, counts.get(value, 0)) for value, label in EntryState.choices],
        "late_count": services.late_entries(campaign, entries, today).count(),
        "distribution": queries.distribution(entries, previous),
        "units": queries.by_unit(entries),
        "manage": manage,
        "timetable": [(label, campaign.timetable.get(key)) for key, (label, _s) in rules.TIMETABLE.items()],
        "history": workflow.history_for(rules.CAMPAIGN_PROCESS, campaign),
        "review": services.review_of(campaign),
        "publication": services.publication_of(campaign),
        "rechecks": Recheck.objects.filter(campaign=campaign, organization__in=entries.values("organization"))
        .select_related("organization", "previous")
        .order_by("organization__path"),
        "judges": panel.judges.select_related("judge", "unit"),
        # those already on the panel are not offered again
        "judge_candidates": (services.judge_candidates(campaign) if manage else []),
        "propose_form": ProposeForm(initial={"due_on": today + timedelta(days=7)}),
        "level_rules": campaign.level_rules(),
        "breadcrumbs": [("评星定级", reverse("ratings:campaign-list")), (campaign.name, None)],
    }
    return render_page_or_partial(request, "ratings/campaign_detail.html", context)


def _step(request: AuthenticatedRequest, code: UUID, action: str) -> HttpResponse:
    campaign = campaign_for(request, code)
    if not has_perm_at(request.user, "ratings.manage", campaign.organization.path):
        raise PermissionDenied("您没有组织评星的权限")
    try:
        if action == "propose":
            form = ProposeForm(request.POST)
            if not form.is_valid():
                raise InvalidInput.from_form(form)
            services.propose(actor=request.user, campaign=campaign, due_on=form.cleaned_data["due_on"])
            messages.success(request, "已按名额确定拟评星级并提交联审")
        elif action == "publish":
            services.publish(actor=request.user, campaign=campaign)
            messages.success(request, "评星结果已开始公示")
        else:
            services.name(actor=request.user, campaign=campaign)
            messages.success(request, "已命名授星，结果已冻结")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ratings:campaign-detail", campaign.code)


@require("ratings.manage")
@require_POST
def campaign_propose(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _step(request, code, "propose")


@require("ratings.manage")
@require_POST
def campaign_publish(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _step(request, code, "publish")


@require("ratings.manage")
@require_POST
def campaign_name(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _step(request, code, "name")


@require("ratings.manage")
def campaign_what_if(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """Before naming: change the 5★ quota, the tie rule or the 5★ line and see who moves."""
    campaign = campaign_for(request, code)
    if not has_perm_at(request.user, "ratings.manage", campaign.organization.path):
        raise PermissionDenied("您没有组织评星的权限")
    current = campaign.level_rules()
    form = WhatIfForm(request.GET or None)
    moved: list[dict[str, object]] = []
    ran = False
    if request.GET and form.is_valid():
        data = form.cleaned_data
        changed = current
        if data["quota_five"] is not None:
            others = tuple(q for q in current.quotas if q.rank != 5)
            changed = dataclasses.replace(changed, quotas=(*others, levels.Quota(5, data["quota_five"])))
        if data["tie_rule"]:
            changed = dataclasses.replace(changed, tie_rule=data["tie_rule"])
        if data["min_five"] is not None:
            changed = dataclasses.replace(
                changed,
                levels=tuple(
                    dataclasses.replace(lv, min_total=Decimal(data["min_five"])) if lv.rank == 5 else lv
                    for lv in changed.levels
                ),
            )
        before = services.simulate(campaign, current).ranks
        after_outcome = services.simulate(campaign, changed)
        diff = levels.changes(before, after_outcome.ranks)
        names = dict(
            campaign.rating_entries.filter(pk__in=[int(k) for k in diff]).values_list(
                "pk", "organization__name"
            )
        )
        moved = [
            {
                "name": names.get(int(k), k),
                "before": current.label(b),
                "after": changed.label(a),
                "up": (a or 0) > (b or 0),
            }
            for k, (b, a) in diff.items()
        ]
        ran = True
    return render(
        request,
        "ratings/what_if.html",
        {
            "campaign": campaign,
            "form": form,
            "moved": moved,
            "ran": ran,
            "rules": current,
            "tie_label": levels.TIE_RULES.get(current.tie_rule, current.tie_rule),
            "breadcrumbs": [
                ("评星定级", reverse("ratings:campaign-list")),
                (campaign.name, None),
                ("调整模拟", None),
            ],
        },
    )


@require("ratings.manage")
@require_POST
def recheck_decide(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    recheck = get_object_or_404(Recheck.objects.select_related("campaign", "previous"), code=code)
    campaign = campaign_for(request, recheck.campaign.code)
    keep = request.POST.get("decision") == "keep"
    try:
        services.decide_recheck(
            actor=request.user,
            recheck=recheck,
            keep=keep,
            comment=request.POST.get("comment", ""),
            star=request.POST.get("star", ""),
        )
        messages.success(request, "复核结果已记录")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ratings:campaign-detail", campaign.code)


@require("ratings.manage")
@require_POST
def campaign_judge(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """Put a 评委 on the campaign's panel (their unit is taken from their member record, for 回避)."""
    campaign = campaign_for(request, code)
    judge = services.judge_candidates(campaign).filter(pk=request.POST.get("judge") or 0).first()
    try:
        if judge is None:
            raise DomainError("请选择评委（须具有评委角色）")
        services.add_judge(actor=request.user, campaign=campaign, judge=judge)
        messages.success(request, f"已将“{judge.display_name or judge.username}”列为评委")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ratings:campaign-detail", campaign.code)
