"""Claims: a member files one, the branch reviews it (the queue shows the review deadline)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import can, get_for_user_or_404
from ronghe.core.scoring.models import Indicator
from ronghe.core.workflow import services as workflow
from ronghe.members.models import Member
from ronghe.points import queries, rules, services
from ronghe.points.choices import ClaimState
from ronghe.points.forms import (
    ClaimForm,
    DecisionForm,
)
from ronghe.points.models import Claim
from ronghe.points.views.params import own_member


def _claimable(member: Member, year: int) -> QuerySet[Indicator]:
    scheme = services.scheme_for(member.organization, year)
    if scheme is None:
        return Indicator.objects.none()
    return scheme.indicators.filter(claimable=True).select_related("dimension")


@require("self.view")
def claim_list(request: AuthenticatedRequest) -> HttpResponse:
    member = own_member(request)
    claims = (
        Claim.objects.filter(member=member).select_related("indicator") if member else Claim.objects.none()
    )
    page = paginate(request, claims, per_page=20)
    return render_page_or_partial(
        request,
        "points/claim_list.html",
        {
            "member": member,
            "page": page,
            "query": query_without_page(request),
            "breadcrumbs": [("我的申报", None)],
        },
    )


@require("self.view")
def claim_create(request: AuthenticatedRequest) -> HttpResponse:
    member = own_member(request)
    if member is None:
        raise PermissionDenied("您的账户未关联党员，不能申报积分")
    year = timezone.localdate().year
    indicators = _claimable(member, year)
    if request.method == "POST":
        all_claimable = Indicator.objects.filter(claimable=True).select_related("dimension")
        form = ClaimForm(request.POST, request.FILES, indicators=all_claimable)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = services.submit_claim(
                    actor=request.user,
                    member=member,
                    indicator=data["indicator"],
                    occurred_on=data["occurred_on"],
                    points=data["points"],
                    description=data["description"],
                    photo=data["photo"],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "申报已提交，等待支部审核")
                return redirect(reverse("points:claim-detail", kwargs={"code": claim.code}))
        form.offer(indicators)
        status = 422
    else:
        form = ClaimForm(indicators=indicators)
        status = 200
    return render(
        request,
        "points/claim_form.html",
        {
            "form": form,
            "member": member,
            "rooms": queries.claim_rooms(member, indicators, timezone.localdate()),
            "breadcrumbs": [("我的申报", reverse("points:claim-list")), ("申报积分", None)],
        },
        status=status,
    )


def _claim_for(request: AuthenticatedRequest, code: UUID, perm: str = "points.view") -> Claim:
    return get_for_user_or_404(
        Claim.objects.select_related("member__organization", "indicator__dimension", "decided_by"),
        request.user,
        perm=perm,
        code=code,
    )


@require("self.view")
def claim_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    claim = _claim_for(request, code)
    can_decide = (
        claim.state == ClaimState.SUBMITTED
        and can(request.user, "points.approve", claim)
        and getattr(request.user, "member_id", None) != claim.member_id
    )
    return render(
        request,
        "points/claim_detail.html",
        {
            "claim": claim,
            # before the decision: what the claim would add under the indicator's caps
            "room": queries.claim_rooms(claim.member, [claim.indicator], claim.occurred_on)[0]
            if claim.state == ClaimState.SUBMITTED
            else None,
            "history": workflow.history_for(rules.CLAIM_PROCESS, claim),
            "decision_form": DecisionForm() if can_decide else None,
            "can_withdraw": claim.state == ClaimState.SUBMITTED
            and getattr(request.user, "member_id", None) == claim.member_id,
            "breadcrumbs": [("积分申报", None)],
        },
    )


@require("self.view")
def claim_photo(request: AuthenticatedRequest, code: UUID) -> FileResponse:
    claim = _claim_for(request, code)
    if not claim.photo:
        raise Http404("没有照片")
    return FileResponse(claim.photo.open("rb"), content_type=claim.photo_type or "application/octet-stream")


@require("points.approve")
def claim_review(request: AuthenticatedRequest) -> HttpResponse:
    overdue_only = request.GET.get("overdue") == "1"
    page = paginate(
        request, queries.claims_awaiting_review(request.user, overdue_only=overdue_only), per_page=20
    )
    queries.mark_review_deadlines(page.object_list, timezone.localdate())
    return render_page_or_partial(
        request,
        "points/claim_review.html",
        {
            "page": page,
            "query": query_without_page(request),
            "overdue_only": overdue_only,
            "review_days": rules.CLAIM_REVIEW_WORKING_DAYS,
            "breadcrumbs": [("申报审核", None)],
        },
    )


@require("points.approve")
@require_POST
def claim_decide(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    claim = _claim_for(request, code, perm="points.approve")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.transition_claim(
                claim=claim,
                action=form.cleaned_data["action"],
                actor=request.user,
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已审核")
            return redirect(reverse("points:claim-review"))
    return render(
        request,
        "points/claim_detail.html",
        {"claim": claim, "history": workflow.history_for(rules.CLAIM_PROCESS, claim), "decision_form": form},
        status=422,
    )


@require("self.view")
@require_POST
def claim_withdraw(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    claim = _claim_for(request, code)
    try:
        services.transition_claim(claim=claim, action="withdraw", actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申报已撤回")
    return redirect(reverse("points:claim-detail", kwargs={"code": claim.code}))
