"""Monthly trends of a unit's or an organization's subtree (issue 20 item 4): meetings held, the compliance
rate of what fell due each month, and points entered, for the current year — each a chart with its table.

home sits above the domain apps, so it reads each through its queries and adds the section to the unit and
organization pages (`orgs.unit_sections`, declared in `ronghe.home.apps`). Queries: a constant number
whatever the size of the subtree (two scope checks, one grouped count per figure, and the compliance
engine's own constant few).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from ronghe.core.charts import with_table
from ronghe.core.readcache import cached_aggregate, summary_version
from ronghe.core.scope import paths_with, scoped
from ronghe.orglife import queries as orglife_queries
from ronghe.orglife.compliance import Tally
from ronghe.orglife.rollup import ROLLUP_CACHE_SECONDS
from ronghe.orgs.models import Organization, Unit
from ronghe.points import queries as points_queries

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ronghe.accounts.models import User

MONTHS = range(1, 13)


def _months() -> list[str]:
    return [f"{m}月" for m in MONTHS]


def monthly_trends(
    user: User, orgs: QuerySet[Organization], year: int, today: date, *, subtree_key: str | None = None
) -> dict[str, Any] | None:
    """The charts the user may see for `orgs` (a subtree): meetings and compliance with orglife.view in it,
    points with points.view; None when neither. With `subtree_key` (what `orgs` is: a unit, a path) the
    compliance tallies are kept a minute like the rollup's: the engine walks every obligation of the
    subtree in Python, seconds for a whole city; any meeting, member or requirement saved drops them."""
    life = scoped(orgs, user, "orglife.view")
    points = scoped(orgs, user, "points.view")
    out: dict[str, Any] = {"year": year}
    if life.exists():
        held = orglife_queries.held_by_month(life, year)
        out["meetings_chart"] = with_table(
            {"categories": _months(), "values": [held.get(m, 0) for m in MONTHS]},
            id="trend-meetings-table",
            caption=f"{year} 年每月召开的组织生活会议（次）",
            columns=["月份", "会议数"],
        )

        def tallies_now() -> dict[int, Tally]:
            return orglife_queries.compliance_by_month(life, year, today)

        if subtree_key is None:
            tallies = tallies_now()
        else:
            raw = repr(
                (paths_with(user, "orglife.view"), subtree_key, year, today.isoformat(), summary_version())
            )
            key = "home:trends:" + hashlib.sha256(raw.encode()).hexdigest()
            tallies = cached_aggregate(key, tallies_now, ROLLUP_CACHE_SECONDS)
        rates = [tallies[m].rate for m in MONTHS]
        out["compliance_chart"] = with_table(
            {
                "categories": _months(),
                "values": [None if r is None else round(r * 100, 1) for r in rates],
                "max": 100,
                "unit": "%",
            },
            id="trend-compliance-table",
            caption=f"{year} 年每月到期事项的落实率（%）",
            columns=["月份", "落实率（%）"],
        )
    if points.exists():
        totals = points_queries.points_by_month(points, year)
        out["points_chart"] = with_table(
            {"categories": _months(), "values": [float(totals.get(m, 0)) for m in MONTHS]},
            id="trend-points-table",
            caption=f"{year} 年每月党员积分（分）",
            columns=["月份", "积分"],
        )
    return out if len(out) > 1 else None


def unit_trends(request: HttpRequest, unit: Unit) -> dict[str, Any] | None:
    """The unit page's section: the unit's own Party organizations (joint ones serve other units too)."""
    today = timezone.localdate()
    orgs = Organization.objects.filter(unit=unit)
    return monthly_trends(request.user, orgs, today.year, today, subtree_key=f"unit:{unit.pk}")  # type: ignore[arg-type]


def organization_trends(request: HttpRequest, organization: Organization) -> dict[str, Any] | None:
    """The organization page's section: its whole subtree."""
    today = timezone.localdate()
    orgs = organization.subtree()
    return monthly_trends(request.user, orgs, today.year, today, subtree_key=organization.path)  # type: ignore[arg-type]
