"""Reads of the selections app that pages, the API and other apps (unit pages, member pages) use."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ronghe.core.scope import grants, paths_with, scoped
from ronghe.core.scoring.choices import SchemePurpose
from ronghe.core.scoring.models import Campaign
from ronghe.core.types import Actor
from ronghe.orgs.models import ancestor_paths
from ronghe.selections.choices import CampaignState, CaseState, NominationState, SubjectKind
from ronghe.selections.models import Brand, DemonstrationSite, InnovationCase, Nomination


def _near(user: Actor | None, perm: str, field: str = "organization__path") -> Q:
    """Rows at a node where the user holds `perm`, below it, or above it (a county campaign is the
    unit's to nominate in)."""
    q = Q(pk__in=[])
    for path in paths_with(user, perm):
        q |= Q(**{f"{field}__startswith": path}) | Q(**{f"{field}__in": ancestor_paths(path)})
    return q


def visible_campaigns(user: Actor | None) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(purpose=SchemePurpose.SELECTION)
        .filter(_near(user, "selections.view"))
        .select_related("organization", "scheme", "selection")
        .order_by("-year", "id")
    )


def visible_nominations(user: Actor | None, campaign: Campaign) -> QuerySet[Nomination]:
    """The campaign's nominations the user sees: all of them at the campaign's node, else their subtree's."""
    qs = Nomination.objects.filter(campaign=campaign).select_related(
        "organization", "unit", "member", "brand"
    )
    return scoped(qs, user, "selections.view")


def results(campaign: Campaign) -> QuerySet[Nomination]:
    """The ranked list once scoring closed (empty before: no score leaks while judges are scoring)."""
    if campaign.state == CampaignState.NOMINATING or campaign.state == CampaignState.JUDGING:
        return Nomination.objects.none()
    return (
        Nomination.objects.filter(campaign=campaign)
        .exclude(state=NominationState.WITHDRAWN)
        .select_related("unit", "organization")
        .order_by("place", "id")
    )


def honours_list(campaign: Campaign) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(campaign=campaign, state=NominationState.AWARDED)
        .select_related("unit", "organization", "campaign", "campaign__selection")
        .order_by("place", "id")
    )


def honours_of_member(member_id: int) -> QuerySet[Nomination]:
    """A member's honours (his record): awarded nominations, newest first."""
    return (
        Nomination.objects.filter(member_id=member_id, state=NominationState.AWARDED)
        .select_related("campaign", "campaign__selection", "campaign__organization")
        .order_by("-campaign__year", "-awarded_at")
    )


def honours_of_organizations(organization_ids: list[int]) -> QuerySet[Nomination]:
    """Honours of the given organizations and of their members (the unit page's 荣誉)."""
    return (
        Nomination.objects.filter(organization_id__in=organization_ids, state=NominationState.AWARDED)
        .select_related("campaign", "campaign__selection", "member", "organization")
        .order_by("-campaign__year", "place")
    )


def awards_count(member_ids: list[int], year: int) -> dict[int, int]:
    """Honours awarded to each member in a year's selections (points and ratings may read it)."""
    rows = Nomination.objects.filter(
        member_id__in=member_ids, state=NominationState.AWARDED, campaign__year=year
    ).values_list("member_id", flat=True)
    out: dict[int, int] = {}
    for member_id in rows:
        if member_id is not None:
            out[member_id] = out.get(member_id, 0) + 1
    return out


def organization_honours(organization_ids: list[int], year: int) -> dict[int, list[str]]:
    """The honours each organization itself received in a year's selections (its members' own
    honours are theirs, not the branch's): {organization id: ["优秀党建品牌（红色引擎）", …]}, for
    the branch's rating (`ratings.derived`, 获评表彰次数). One query."""
    rows = (
        Nomination.objects.filter(
            organization_id__in=list(organization_ids),
            member__isnull=True,
            state=NominationState.AWARDED,
            campaign__year=year,
        )
        .order_by("campaign__selection__category_name", "pk")
        .values_list("organization_id", "campaign__selection__category_name", "title", "organization__name")
    )
    out: dict[int, list[str]] = {}
    for org_id, category, title, org_name in rows:
        out.setdefault(org_id, []).append(category if title == org_name else f"{category}（{title}）")
    return out


# ---------------------------------------------------------------- brands, sites, cases


def visible_brands(user: Actor | None) -> QuerySet[Brand]:
    return scoped(Brand.objects.select_related("organization"), user, "selections.view")


def visible_sites(user: Actor | None) -> QuerySet[DemonstrationSite]:
    return scoped(DemonstrationSite.objects.select_related("organization"), user, "selections.view")


def _roots(user: Actor | None) -> list[str]:
    """The roots of the trees the user belongs to (a county): its grants' and its member record's."""
    paths = {p for _, p in grants(user)}
    member = getattr(user, "member", None) if user is not None and getattr(user, "member_id", None) else None
    if member is not None:
        paths.add(member.organization.path)
    return sorted({p.split(".", 1)[0] + "." for p in paths if p})


def visible_cases(user: Actor | None) -> QuerySet[InnovationCase]:
    """Published cases of the user's county, for everyone in it; unpublished ones for whoever may
    review or submit them in their subtree."""
    published = Q(pk__in=[])
    for root in _roots(user):
        published |= Q(organization__path__startswith=root)
    drafts = scoped(InnovationCase.objects.all(), user, "selections.nominate").values("pk")
    own = Q(pk__in=drafts)
    return (
        InnovationCase.objects.filter((Q(state=CaseState.PUBLISHED) & published) | own)
        .select_related("organization")
        .order_by("-published_at", "-created_at")
    )


def search_cases(qs: QuerySet[InnovationCase], *, tag: str = "", text: str = "") -> QuerySet[InnovationCase]:
    if tag:
        qs = qs.filter(tags__contains=f",{tag},")
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    return qs


def lecture_campaigns_open(user: Actor | None) -> QuerySet[Campaign]:
    """精品党课 selections taking nominations that the user may nominate in (a recorded 党课 can be
    recommended from the study materials)."""
    return (
        Campaign.objects.filter(
            purpose=SchemePurpose.SELECTION,
            state=CampaignState.NOMINATING,
            selection__subject_kind=SubjectKind.LECTURE,
        )
        .filter(_near(user, "selections.nominate"))
        .select_related("organization")
        .order_by("-year", "id")
    )
