"""The 工委看板 (issue 16 item 9): units by compliance worst first, meetings held by month, overdue items by
unit, the 5A distribution, the latest star rating and the latest 融合考核 quadrants — each figure a link to
the page it comes from. Read side only: every number is one of the modules' own queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from ronghe.assessment import queries as assessment_queries
from ronghe.core.charts import data_table, with_table
from ronghe.core.scope import has_perm_anywhere, paths_with, scoped
from ronghe.orglife import rules as orglife_rules
from ronghe.orglife.models import Attendance, MeetingTally
from ronghe.orglife.rollup import RollupRow, rollup
from ronghe.orgs.models import Organization
from ronghe.outreach import pairing as outreach_pairing
from ronghe.points import queries as points_queries
from ronghe.ratings import queries as ratings_queries
from ronghe.selections.choices import NominationState
from ronghe.selections.models import Nomination

if TYPE_CHECKING:
    from ronghe.accounts.models import User

# Bars in a chart: the worst ten units, or the ten with the most overdue items; the table lists them all.
CHART_ROWS = 10


@dataclass(frozen=True)
class UnitRow:
    name: str
    rate: float | None
    rate_percent: str
    met: int
    overdue: int
    weak: bool
    url: str


def unit_rows(user: User, year: int, today: date) -> tuple[Organization | None, list[UnitRow]]:
    """The compliance rollup one level below the user's top node (the units under a 工委), worst first;
    organizations with nothing judged yet come last."""
    node: Organization | None = None
    rows, _total = rollup(user, None, year, today)
    while len(rows) == 1 and not rows[0].is_leaf and not rows[0].is_self:
        node = rows[0].organization
        rows, _total = rollup(user, node, year, today)
    children = [r for r in rows if not r.is_self]
    children.sort(key=_worst_first)
    base = reverse("orglife:compliance")
    return node, [
        UnitRow(
            name=r.organization.name,
            rate=r.tally.rate,
            rate_percent=r.tally.rate_percent,
            met=r.tally.met,
            overdue=r.tally.overdue,
            weak=orglife_rules.is_weak(r.tally.rate),
            url=f"{base}?org={r.organization.code}&year={year}",
        )
        for r in children
    ]


def _worst_first(row: RollupRow) -> tuple[bool, float, int]:
    return (row.tally.rate is None, row.tally.rate or 0.0, -row.tally.overdue)


def meetings_by_month(user: User, year: int) -> dict[str, list[Any]]:
    """Meetings that count for compliance held in the user's scope per month of `year` (the tallies the
    meeting services keep): one grouped query."""
    paths = paths_with(user, "orglife.view")
    counts: dict[int, int] = {}
    if paths:
        condition = Q()
        for path in paths:
            condition |= Q(organization__path__startswith=path)
        rows = MeetingTally.objects.filter(condition, year=year).values_list("month").annotate(n=Sum("held"))
        counts = {month: n or 0 for month, n in rows.order_by()}
    chart = {
        "categories": [f"{m}月" for m in range(1, 13)],
        "values": [counts.get(m, 0) for m in range(1, 13)],
    }
    return with_table(chart, id="month-table", caption="每月召开的会议（次）", columns=["月份", "会议数"])


def bars(rows: list[UnitRow], value: str) -> dict[str, Any]:
    """A bar chart's data from the first rows: rates as percentages, counts as they are."""
    shown = rows[:CHART_ROWS]
    if value == "rate":
        values: list[Any] = [_percent(r.rate) for r in shown]
    else:
        values = [getattr(r, value) for r in shown]
    chart: dict[str, Any] = {"categories": [r.name for r in shown], "values": values}
    if value == "rate":
        chart.update(max=100, unit="%")
    return chart


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def points_section(user: User, year: int) -> dict[str, Any]:
    if not has_perm_anywhere(user, "points.view"):
        return {}
    root = points_queries.default_root(user)
    if root is None:
        return {}
    chart = points_queries.grade_distribution(root, year)
    chart = with_table(chart, id="grade-table", caption="党员 5A 分布（人数）", columns=["A 的个数", "人数"])
    return {"grade_chart": chart, "grade_total": sum(chart["values"]), "points_root": root}


def ratings_section(user: User) -> dict[str, Any]:
    if not has_perm_anywhere(user, "ratings.view"):
        return {}
    campaign = ratings_queries.visible_campaigns(user).first()
    if campaign is None:
        return {"rating_campaign": None}
    entries = ratings_queries.visible_entries(user, campaign)
    dist = ratings_queries.distribution(entries, {})
    chart = {"categories": [f"{r['rank']}星" for r in dist.rows], "values": [r["count"] for r in dist.rows]}
    chart = with_table(chart, id="rating-table", caption="各星级支部数", columns=["星级", "支部数"])
    return {"rating_campaign": campaign, "rating_chart": chart, "rating_total": dist.total}


def assessment_section(user: User) -> dict[str, Any]:
    if not has_perm_anywhere(user, assessment_queries.VIEW):
        return {}
    campaign = assessment_queries.visible_campaigns(user).first()
    if campaign is None:
        return {"assessment_campaign": None}
    counts = assessment_queries.quadrant_counts(assessment_queries.visible_entries(user, campaign))
    chart = {
        "categories": [str(assessment_queries.QUADRANT_LABELS[k]) for k in counts],
        "values": list(counts.values()),
    }
    chart = with_table(chart, id="quadrant-table", caption="各象限单位数", columns=["象限", "单位数"])
    return {"assessment_campaign": campaign, "quadrant_chart": chart, "quadrant_total": sum(counts.values())}


def contacts_section(user: User, year: int, today: date) -> dict[str, Any]:
    """三结对五联系 and leaders' contact points in the scope: partners and this year's contacts per kind,
    and the issues raised past their deadline and not closed (issue 18 item 6)."""
    if not has_perm_anywhere(user, outreach_pairing.VIEW):
        return {}
    rows = outreach_pairing.counts_by_kind(user, year)
    return {
        "contact_rows": rows,
        "contact_partners": sum(n for _, n, _ in rows),
        "contact_visits": sum(v for _, _, v in rows),
        "contact_overdue": outreach_pairing.overdue_count(user, today, perm=outreach_pairing.VIEW),
    }


def dashboard(user: User, year: int, today: date) -> dict[str, Any]:
    node, rows = unit_rows(user, year, today)
    by_overdue = sorted((r for r in rows if r.overdue), key=lambda r: -r.overdue)
    return {
        "node": node,
        "unit_rows": rows,
        "weak_count": sum(r.weak for r in rows),
        "compliance_chart": {
            **bars(rows, "rate"),
            # the page's own table of every unit (the bars are the worst ten of it)
            "table": data_table(
                id="unit-table",
                caption="各单位组织生活落实率，由低到高",
                columns=["单位", "落实率（%）", "逾期", "已完成"],
                rows=[[r.name, _percent(r.rate), r.overdue, r.met] for r in rows],
            ),
        },
        "overdue_rows": by_overdue,
        "overdue_chart": {
            **bars(by_overdue, "overdue"),
            "table": data_table(
                id="overdue-table",
                caption="逾期事项最多的单位（项）",
                columns=["单位", "逾期事项"],
                rows=[[r.name, r.overdue] for r in by_overdue],
            ),
        },
        "overdue_total": sum(r.overdue for r in rows),
        "month_chart": meetings_by_month(user, year),
        **points_section(user, year),
        **ratings_section(user),
        **assessment_section(user),
        **contacts_section(user, year, today),
    }


# ---------------------------------------------------------------- the big screen (大屏, issue 20 item 3)

SCREEN_ROWS = 8


def checkins_today(user: User, today: date) -> dict[str, Any]:
    """Today's phone check-ins in the scope, per meeting (names of meetings and organizations only)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(today, time.min, tzinfo=tz)
    rows = (
        scoped(Attendance.objects.all(), user, "orglife.view")
        .filter(checked_in_at__gte=start, checked_in_at__lt=start + timedelta(days=1))
        .values("meeting__title", "meeting__organization__name")
        .annotate(n=Count("id"))
        .order_by("-n", "meeting__title")
    )
    meetings = [
        {"title": r["meeting__title"], "organization": r["meeting__organization__name"], "n": r["n"]}
        for r in rows[: SCREEN_ROWS + 1]
    ]
    total = sum(m["n"] for m in meetings) if len(meetings) <= SCREEN_ROWS else None
    return {"checkin_meetings": meetings[:SCREEN_ROWS], "checkin_total": total}


def recent_honours(user: User) -> list[dict[str, Any]]:
    """The latest honours awarded in the scope: what, to whom (an organization, a brand or a member's name)."""
    if not has_perm_anywhere(user, "selections.view"):
        return []
    rows = (
        scoped(Nomination.objects.filter(state=NominationState.AWARDED), user, "selections.view")
        .select_related("campaign", "organization")
        .order_by("-awarded_at", "-pk")[:SCREEN_ROWS]
    )
    return [
        {"title": n.title, "campaign": n.campaign.name, "organization": n.organization.name} for n in rows
    ]


def screen(user: User, year: int, today: date) -> dict[str, Any]:
    context = dashboard(user, year, today)
    context.update(checkins_today(user, today), honours=recent_honours(user))
    return context
