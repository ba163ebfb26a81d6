"""Reads of the ratings app that pages, the API and other apps (home) use."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse

from ronghe.core.scope import paths_with, scope_q, scoped
from ronghe.core.scoring.choices import SchemePurpose
from ronghe.core.scoring.models import Campaign, Dimension, Indicator, Scheme
from ronghe.core.types import Actor
from ronghe.ratings import derived
from ronghe.ratings.choices import CampaignState, EntryState
from ronghe.ratings.models import Entry


def visible_campaigns(user: Actor | None) -> QuerySet[Campaign]:
    """Campaigns run at a node the user sees, or that rate a branch the user sees."""
    entries = scoped(Entry.objects.all(), user, "ratings.view")
    own = Q()
    for path in paths_with(user, "ratings.view"):
        own |= Q(organization__path__startswith=path)
    condition = Q(pk__in=entries.values("campaign_id"))
    if own:
        condition |= own
    return (
        Campaign.objects.filter(purpose=SchemePurpose.BRANCH_STARS)
        .filter(condition)
        .select_related("organization", "scheme")
        .order_by("-year", "id")
    )


def visible_entries(user: Actor | None, campaign: Campaign) -> QuerySet[Entry]:
    return scoped(Entry.objects.filter(campaign=campaign), user, "ratings.view").select_related(
        "organization", "organization__unit"
    )


@dataclass(frozen=True)
class Distribution:
    """Branches per level (and not rated), this year and last, for the 工委's page."""

    rows: list[dict[str, Any]]
    total: int

    @property
    def chart(self) -> dict[str, Any]:
        return {"labels": [r["label"] for r in self.rows], "values": [r["count"] for r in self.rows]}


def distribution(entries: QuerySet[Entry], previous: dict[int, int | None]) -> Distribution:
    counts: Counter[int | None] = Counter()
    last: Counter[int | None] = Counter()
    total = 0
    for org_id, state, level in entries.values_list("organization_id", "state", "level"):
        total += 1
        if state in (EntryState.EVALUATED, EntryState.NAMED):
            counts[level] += 1
        if org_id in previous:
            last[previous[org_id]] += 1
    rows = [
        {"rank": rank, "label": f"{'★' * rank}", "count": counts.get(rank, 0), "last": last.get(rank, 0)}
        for rank in range(5, 0, -1)
    ]
    return Distribution(rows, total)


def by_unit(entries: QuerySet[Entry]) -> list[dict[str, Any]]:
    """Per unit: branches, evaluated, the mean level, and how many at 5★ and at ≤3★."""
    table: dict[str, dict[str, Any]] = {}
    for unit, level, state in entries.values_list("organization__unit__name", "level", "state"):
        row = table.setdefault(
            unit or "（未关联单位）",
            {"unit": unit or "（未关联单位）", "branches": 0, "rated": 0, "sum": 0, "five": 0, "low": 0},
        )
        row["branches"] += 1
        if state in (EntryState.EVALUATED, EntryState.NAMED) and level is not None:
            row["rated"] += 1
            row["sum"] += level
            row["five"] += level == 5
            row["low"] += level <= 3
    out = []
    for row in sorted(table.values(), key=lambda r: r["unit"]):
        row["mean"] = round(row["sum"] / row["rated"], 1) if row["rated"] else None
        out.append(row)
    return out


def state_counts(entries: QuerySet[Entry]) -> dict[str, int]:
    return dict(Counter(entries.values_list("state", flat=True)))


def current_stars(organization_id: int) -> Entry | None:
    """The branch's latest named rating (for the member's home page)."""
    return (
        Entry.objects.filter(organization_id=organization_id, state=EntryState.NAMED)
        .select_related("campaign")
        .order_by("-campaign__year")
        .first()
    )


def todo(user: Actor | None, today: date) -> list[tuple[str, int, str, bool]]:
    """(label, count, url, late) for each rating step waiting on this user in open campaigns."""
    from ronghe.core.jointreview import services as jointreview
    from ronghe.core.judging import services as judging
    from ronghe.core.scope import has_perm_anywhere
    from ronghe.ratings import rules

    out: list[tuple[str, int, str, bool]] = []
    campaigns = [c for c in visible_campaigns(user) if c.state == CampaignState.OPEN]
    steps = [
        ("ratings.apply", (EntryState.DRAFT, EntryState.RETURNED), "待自评申星的支部"),
        ("ratings.check", (EntryState.SUBMITTED,), "待初审的评星申报"),
        ("ratings.manage", (EntryState.CHECKED,), "待评定的支部"),
    ]
    held = [(perm, states, label) for perm, states, label in steps if has_perm_anywhere(user, perm)]
    # every open campaign's waiting entries per step, each in the step's own scope: one grouped statement
    counts: dict[int, dict[str, Any]] = {}
    if campaigns and held:
        grouped = (
            Entry.objects.filter(campaign__in=[c.pk for c in campaigns])
            .values("campaign_id")
            .annotate(
                **{
                    f"step{i}": Count("pk", filter=Q(state__in=states) & scope_q(Entry, user, perm))
                    for i, (perm, states, _label) in enumerate(held)
                }
            )
            .order_by()
        )
        counts = {row["campaign_id"]: {k: v for k, v in row.items() if k != "campaign_id"} for row in grouped}
    for campaign in campaigns:
        late = rules.late_states(campaign.timetable, today)
        url = reverse("ratings:campaign-detail", args=[campaign.code])
        for i, (_perm, states, label) in enumerate(held):
            n = counts.get(campaign.pk, {}).get(f"step{i}", 0)
            if n:
                out.append(
                    (f"{campaign.year}年 {label}", n, f"{url}?state={states[0]}", bool(set(states) & late))
                )
    if has_perm_anywhere(user, "judging.score"):
        pending = judging.pending_count(user)
        if pending:
            out.append(("待评委评分的支部", pending, reverse("judging:panel-list"), False))
    if has_perm_anywhere(user, "review.discipline"):
        waiting = jointreview.awaiting(user).count()
        if waiting:
            out.append(("待提出联审意见", waiting, reverse("jointreview:review-list"), False))
    return out


def star_levels_by_unit(unit_ids: Sequence[int], year: int) -> dict[int, tuple[int, Decimal]]:
    """Per unit: (branches named in `year`'s star rating, their mean current star level). One query.
    A branch counts under the unit its organization serves; only named (命名) levels count."""
    rows = (
        Entry.objects.filter(
            campaign__year=year,
            state=EntryState.NAMED,
            organization__unit_id__in=list(unit_ids),
            current_level__isnull=False,
        )
        .values_list("organization__unit_id")
        .annotate(n=Count("id"), mean=Avg("current_level"))
        .values_list("organization__unit_id", "n", "mean")
    )
    return {unit_id: (n, Decimal(str(mean))) for unit_id, n, mean in rows}


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    source: str  # the derived value it reads, by name ("" when not collected automatically)


def scheme_dimensions(scheme: Scheme) -> list[tuple[Dimension, list[IndicatorRow]]]:
    """A scheme's dimensions in order, each with its indicators and, for those collected
    automatically, the derived value they read by Chinese name (unfed ones marked 暂无数据)."""
    indicators = list(scheme.indicators.order_by("order", "id"))
    rows = []
    for dimension in scheme.dimensions.order_by("order", "id"):
        rows.append(
            (
                dimension,
                [
                    IndicatorRow(i, _source_name(i.sources[0]) if i.sources else "")
                    for i in indicators
                    if i.dimension_id == dimension.pk
                ],
            )
        )
    return rows


def _source_name(code: str) -> str:
    found = derived.INDICATORS.get(code)
    if found is None:
        return f"{code}（未知来源）"
    return found.name if found.feeds else f"{found.name}（{derived.NO_DATA}）"
