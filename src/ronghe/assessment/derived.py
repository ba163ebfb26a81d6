"""The 党建 side of a unit's assessment, derived from what the platform records — read through each
owning app's queries/facts module (style.md §3), never its tables — and the 业务 side from the KPI
results business systems report.

Every value is 0–100 and carries a short Chinese explanation and the page behind it. Codes of modules
not built yet are declared (so schemes may reference them) but not fed: their value is None (暂无数据),
which counts nothing — a missing fact never raises a score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils import timezone

from ronghe.assessment import rules
from ronghe.assessment.choices import RoundState
from ronghe.assessment.models import Debrief, KpiDefinition, KpiResult
from ronghe.core.rectification import services as rectification
from ronghe.discipline import facts as discipline_facts
from ronghe.integration import queries as integration_queries
from ronghe.orglife import facts as orglife_facts
from ronghe.orgs import queries as orgs_queries
from ronghe.points import queries as points_queries
from ronghe.ratings import queries as ratings_queries

NO_DATA = "暂无数据"


@dataclass(frozen=True)
class DerivedIndicator:
    code: str
    name: str
    feeds: bool  # False: declared for schemes, its module is not built yet


@dataclass(frozen=True)
class DerivedValue:
    value: Decimal | None
    detail: str
    url: str = ""


INDICATORS: dict[str, DerivedIndicator] = {
    i.code: i
    for i in (
        DerivedIndicator("ratings.star_mean", "所属支部星级", True),
        DerivedIndicator("orglife.compliance_rate", "组织生活落实率", True),
        DerivedIndicator("points.share_5a", "5A 党员占比", True),
        DerivedIndicator("assessment.debrief", "书记抓党建述职评议", True),
        DerivedIndicator("rectification.closure", "整改完成率", True),
        DerivedIndicator("integration.review_mean", "季度同步点评", True),
        DerivedIndicator("discipline.major_case", "违纪违法案件", True),
    )
}


# The pages the values link to (with the year as a query where it applies).
PAGES = ("ratings:campaign-list", "orglife:compliance", "integration:review-list", "rectification:item-list")


def _pct(part: int | Decimal, whole: int | Decimal) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(rules.CENT, rounding=ROUND_HALF_UP)


def party_values(
    unit_ids: Sequence[int],
    year: int,
    arules: rules.AssessmentRules,
    *,
    today: date | None = None,
    debriefs: dict[int, int] | None = None,
) -> dict[int, dict[str, DerivedValue]]:
    """{unit id: {code: DerivedValue}} for every unit of `unit_ids` that has a Party organization.
    `debriefs` (`debrief_ranks`) when the caller has read them already.

    A fixed number of queries whatever the number of units: the units' organizations, the named star
    levels, orglife's compliance of each unit's main organization's subtree, the members' yearly
    points of all the units' organizations, the 述职 grades and the rectification items.
    """
    today = today or timezone.localdate()
    main = {u: (org.pk, org.path) for u, org in orgs_queries.lead_organizations(list(unit_ids)).items()}
    own = orgs_queries.unit_organizations(list(main))
    orgs = {u: own.get(u, [main[u]]) for u in main}  # a unit served by a 联合党支部 only: that branch
    all_ids = list({pk for rows in orgs.values() for pk, _path in rows})
    stars = ratings_queries.star_levels_by_unit(list(orgs), year)
    tallies = orglife_facts.compliance_by_organization([pk for pk, _ in main.values()], year, today)
    points = points_queries.points_by_organization(all_ids, year)
    closure = rectification.closure_by_organization(all_ids, year)
    debriefs = debriefs if debriefs is not None else debrief_ranks(list(orgs), year)
    reviews = integration_queries.review_grades(list(orgs), year)
    majors = discipline_facts.major_sanction_counts(all_ids, year)
    # The pages behind the values are the same for every unit: reversed once, not once per unit.
    pages = {name: reverse(name) for name in PAGES}
    out: dict[int, dict[str, DerivedValue]] = {}
    for unit_id, rows in orgs.items():
        main_pk, _ = main[unit_id]
        ids = [pk for pk, _ in rows]
        values = {
            "ratings.star_mean": _stars(stars.get(unit_id), year, pages),
            "orglife.compliance_rate": _compliance(tallies.get(main_pk), year, pages),
            "points.share_5a": _share_5a([points[pk] for pk in ids if pk in points]),
            "assessment.debrief": _debrief(debriefs.get(unit_id), arules),
            "rectification.closure": _closure([closure[pk] for pk in ids if pk in closure], year, pages),
            "integration.review_mean": _reviews(reviews.get(unit_id, []), year, arules, pages),
            "discipline.major_case": _major_case(sum(majors.get(pk, 0) for pk in ids), year),
        }
        for code, indicator in INDICATORS.items():
            if not indicator.feeds:
                values[code] = DerivedValue(None, NO_DATA)
        out[unit_id] = values
    return out


def _major_case(count: int, year: int) -> DerivedValue:
    """1 (the veto) when a member of the unit's organizations had a 重处分 in force in the year
    (`discipline.facts`: how many, never who or why), else 0."""
    if count:
        return DerivedValue(Decimal(1), f"{year} 年本单位有党员受重处分（一票否决），详情仅纪检可见")
    return DerivedValue(Decimal(0), f"{year} 年本单位没有党员受重处分")


def _stars(row: tuple[int, Decimal] | None, year: int, pages: Mapping[str, str]) -> DerivedValue:
    url = pages["ratings:campaign-list"] + f"?year={year}"
    if row is None:
        return DerivedValue(None, f"{year} 年没有已命名星级的支部", url)
    n, mean = row
    return DerivedValue(rules.q(mean * 20), f"{n} 个支部平均 {rules.q(mean)} 星（每星 20 分）", url)


def _compliance(tally: orglife_facts.Tally | None, year: int, pages: Mapping[str, str]) -> DerivedValue:
    url = pages["orglife:compliance"] + f"?year={year}"
    if tally is None or tally.met + tally.overdue == 0:
        return DerivedValue(None, f"{year} 年尚无到期的组织生活要求", url)
    judged = tally.met + tally.overdue
    return DerivedValue(_pct(tally.met, judged), f"已到期 {judged} 项要求，按要求开展 {tally.met} 项", url)


def _share_5a(rows: list[points_queries.OrganizationPoints]) -> DerivedValue:
    members = sum(r.members for r in rows)
    five = sum(r.five_a for r in rows)
    if not members:
        return DerivedValue(None, "本年度尚无党员积分结果")
    return DerivedValue(_pct(five, members), f"{members} 名党员中 {five} 名为 5A 党员")


def debrief_ranks(unit_ids: Sequence[int], year: int) -> dict[int, int]:
    """Per unit: its secretary's final 述职 grade of the year (finalized rounds only). One query."""
    rows = Debrief.objects.filter(
        unit_id__in=list(unit_ids),
        round__year=year,
        round__state=RoundState.FINALIZED,
        final_rank__isnull=False,
    ).values_list("unit_id", "final_rank")
    return {unit_id: rank for unit_id, rank in rows if rank is not None}


def _debrief(rank: int | None, arules: rules.AssessmentRules) -> DerivedValue:
    if rank is None:
        return DerivedValue(None, "本年度尚无述职评议等次")
    key = next(k for k, r in rules.GRADE_KEYS.items() if r == rank)
    score = arules.debrief.scores.get(key, rules.ZERO)
    return DerivedValue(score, f"述职评议等次“{rules.grade_label(rank)}”，折合 {rules.q(score)} 分")


# The quarterly review's grade keys, as the 述职 grade keys whose scores the assessment's rules hold.
REVIEW_KEYS = {"good": "good", "fairly_good": "fair_good", "average": "average", "poor": "poor"}


def _reviews(
    grades: list[str | None], year: int, arules: rules.AssessmentRules, pages: Mapping[str, str]
) -> DerivedValue:
    url = pages["integration:review-list"] + f"?year={year}"
    given = [(q + 1, g) for q, g in enumerate(grades) if g]
    if not given:
        return DerivedValue(None, f"{year} 年尚无定稿的季度同步点评", url)
    scores = [arules.debrief.scores.get(REVIEW_KEYS.get(g, ""), rules.ZERO) for _, g in given]
    labels = "、".join(f"第{q}季度{rules.GRADE_LABELS[rules.GRADE_KEYS[REVIEW_KEYS[g]]]}" for q, g in given)
    mean = rules.q(sum(scores, rules.ZERO) / len(scores))
    return DerivedValue(mean, f"{labels}，平均 {mean} 分", url)


def _closure(rows: list[tuple[int, int]], year: int, pages: Mapping[str, str]) -> DerivedValue:
    url = pages["rectification:item-list"]
    closed, n = sum(r[0] for r in rows), sum(r[1] for r in rows)
    if not n:
        return DerivedValue(None, f"{year} 年没有到期的整改事项", url)
    return DerivedValue(_pct(closed, n), f"{year} 年到期整改 {n} 项，已销号 {closed} 项", url)


def kpi_lines(unit_ids: Sequence[int], year: int) -> dict[int, list[rules.KpiLine]]:
    """Per unit: its KPIs of the year, each with the value of its latest period in the year (the
    annual figure when reported). Two queries."""
    defs = list(KpiDefinition.objects.filter(unit_id__in=list(unit_ids), year=year).order_by("code"))
    latest: dict[int, tuple[tuple[int, int], str, Decimal]] = {}
    for def_id, period, value in KpiResult.objects.filter(definition__in=defs).values_list(
        "definition_id", "period", "value"
    ):
        key = rules.period_order(period)
        if def_id not in latest or key >= latest[def_id][0]:
            latest[def_id] = (key, period, value)
    out: dict[int, list[rules.KpiLine]] = defaultdict(list)
    for d in defs:
        got = latest.get(d.pk)
        out[d.unit_id].append(
            rules.KpiLine(
                d.code,
                d.name,
                d.weight,
                d.target,
                d.direction,
                d.measure,
                None if got is None else got[2],
                "" if got is None else got[1],
            )
        )
    return dict(out)
