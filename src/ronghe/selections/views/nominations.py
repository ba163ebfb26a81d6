"""A unit's nomination: the form (eligibility and quota refused with the rule named), the nominee's
page with its materials, withdrawal, 暂缓授予 and the certificate."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.downloads import DOCX, PDF, generated
from ronghe.core.errors import DomainError, add_each_to_form, add_to_form
from ronghe.core.evidence.views import evidence_panel
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, scoped
from ronghe.core.workflow import services as workflow
from ronghe.members.choices import MemberStatus
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.selections import exports, queries, rules, services
from ronghe.selections.choices import CampaignState, NominationState, SubjectKind
from ronghe.selections.forms import NominationForm, ReasonForm
from ronghe.selections.models import Brand, Nomination
from ronghe.selections.views.campaigns import campaign_for

CHOICES_MAX = 2000  # a unit's members; the 工委 nominating county-wide picks the unit's secretary instead


def nomination_for(request: AuthenticatedRequest, code: UUID) -> Nomination:
    return get_for_user_or_404(
        Nomination.objects.select_related(
            "campaign",
            "campaign__selection",
            "campaign__organization",
            "organization",
            "unit",
            "member",
            "brand",
        ),
        request.user,
        perm="selections.view",
        code=code,
    )


def _choices(request: AuthenticatedRequest, root: Organization) -> dict[str, list[tuple[str, str]]]:
    """What the user may nominate under the campaign's node."""
    user = request.user
    members = (
        scoped(Member.objects.filter(organization__path__startswith=root.path), user, "selections.nominate")
        .filter(status__in=[MemberStatus.FULL, MemberStatus.PROBATIONARY])
        .select_related("organization")
        .order_by("organization__path", "name")[:CHOICES_MAX]
    )
    orgs = scoped(
        Organization.objects.filter(path__startswith=root.path, is_active=True, unit__isnull=False),
        user,
        "selections.nominate",
    ).order_by("path")[:CHOICES_MAX]
    brands = scoped(
        Brand.objects.filter(organization__path__startswith=root.path), user, "selections.nominate"
    ).select_related("organization")
    return {
        "members": [(str(m.pk), f"{m.name}（{m.organization.name}）") for m in members],
        "organizations": [(str(o.pk), o.name) for o in orgs],
        "brands": [(str(b.pk), f"{b.name}（{b.organization.name}）") for b in brands],
    }


@require("selections.nominate")
def nomination_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    selection = campaign.selection
    if campaign.state != CampaignState.NOMINATING:
        messages.error(request, "推荐已截止，不能再推荐")
        return redirect("selections:campaign-detail", campaign.code)
    choices = _choices(request, campaign.organization)
    # a link may prefill the form (a recorded 党课 from the study materials: its title and organization)
    initial = {k: request.GET[k] for k in ("title", "organization", "summary") if request.GET.get(k)}
    form = NominationForm(
        request.POST or None, subject_kind=selection.subject_kind, initial=initial, **choices
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = request.user
        try:
            nomination = services.nominate(
                actor=user,
                campaign=campaign,
                summary=data["summary"],
                member=scoped(Member.objects.all(), user, "selections.nominate").get(pk=data["member"])
                if data.get("member")
                else None,
                organization=scoped(Organization.objects.all(), user, "selections.nominate").get(
                    pk=data["organization"]
                )
                if data.get("organization")
                else None,
                brand=scoped(Brand.objects.all(), user, "selections.nominate").get(pk=data["brand"])
                if data.get("brand")
                else None,
                title=data.get("title", ""),
            )
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, f"已推荐“{nomination.title}”，请补充推荐材料")
            return redirect("selections:nomination-detail", nomination.code)
    return render(
        request,
        "selections/nomination_form.html",
        {
            "campaign": campaign,
            "selection": selection,
            "form": form,
            "eligibility": rules.Eligibility.from_dict(selection.eligibility).describe(),
            "breadcrumbs": [
                ("评选表彰", reverse("selections:campaign-list")),
                (campaign.name, reverse("selections:campaign-detail", args=[campaign.code])),
                ("推荐", None),
            ],
        },
        status=422 if form.errors else 200,
    )


def _detail(
    request: AuthenticatedRequest, nomination: Nomination, *, form: ReasonForm | None = None, action: str = ""
) -> HttpResponse:
    campaign = nomination.campaign
    user = request.user
    manage = has_perm_at(user, "selections.manage", campaign.organization.path)
    nominator = has_perm_at(user, "selections.nominate", nomination.organization.path)
    active = nomination.state == NominationState.NOMINATED
    can_withdraw = nominator and active and campaign.state == CampaignState.NOMINATING
    can_set_aside = manage and active and nomination.winner and campaign.state == CampaignState.REVIEW
    can_replace = manage and services.replaceable(nomination)
    context = {
        "nomination": nomination,
        "campaign": campaign,
        "selection": campaign.selection,
        "scored": campaign.state not in (CampaignState.NOMINATING, CampaignState.JUDGING),
        "score_rows": [
            (ind["name"], nomination.scores.get(ind["code"]))
            for ind in services.panel_of(campaign).indicators
        ],
        "withdraw_form": (form if action == "withdraw" else ReasonForm()) if can_withdraw else None,
        "set_aside_form": (form if action == "set_aside" else ReasonForm()) if can_set_aside else None,
        "replace_form": (form if action == "replace" else ReasonForm()) if can_replace else None,
        "replaced_by": Nomination.objects.filter(replaces=nomination).first(),
        "history": workflow.history_for(rules.NOMINATION_PROCESS, nomination),
        "breadcrumbs": [
            ("评选表彰", reverse("selections:campaign-list")),
            (campaign.name, reverse("selections:campaign-detail", args=[campaign.code])),
            (nomination.title, None),
        ],
    }
    context |= evidence_panel(
        request,
        kind=rules.NOMINATION,
        object_id=nomination.pk,
        next_url=reverse("selections:nomination-detail", args=[nomination.code]),
    )
    return render(request, "selections/nomination_detail.html", context, status=422 if form else 200)


@require("selections.view")
def nomination_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _detail(request, nomination_for(request, code))


@require("selections.nominate")
@require_POST
def nomination_withdraw(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    nomination = nomination_for(request, code)
    if not has_perm_at(request.user, "selections.nominate", nomination.organization.path):
        raise PermissionDenied("您没有为该单位推荐的权限")
    form = ReasonForm(request.POST)
    form.full_clean()
    try:
        services.withdraw(
            actor=request.user, nomination=nomination, comment=form.cleaned_data.get("comment", "")
        )
    except DomainError as exc:
        add_to_form(form, exc)
        return _detail(request, nomination, form=form, action="withdraw")
    messages.success(request, f"已撤回对“{nomination.title}”的推荐，名额已释放")
    return redirect("selections:campaign-detail", nomination.campaign.code)


@require("selections.manage")
@require_POST
def nomination_set_aside(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    nomination = nomination_for(request, code)
    if not has_perm_at(request.user, "selections.manage", nomination.campaign.organization.path):
        raise PermissionDenied("您没有组织评选的权限")
    form = ReasonForm(request.POST)
    form.full_clean()
    try:
        services.set_aside(
            actor=request.user, nomination=nomination, comment=form.cleaned_data.get("comment", "")
        )
    except DomainError as exc:
        add_to_form(form, exc)
        return _detail(request, nomination, form=form, action="set_aside")
    messages.success(request, f"“{nomination.title}”已暂缓授予")
    return redirect("selections:nomination-detail", nomination.code)


@require("selections.manage")
@require_POST
def nomination_replace(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """递补: the next-ranked runner-up takes the place of this set-aside winner."""
    nomination = nomination_for(request, code)
    if not has_perm_at(request.user, "selections.manage", nomination.campaign.organization.path):
        raise PermissionDenied("您没有组织评选的权限")
    form = ReasonForm(request.POST)
    form.full_clean()
    try:
        promoted = services.promote_runner_up(
            actor=request.user, nomination=nomination, reason=form.cleaned_data.get("comment", "")
        )
    except DomainError as exc:
        add_to_form(form, exc)
        return _detail(request, nomination, form=form, action="replace")
    messages.success(
        request,
        f"已由第 {promoted.place} 名“{promoted.title}”递补“{nomination.title}”的名额，递补人选须经联审",
    )
    return redirect("selections:nomination-detail", nomination.code)


@require("selections.view")
def certificate(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _certificate(request, code, as_pdf=False)


@require("selections.view")
def certificate_pdf(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _certificate(request, code, as_pdf=True)


def _certificate(request: AuthenticatedRequest, code: UUID, *, as_pdf: bool) -> HttpResponse:
    nomination = nomination_for(request, code)
    if nomination.state != NominationState.AWARDED:
        raise Http404("该对象未获表彰")
    audit.record(
        "selections.certificate_export",
        actor=request.user,
        obj=nomination,
        changes={"format": "pdf" if as_pdf else "docx"},
    )
    name = (
        f"{nomination.title}{nomination.campaign.year}年度{nomination.campaign.selection.category_name}证书"
    )
    if as_pdf:
        return generated(exports.certificate_pdf(nomination), PDF, f"{name}.pdf")
    return generated(exports.certificate_docx(nomination), DOCX, f"{name}.docx")


@require("self.view")
def my_honours(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in member's own honours (their record)."""
    member_id = request.user.member_id
    rows = list(queries.honours_of_member(member_id)) if member_id else []
    return render(
        request,
        "selections/my_honours.html",
        {"rows": rows, "subject": SubjectKind.MEMBER, "breadcrumbs": [("我的荣誉", None)]},
    )
