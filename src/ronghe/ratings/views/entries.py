"""A branch's entry: its star card, self-assessment, 初审, 评定, follow-up and 摘星."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_each_to_form, add_to_form
from ronghe.core.evidence.views import evidence_panel
from ronghe.core.judging import services as judging
from ronghe.core.permissions import require
from ronghe.core.rectification import services as rectification
from ronghe.core.scope import get_for_user_or_404, has_perm_at
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import IndicatorKind
from ronghe.core.workflow import services as workflow
from ronghe.ratings import rules, services
from ronghe.ratings.choices import CampaignState, EntryState
from ronghe.ratings.forms import CommentForm, EvaluateForm, FollowUpForm, RemoveStarForm, SelfAssessmentForm
from ronghe.ratings.models import Entry


def entry_for(request: AuthenticatedRequest, code: UUID) -> Entry:
    return get_for_user_or_404(
        Entry.objects.select_related(
            "campaign", "campaign__scheme", "campaign__organization", "organization", "result"
        ),
        request.user,
        perm="ratings.view",
        code=code,
    )


def _self_form(entry: Entry, data: Any = None) -> SelfAssessmentForm:
    indicators = judging.judged_indicators(entry.campaign.scheme.to_rules())
    initial: dict[str, Any] = {"applied_level": entry.applied_level, "self_summary": entry.self_summary}
    initial |= {f"score_{k}": v for k, v in entry.self_scores.items()}
    return SelfAssessmentForm(data, indicators=indicators, initial=initial)


def _card(entry: Entry) -> dict[str, Any]:
    """What the star card shows: each star met or not and why, the breakdown by dimension."""
    breakdown = entry.breakdown or {}
    evaluation = breakdown.get("evaluation", {})
    level = breakdown.get("level", {})
    derived_rows = breakdown.get("derived", {})
    scheme_rules = entry.campaign.scheme.to_rules()
    dims = []
    for dim in scheme_rules.dimensions:
        rows = []
        for ind in evaluation.get("indicators", []):
            if ind["dimension"] != dim.code:
                continue
            rule = scheme_rules.indicator(ind["code"])
            rows.append(
                {
                    "name": ind["name"],
                    "kind": rule.kind if rule else "",
                    "value": entry.values.get(ind["code"]),
                    "counted": ind["counted"],
                    "derived": derived_rows.get(ind["code"]),
                    "self": entry.self_scores.get(ind["code"]),
                }
            )
        dims.append(
            {
                "name": dim.name,
                "weight": dim.weight,
                "score": evaluation.get("dimensions", {}).get(dim.code),
                "rows": rows,
            }
        )
    return {
        "dims": dims,
        "stars": level.get("stars", []),
        "capped_by": level.get("capped_by", []),
        "score_label": level.get("label", ""),
        "vetoed": evaluation.get("vetoed", False),
    }


@require("ratings.view")
def entry_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _page(request, code)


def _page(request: AuthenticatedRequest, code: UUID, forms: dict[str, Any] | None = None) -> HttpResponse:
    """The entry's page; `forms` carries a refused form back with its errors (status 422)."""
    entry = entry_for(request, code)
    campaign = entry.campaign
    path = entry.organization.path
    is_open = campaign.state == CampaignState.OPEN
    can_apply = (
        is_open
        and entry.state in (EntryState.DRAFT, EntryState.RETURNED)
        and has_perm_at(request.user, "ratings.apply", path)
    )
    can_check = (
        is_open and entry.state == EntryState.SUBMITTED and has_perm_at(request.user, "ratings.check", path)
    )
    manage = has_perm_at(request.user, "ratings.manage", campaign.organization.path)
    can_evaluate = is_open and entry.state == EntryState.CHECKED and manage
    forms = forms or {}
    scheme_rules = campaign.scheme.to_rules()
    vetoes = [(i.code, i.name) for i in scheme_rules.indicators if i.kind == IndicatorKind.VETO]
    panel = services.panel_of(campaign)
    published = campaign.state in (CampaignState.PUBLICITY, CampaignState.NAMED)
    # judges' comments: to the 工委 once scoring closed, to the branch once the list is published
    sheets = judging.closed_sheets(panel, str(entry.pk)) if (published or manage) else []
    plans = list(rectification.for_object(rules.ENTRY, entry.pk))
    history = workflow.history_for(rules.ENTRY_PROCESS, entry)
    returns = [h.comment for h in history if h.action == "return"]
    context = {
        "entry": entry,
        "campaign": campaign,
        "level_rules": campaign.level_rules(),
        "card": _card(entry),
        "self_form": forms.get("self") or (_self_form(entry) if can_apply else None),
        "check_form": forms.get("check") or (CommentForm() if can_check else None),
        "evaluate_form": forms.get("evaluate") or (EvaluateForm(vetoes=vetoes) if can_evaluate else None),
        "follow_form": forms.get("follow")
        or (
            FollowUpForm()
            if services.needs_follow_up(entry)
            and not plans
            and has_perm_at(request.user, "ratings.apply", path)
            else None
        ),
        "remove_form": forms.get("remove")
        or (
            RemoveStarForm(stars=entry.stars)
            if manage and entry.state == EntryState.NAMED and entry.current_level
            else None
        ),
        "can_apply": can_apply,
        "can_check": can_check,
        "can_evaluate": can_evaluate,
        "manage": manage,
        "can_set_aside": manage
        and entry.state == EntryState.EVALUATED
        and campaign.state in (CampaignState.OPEN, CampaignState.REVIEW),
        "can_restore": manage
        and entry.state == EntryState.SET_ASIDE
        and campaign.state in (CampaignState.OPEN, CampaignState.REVIEW),
        "sheet_count": judging.sheet_counts(panel).get(str(entry.pk), 0),
        "sheets": sheets,
        "history": history,
        "return_reason": returns[-1] if returns and entry.state == EntryState.RETURNED else "",
        "aggregation_label": levels.AGGREGATIONS.get(campaign.level_rules().aggregation, ""),
        "plans": plans,
        "star_history": services.history_of(entry.organization),
        "late": is_open and entry.state in rules.late_states(campaign.timetable, timezone.localdate()),
        "breadcrumbs": [
            ("评星定级", reverse("ratings:campaign-list")),
            (campaign.name, reverse("ratings:campaign-detail", args=[campaign.code])),
            (entry.organization.name, None),
        ],
    }
    # After a refused form the page is rendered at the POST-only URL: evidence goes back to the entry page.
    context |= evidence_panel(
        request,
        kind=rules.ENTRY,
        object_id=entry.pk,
        next_url=reverse("ratings:entry-detail", args=[entry.code]),
    )
    status = 422 if forms else 200
    return render(request, "ratings/entry_detail.html", context, status=status)


def _scores(form: SelfAssessmentForm) -> dict[str, Decimal | None]:
    return {name[6:]: value for name, value in form.cleaned_data.items() if name.startswith("score_")}


@require("ratings.apply")
@require_POST
def entry_self_assess(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    entry = entry_for(request, code)
    form = _self_form(entry, request.POST)
    if form.is_valid():
        try:
            services.save_self_assessment(
                actor=request.user,
                entry=entry,
                applied_level=form.cleaned_data["applied_level"],
                self_scores=_scores(form),
                summary=form.cleaned_data["self_summary"],
            )
            if request.POST.get("submit"):
                services.apply(actor=request.user, entry=entry)
                messages.success(request, "已提交自评申星，等待初审")
            else:
                messages.success(request, "自评已保存")
            return redirect("ratings:entry-detail", entry.code)
        except DomainError as exc:
            add_each_to_form(form, exc)
    return _page(request, code, forms={"self": form})


@require("ratings.check")
@require_POST
def entry_check(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    entry = entry_for(request, code)
    form = CommentForm(request.POST)
    if form.is_valid():
        approve = request.POST.get("decision") == "approve"
        try:
            services.check(
                actor=request.user, entry=entry, approve=approve, comment=form.cleaned_data["comment"]
            )
            messages.success(request, "初审通过，已转工委评定" if approve else "已退回支部修改")
            return redirect("ratings:entry-detail", entry.code)
        except DomainError as exc:
            add_to_form(form, exc)
    return _page(request, code, forms={"check": form})


@require("ratings.manage")
@require_POST
def entry_evaluate(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    entry = entry_for(request, code)
    scheme_rules = entry.campaign.scheme.to_rules()
    vetoes = [(i.code, i.name) for i in scheme_rules.indicators if i.kind == IndicatorKind.VETO]
    form = EvaluateForm(request.POST, vetoes=vetoes)
    if form.is_valid():
        try:
            services.evaluate(
                actor=request.user,
                entry=entry,
                vetoes={code: form.cleaned_data[f"veto_{code}"] for code, _ in vetoes},
                comment=form.cleaned_data["comment"],
            )
            messages.success(
                request, f"已评定：总分 {entry.total}，{entry.campaign.level_rules().label(entry.level)}"
            )
            return redirect("ratings:entry-detail", entry.code)
        except DomainError as exc:
            add_to_form(form, exc)
    return _page(request, code, forms={"evaluate": form})


@require("ratings.manage")
@require_POST
def entry_set_aside(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    entry = entry_for(request, code)
    restore = request.POST.get("restore") == "1"
    try:
        if restore:
            services.restore(actor=request.user, entry=entry, comment=request.POST.get("comment", ""))
            messages.success(request, "已恢复到名单")
        else:
            services.set_aside(actor=request.user, entry=entry, comment=request.POST.get("comment", ""))
            messages.success(request, "已暂缓命名")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ratings:entry-detail", entry.code)


@require("ratings.apply")
@require_POST
def entry_follow_up(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    entry = entry_for(request, code)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            if not has_perm_at(request.user, "ratings.apply", entry.organization.path):
                raise DomainError("您没有为该支部制定提升计划的权限")
            services.start_follow_up(actor=request.user, entry=entry, **form.cleaned_data)
            messages.success(request, "提升计划已建立，工委将跟踪进度")
            return redirect("ratings:entry-detail", entry.code)
        except DomainError as exc:
            add_to_form(form, exc)
    return _page(request, code, forms={"follow": form})


@require("ratings.manage")
@require_POST
def entry_remove_star(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    entry = entry_for(request, code)
    form = RemoveStarForm(request.POST, stars=entry.stars)
    if form.is_valid():
        try:
            services.remove_star(
                actor=request.user,
                entry=entry,
                star=form.cleaned_data["star"],
                decision=form.cleaned_data["decision"],
            )
            messages.success(request, "已摘星并记录决定")
            return redirect("ratings:entry-detail", entry.code)
        except DomainError as exc:
            add_to_form(form, exc)
    return _page(request, code, forms={"remove": form})


def star_label(rank: int | None) -> str:
    return levels.star_label(rank) if rank is not None else "—"
