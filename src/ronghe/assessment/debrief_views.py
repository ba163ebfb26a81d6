"""述职评议 pages: rounds, the QR code while the vote runs, the counts, the committee's grades, the materials."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.assessment import debriefs, queries, rules
from ronghe.assessment.choices import RoundState
from ronghe.assessment.forms import (
    FinalGradeForm,
    RoundForm,
    VoteOpenForm,
)
from ronghe.assessment.models import Debrief, DebriefRound
from ronghe.assessment.views import MANAGE, VIEW, _nodes, _units_managed
from ronghe.core.errors import DomainError, add_each_to_form
from ronghe.core.evidence.views import evidence_panel
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at
from ronghe.core.voting import services as voting
from ronghe.core.voting.views import qr_svg, vote_url

ROUND_LABELS = dict(RoundState.choices)


def _round(request: AuthenticatedRequest, code: UUID) -> DebriefRound:
    rnd = get_for_user_or_404(
        DebriefRound.objects.select_related("organization", "ballot"), request.user, perm=VIEW, code=code
    )
    rnd.state_label = ROUND_LABELS.get(rnd.state, rnd.state)  # type: ignore[attr-defined]
    return rnd


@require(VIEW)
def round_list(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(request, queries.visible_rounds(request.user), per_page=20)
    for r in page.object_list:
        r.state_label = ROUND_LABELS.get(r.state, r.state)  # type: ignore[attr-defined]
    return render_page_or_partial(
        request,
        "assessment/round_list.html",
        {"page": page, "query": query_without_page(request), "can_open": bool(_nodes(request))},
    )


@require(MANAGE)
def round_create(request: AuthenticatedRequest) -> HttpResponse:
    nodes = _nodes(request)
    units = _units_managed(request)
    names = debriefs.secretaries_of(units)
    choices = [
        (str(u.code), f"{u.name}（{names[u.pk][0] if u.pk in names else '未配备书记'}）") for u in units
    ]
    form = RoundForm(
        request.POST or None,
        nodes=[(str(o.code), o.name) for o in nodes],
        units=choices,
        initial={
            "year": timezone.localdate().year,
            "title": f"{timezone.localdate().year}年度党组织书记抓党建述职评议",
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        org = next(o for o in nodes if str(o.code) == d["organization"])
        chosen = [u for u in units if str(u.code) in set(d["units"])]
        try:
            rnd = debriefs.create_round(
                actor=request.user,
                organization=org,
                year=d["year"],
                title=d["title"],
                held_on=d["held_on"],
                secretaries=[(u, *names.get(u.pk, ("", ""))) for u in chosen],
            )
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, "述职评议已创建")
            return redirect("assessment:round-detail", code=rnd.code)
    return render(request, "assessment/round_form.html", {"form": form}, status=400 if form.errors else 200)


@require(VIEW)
def round_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    rnd = _round(request, code)
    can_manage = has_perm_at(request.user, MANAGE, rnd.organization.path)
    debriefs = list(rnd.debriefs.select_related("unit"))
    for d in debriefs:
        d.vote_label = rules.grade_label(d.vote_rank)  # type: ignore[attr-defined]
        d.final_label = rules.grade_label(d.final_rank)  # type: ignore[attr-defined]
        d.form = FinalGradeForm(prefix=f"d{d.pk}", initial={"rank": d.final_rank})  # type: ignore[attr-defined]
        d.votes = [(o["label"], d.counts.get(o["key"], 0)) for o in rules.OPTIONS]  # type: ignore[attr-defined]
    ctx: dict[str, Any] = {
        "round": rnd,
        "debriefs": debriefs,
        "can_manage": can_manage,
        "open_form": VoteOpenForm(),
        "breadcrumbs": [("述职评议", reverse("assessment:round-list")), (rnd.title, None)],
    }
    ballot = rnd.ballot
    if ballot is not None:
        ctx["voters"] = voting.voter_count(ballot)
        ctx["ballot_open"] = voting.is_open(ballot)
        if can_manage and rnd.state == RoundState.VOTING:
            ctx["vote_url"] = vote_url(request, ballot)
            ctx["vote_qr"] = qr_svg(request, ballot)
    return render(request, "assessment/round_detail.html", ctx)


@require(MANAGE)
@require_POST
def round_action(request: AuthenticatedRequest, code: UUID, action: str) -> HttpResponse:
    rnd = _round(request, code)
    try:
        if action == "open":
            form = VoteOpenForm(request.POST)
            minutes = form.cleaned_data["minutes"] if form.is_valid() else 0
            debriefs.open_vote(actor=request.user, rnd=rnd, minutes=minutes)
            messages.success(request, "测评已开始：请参会人员扫码投票")
        elif action == "count":
            debriefs.count_votes(actor=request.user, rnd=rnd)
            messages.success(request, "测评已结束，票数已统计")
        elif action == "finalize":
            debriefs.finalize_round(actor=request.user, rnd=rnd)
            messages.success(request, "述职评议等次已确定")
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:round-detail", code=code)


@require(MANAGE)
@require_POST
def debrief_grade(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    debrief = get_for_user_or_404(
        Debrief.objects.select_related("round", "round__organization"), request.user, perm=MANAGE, code=code
    )
    form = FinalGradeForm(request.POST, prefix=f"d{debrief.pk}")
    if form.is_valid():
        try:
            debriefs.set_final_grade(
                actor=request.user,
                debrief=debrief,
                rank=form.cleaned_data["rank"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(request, f"{debrief.secretary}：{exc.message}")
        else:
            messages.success(request, f"已评定{debrief.secretary}的等次")
    else:
        messages.error(request, f"{debrief.secretary}：请选择等次")
    return redirect("assessment:round-detail", code=debrief.round.code)


@require(VIEW)
def debrief_materials(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """One secretary's 述职: the materials the unit uploads (core/evidence) and the result once counted."""
    debrief = get_for_user_or_404(
        Debrief.objects.select_related("round", "round__organization", "unit"),
        request.user,
        perm=VIEW,
        code=code,
    )
    ctx: dict[str, Any] = {
        "debrief": debrief,
        "round": debrief.round,
        "vote_label": rules.grade_label(debrief.vote_rank),
        "final_label": rules.grade_label(debrief.final_rank),
        "counted": debrief.round.state in (RoundState.COUNTED, RoundState.FINALIZED),
        "votes": [(o["label"], debrief.counts.get(o["key"], 0)) for o in rules.OPTIONS],
        "breadcrumbs": [
            ("述职评议", reverse("assessment:round-list")),
            (debrief.round.title, reverse("assessment:round-detail", args=[debrief.round.code])),
            (debrief.secretary, None),
        ],
    }
    ctx |= evidence_panel(request, kind="assessment.debrief", object_id=debrief.pk)
    return render(request, "assessment/debrief_detail.html", ctx)
