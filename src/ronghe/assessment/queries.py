"""Read side of 融合考核: scoped assessments and entries, the quadrant, a unit over the years, the
units eligible for 评先评优, and the 述职评议 rounds. Constant queries per page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse

from ronghe.assessment import rules
from ronghe.assessment.choices import CampaignState, Quadrant
from ronghe.assessment.models import DebriefRound, Entry, KpiDefinition
from ronghe.core.scope import paths_with, scoped
from ronghe.core.scoring.choices import SchemePurpose
from ronghe.core.scoring.models import Campaign
from ronghe.core.types import Actor

VIEW = "assessment.view"
QUADRANT_LABELS = dict(Quadrant.choices)


def visible_campaigns(user: Actor | None) -> QuerySet[Campaign]:
    """Assessments run at a node the user sees, or that assess a unit the user sees."""
    entries = scoped(Entry.objects.all(), user, VIEW)
    condition = Q(pk__in=entries.values("campaign_id"))
    for path in paths_with(user, VIEW):
        condition |= Q(organization__path__startswith=path)
    return (
        Campaign.objects.filter(purpose=SchemePurpose.UNIT_ASSESSMENT)
        .filter(condition)
        .select_related("organization", "scheme")
        .order_by("-year", "id")
    )


def visible_entries(user: Actor | None, campaign: Campaign) -> QuerySet[Entry]:
    return scoped(Entry.objects.filter(campaign=campaign), user, VIEW).select_related("unit", "organization")


def grade_counts(entries: QuerySet[Entry]) -> list[dict[str, Any]]:
    rows = entries.exclude(grade="").values_list("rank", "grade").annotate(n=Count("id")).order_by("-rank")
    return [
        {"rank": rank, "grade": grade, "n": n} for rank, grade, n in rows.values_list("rank", "grade", "n")
    ]


def quadrant_counts(entries: QuerySet[Entry]) -> dict[str, int]:
    rows = dict(
        entries.exclude(quadrant="")
        .values_list("quadrant")
        .annotate(n=Count("id"))
        .values_list("quadrant", "n")
    )
    return {key: rows.get(key, 0) for key in QUADRANT_LABELS}


@dataclass(frozen=True)
class Point:
    name: str
    party: float
    business: float
    grade: str
    quadrant: str
    url: str


def quadrant_points(entries: QuerySet[Entry]) -> list[Point]:
    rows = entries.filter(party_score__isnull=False, business_score__isnull=False).values_list(
        "unit__name", "party_score", "business_score", "grade", "quadrant", "code"
    )
    return [
        Point(
            name,
            float(p or 0),
            float(b or 0),
            grade,
            QUADRANT_LABELS.get(quad, ""),
            reverse("assessment:entry-detail", args=[code]),
        )
        for name, p, b, grade, quad, code in rows
    ]


def county_means(campaign: Campaign) -> dict[str, Decimal | None]:
    agg = Entry.objects.filter(campaign=campaign).aggregate(
        party=Avg("party_score"), business=Avg("business_score"), total=Avg("total")
    )
    return {k: None if v is None else rules.q(Decimal(str(v))) for k, v in agg.items()}


def unit_history(unit_id: int, user: Actor | None) -> list[Entry]:
    """The unit's computed entries over the years (oldest first), as far as the user sees them."""
    return list(
        scoped(Entry.objects.filter(unit_id=unit_id, computed_at__isnull=False), user, VIEW)
        .select_related("campaign")
        .order_by("campaign__year")
    )


def rank_in(entry: Entry) -> tuple[int, int]:
    """(position by total, units computed) in the entry's assessment."""
    computed = Entry.objects.filter(campaign_id=entry.campaign_id, total__isnull=False)
    if entry.total is None:
        return 0, computed.count()
    return computed.filter(total__gt=entry.total).count() + 1, computed.count()


def eligible_units(campaign: Campaign, min_rank: int = 3) -> QuerySet[Entry]:
    """评先评优 eligibility: a final grade at least `min_rank` (良好) and no linking rule applied."""
    return Entry.objects.filter(
        campaign=campaign, campaign__state=CampaignState.FINALIZED, rank__gte=min_rank, capped_by=[]
    )


def eligible(entry: Entry, min_rank: int = 3) -> bool:
    return entry.rank is not None and entry.rank >= min_rank and not entry.capped_by


def own_entries(user: Actor | None) -> QuerySet[Entry]:
    """The entries of the units the user is staff of (unit leader / unit Party staff), newest first."""
    return (
        scoped(Entry.objects.filter(computed_at__isnull=False), user, VIEW)
        .select_related("campaign", "unit")
        .order_by("-campaign__year")
    )


def visible_rounds(user: Actor | None) -> QuerySet[DebriefRound]:
    return (
        scoped(DebriefRound.objects.all(), user, VIEW)
        .select_related("organization")
        .order_by("-year", "-held_on")
    )


def visible_kpis(
    user: Actor | None, year: int, unit_ids: Sequence[int] | None = None
) -> QuerySet[KpiDefinition]:
    qs = scoped(KpiDefinition.objects.filter(year=year), user, VIEW).select_related("unit")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return qs.annotate(reported=Count("results")).order_by("unit__name", "code")
