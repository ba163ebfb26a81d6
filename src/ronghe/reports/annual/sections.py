"""The 年度工作报告's sections (issue 20 item 2): each a key, a Chinese title, a prompt for the text the
users write, and a provider that reads the year from the owning app's records.

A provider returns the section's figures (value, last year's value, the page that lists the records
behind it) and its tables. Member and organization figures come from `reports.statistics` (the 党内统计
of the year, so the two reports agree); meetings from orglife's `MeetingTally` and compliance; the
rest from one grouped query over the owning app's records, each scoped to the organization's subtree.
纪律建设 gives counts only, never a case's details. A figure that is 0 this year and last is left out
of the report rather than written as "0 次"; a section with none says 暂无记录.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from ronghe.assessment import queries as assessment_queries
from ronghe.assessment.models import Entry as AssessmentEntry
from ronghe.discipline.models import Case, Sanction
from ronghe.orglife import compliance
from ronghe.orglife.choices import ComplianceState, MeetingKind
from ronghe.orglife.compliance import year_bounds
from ronghe.orglife.models import MeetingTally
from ronghe.orgs.models import Organization, subtree_filter
from ronghe.ratings.choices import EntryState
from ronghe.ratings.models import Entry as RatingEntry
from ronghe.reports import statistics
from ronghe.selections.choices import NominationState
from ronghe.selections.models import Nomination

HONOURS_LISTED = 50  # names in the 评选表彰 table; the figure counts them all


@dataclass(frozen=True)
class Figure:
    """One figure of the report: "全年召开支部党员大会" 12 "次", last year's value, where it comes from.

    `stock` figures (members, organizations at year end; obligations left undone) exist in any year
    that has members; the others are the year's activity, and a year without any of them has nothing
    to report."""

    key: str
    label: str
    value: int
    unit: str
    previous: int | None
    url: str
    stock: bool = False

    @property
    def change(self) -> str:
        if self.previous is None:
            return ""
        diff = self.value - self.previous
        if diff == 0:
            return "与上年持平"
        return f"比上年{'增加' if diff > 0 else '减少'} {abs(diff)} {self.unit}"

    @property
    def sentence(self) -> str:
        text = f"{self.label} {self.value} {self.unit}"
        return f"{text}，{self.change}" if self.change else text

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "previous": self.previous,
            "url": self.url,
            "stock": self.stock,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        return cls(
            data["key"],
            data["label"],
            data["value"],
            data["unit"],
            data["previous"],
            data["url"],
            data.get("stock", False),
        )


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: list[str]
    rows: list[list[str | int]]

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "columns": self.columns, "rows": self.rows}


@dataclass
class SectionData:
    figures: list[Figure] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        """A figure that is 0 this year and last (or unknown last year) is left out."""
        if figure.value or figure.previous:
            self.figures.append(figure)


@dataclass
class Context:
    """What every provider reads: the organization, the year, the 党内统计 of the year and the one before."""

    organization: Organization
    year: int
    today: date
    stats: statistics.PartyStatistics
    previous_stats: statistics.PartyStatistics | None

    @property
    def stock_when(self) -> str:
        """How a stock figure's day reads: 年末, or 目前 in a draft of a year not yet ended."""
        return "目前" if self.stats.draft else "年末"

    @property
    def in_tree(self) -> QuerySet[Organization]:
        return Organization.objects.filter(subtree_filter(self.organization.path))

    def link(self, name: str, **query: Any) -> str:
        url = reverse(name)
        return f"{url}?{urlencode(query)}" if query else url

    @property
    def statistics_url(self) -> str:
        return self.link("reports:party-statistics", org=self.organization.code, year=self.year)

    def stat(self, table: str, column: str, *, last: bool = False) -> int | None:
        stats = self.previous_stats if last else self.stats
        return None if stats is None else stats.table(table).value(column)

    def stat_figure(
        self, key: str, label: str, table: str, column: str, unit: str, *, stock: bool = False, url: str = ""
    ) -> Figure:
        """A figure from 党内统计: this year's value, last year's, and its source (the statistics page
        unless another `url` is given)."""
        value = self.stats.table(table).value(column)
        previous = self.stat(table, column, last=True)
        return Figure(key, label, value, unit, previous, url or self.statistics_url, stock)


Provider = Callable[[Context], SectionData]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    prompt: str  # what the users are asked to write in the section
    provider: Provider | None  # None: text only


# ---- providers ---------------------------------------------------------------------------------------


def basic(ctx: Context) -> SectionData:
    """基本情况: members at 31 December (党内统计), with the rows of the direct children."""
    data = SectionData()
    url = ctx.statistics_url
    total = ctx.stats.table("comparison")
    data.add(
        Figure(
            "members",
            f"{ctx.stock_when}共有党员",
            total.value("本年末党员数"),
            "名",
            total.value("上年末党员数"),
            url,
            True,
        )
    )
    for column, label in (("正式党员", "其中正式党员"), ("预备党员", "预备党员"), ("女", "女党员")):
        data.add(ctx.stat_figure(f"members.{column}", label, "basic", column, "名", stock=True))
    data.add(
        ctx.stat_figure("members.college", "大专及以上学历党员", "basic", "大专及以上", "名", stock=True)
    )
    table = ctx.stats.table("basic")
    rows = table.rows[1:]
    if len(rows) > 1:
        data.tables.append(
            ReportTable(
                f"各党组织党员人数（{ctx.stock_when}）",
                ["党组织", "党员总数", "正式党员", "预备党员"],
                [
                    [
                        r.label,
                        *(r.values[table.columns.index(c)] for c in ("党员总数", "正式党员", "预备党员")),
                    ]
                    for r in rows
                ],
            )
        )
    return data


def organization_building(ctx: Context) -> SectionData:
    """组织建设: organizations at year end, 发展党员 and 转正 of the year (党内统计)."""
    data = SectionData()
    data.add(
        ctx.stat_figure(
            "organizations", f"{ctx.stock_when}共有党组织", "organizations", "党组织总数", "个", stock=True
        )
    )
    for _, label in statistics.ORG_KINDS:
        data.add(
            ctx.stat_figure(
                f"organizations.{label}", f"其中{label}", "organizations", label, "个", stock=True
            )
        )
    data.add(ctx.stat_figure("developed", "全年发展党员", "developed", "发展党员", "名"))
    data.add(ctx.stat_figure("confirmed", "预备党员按期转正", "probation", "转正", "名"))
    return data


def organizational_life(ctx: Context) -> SectionData:
    """组织生活: held meetings by kind (the tallies the meeting services keep) and 民主评议党员."""
    data = SectionData()
    held: dict[tuple[int, str], int] = {}
    for year, kind, n in (
        MeetingTally.objects.filter(organization__in=ctx.in_tree, year__in=[ctx.year, ctx.year - 1])
        .values_list("year", "kind")
        .annotate(n=Sum("held"))
        .values_list("year", "kind", "n")
        .order_by()
    ):
        held[(year, kind)] = n or 0
    for kind in MeetingKind:
        data.add(
            Figure(
                f"meetings.{kind.value}",
                f"全年召开{kind.label}",
                held.get((ctx.year, kind.value), 0),
                "次",
                held.get((ctx.year - 1, kind.value), 0),
                ctx.link("orglife:meeting-list", org=ctx.organization.code, year=ctx.year, kind=kind.value),
            )
        )
    data.add(ctx.stat_figure("appraisal", "参加民主评议党员", "appraisal", "参加评议", "人次"))
    data.add(ctx.stat_figure("appraisal.excellent", "评议为优秀", "appraisal", "优秀", "人次"))
    return data


def _rating_counts(ctx: Context, year: int) -> dict[str, int]:
    entries = RatingEntry.objects.filter(campaign__year=year, organization__in=ctx.in_tree).exclude(
        state=EntryState.DRAFT
    )
    return entries.aggregate(
        applied=Count("id"),
        applied_five=Count("id", filter=Q(applied_level=5)),
        named=Count("id", filter=Q(state=EntryState.NAMED)),
        named_five=Count("id", filter=Q(state=EntryState.NAMED, level=5)),
    )


def _campaign_link(ctx: Context, app: str, campaigns: list[Any]) -> str:
    """The year's campaign when there is one, the app's campaign list otherwise."""
    if len(campaigns) == 1:
        return reverse(f"{app}:campaign-detail", kwargs={"code": campaigns[0]})
    return reverse(f"{app}:campaign-list")


def ratings(ctx: Context) -> SectionData:
    """评星定级: entries submitted in the year's campaigns by the subtree's branches, and those named."""
    data = SectionData()
    now, before = _rating_counts(ctx, ctx.year), _rating_counts(ctx, ctx.year - 1)
    campaigns = list(
        RatingEntry.objects.filter(campaign__year=ctx.year, organization__in=ctx.in_tree)
        .order_by()
        .values_list("campaign__code", flat=True)
        .distinct()[:2]
    )
    url = _campaign_link(ctx, "ratings", campaigns)
    for key, label in (
        ("applied", "参加评星定级的党支部"),
        ("applied_five", "申报五星"),
        ("named", "命名星级党支部"),
        ("named_five", "评定为五星"),
    ):
        data.add(Figure(f"ratings.{key}", label, now[key], "个", before[key], url))
    return data


def _awarded(ctx: Context, year: int) -> QuerySet[Nomination]:
    begin, end = year_bounds(year)
    return Nomination.objects.filter(
        state=NominationState.AWARDED, awarded_at__gte=begin, awarded_at__lt=end, organization__in=ctx.in_tree
    )


def selections(ctx: Context) -> SectionData:
    """评选表彰: honours announced in the year to the subtree's members and organizations (as 党内统计)."""
    data = SectionData()
    now = list(
        _awarded(ctx, ctx.year)
        .order_by("campaign__selection__category_name", "pk")
        .values_list("campaign__selection__category_name", "title", "organization__name", "campaign__code")
    )
    before = _awarded(ctx, ctx.year - 1).count()
    url = _campaign_link(ctx, "selections", list({c for *_, c in now})[:2])
    data.add(Figure("honours", "受到表彰的先进集体和个人", len(now), "个（名）", before, url))
    if now:
        data.tables.append(
            ReportTable(
                "受表彰名单",
                ["荣誉", "对象", "所在党组织"],
                [[category, title, org] for category, title, org, _ in now[:HONOURS_LISTED]],
            )
        )
    return data


def education(ctx: Context) -> SectionData:
    """教育培训: training classes of the year and their attendance (党内统计's 党员培训)."""
    data = SectionData()
    url = ctx.link("education:class-list", year=ctx.year, org=ctx.organization.code)
    for column, key, label, unit in (
        ("培训班", "classes", "举办培训班", "期"),
        ("参训人次", "trained", "党员参加培训", "人次"),
        ("学时合计", "hours", "累计培训学时", "学时"),
    ):
        data.add(ctx.stat_figure(f"training.{key}", label, "training", column, unit, url=url))
    return data


def assessment(ctx: Context) -> SectionData:
    """融合考核: the subtree's units assessed in the year's campaigns, by grade."""
    data = SectionData()

    def entries(year: int) -> QuerySet[AssessmentEntry]:
        return AssessmentEntry.objects.filter(
            campaign__year=year, organization__in=ctx.in_tree, computed_at__isnull=False
        )

    now, before = entries(ctx.year), entries(ctx.year - 1)
    campaigns = list(now.order_by().values_list("campaign__code", flat=True).distinct()[:2])
    url = _campaign_link(ctx, "assessment", campaigns)
    data.add(
        Figure("assessment.units", "参加党建与业务融合考核的单位", now.count(), "个", before.count(), url)
    )
    last = {row["grade"]: row["n"] for row in assessment_queries.grade_counts(before)}
    for row in assessment_queries.grade_counts(now):
        data.add(
            Figure(
                f"assessment.{row['grade']}",
                f"考核等次为“{row['grade']}”",
                row["n"],
                "个",
                last.get(row["grade"], 0),
                url,
            )
        )
    return data


def discipline(ctx: Context) -> SectionData:
    """纪律建设: counts only (clues received, cases filed, sanctions given); never who or what."""
    data = SectionData()
    url = ctx.link("discipline:case-list", year=ctx.year, org=ctx.organization.code)

    def counts(year: int) -> dict[str, int]:
        cases = Case.objects.filter(organization__in=ctx.in_tree)
        out = cases.aggregate(
            received=Count("id", filter=Q(received_on__year=year)),
            filed=Count("id", filter=Q(filed_on__year=year)),
        )
        out["sanctions"] = Sanction.objects.filter(
            organization__in=ctx.in_tree, starts_on__year=year, revoked_on__isnull=True
        ).count()
        return out

    now, before = counts(ctx.year), counts(ctx.year - 1)
    for key, label, unit in (
        ("received", "受理问题线索", "件"),
        ("filed", "立案", "件"),
        ("sanctions", "给予党纪处分", "人次"),
    ):
        data.add(Figure(f"discipline.{key}", label, now[key], unit, before[key], url))
    return data


def problems(ctx: Context) -> SectionData:
    """存在问题: the organizational-life obligations of the year left overdue (orglife compliance).

    Only for a year in which the subtree recorded meetings: a year before the platform was used would
    show every obligation as overdue, which says nothing about the work."""
    data = SectionData()
    recorded = set(
        MeetingTally.objects.filter(
            organization__in=ctx.in_tree, year__in=[ctx.year, ctx.year - 1], held__gt=0
        )
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )

    def overdue(year: int) -> int | None:
        if year not in recorded:
            return None
        results = compliance.compute_compliance(ctx.in_tree, year, min(ctx.today, date(year, 12, 31)))
        return sum(1 for oc in results for ob in oc.obligations if ob.state == ComplianceState.OVERDUE)

    now = overdue(ctx.year)
    if now is None:
        return data
    data.add(
        Figure(
            "orglife.overdue",
            "组织生活未按期完成事项",
            now,
            "项",
            overdue(ctx.year - 1),
            ctx.link("orglife:compliance", org=ctx.organization.code, year=ctx.year),
            stock=True,  # what was owed and not done: no record of the year's activity
        )
    )
    return data


SECTIONS: list[Section] = [
    Section("basic", "基本情况", "概述党组织和党员队伍的总体情况、本年度工作的主要成效。", basic),
    Section(
        "organization",
        "组织建设",
        "写明党组织设置调整、换届选举、发展党员和党员教育管理的做法与成效。",
        organization_building,
    ),
    Section(
        "orglife",
        "组织生活",
        "写明“三会一课”、主题党日、组织生活会和民主评议党员的开展情况及特色做法。",
        organizational_life,
    ),
    Section("ratings", "评星定级", "写明支部评星定级的组织过程、晋位升级和整改提升情况。", ratings),
    Section("selections", "评选表彰", "写明评选表彰的组织情况和先进典型的示范带动作用。", selections),
    Section("education", "教育培训", "写明党员教育培训的主题、方式和学习成效。", education),
    Section("assessment", "融合考核", "写明党建与业务融合考核的做法、结果运用和典型经验。", assessment),
    Section(
        "discipline", "纪律建设", "写明党风廉政建设、警示教育和廉政风险防控情况（不写具体案件）。", discipline
    ),
    Section("problems", "存在问题", "实事求是地写明工作中存在的主要问题和不足及其原因。", problems),
    Section("plans", "下一步打算", "写明下一年度的工作思路、主要目标和具体措施。", None),
]

SECTION_KEYS = [s.key for s in SECTIONS]


def section(key: str) -> Section | None:
    return next((s for s in SECTIONS if s.key == key), None)
