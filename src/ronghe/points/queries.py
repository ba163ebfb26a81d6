"""Read side of member points: a member's year, rankings with ties, distributions, the ledger."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import ExtractMonth, Rank
from django.urls import reverse
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import workdays
from ronghe.core.scope import paths_with, scoped
from ronghe.core.scoring import rules as scoring
from ronghe.core.scoring.models import Dimension, Indicator, Scheme
from ronghe.core.workflow import services as workflow
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.points import rules
from ronghe.points.choices import ClaimState, SourceType
from ronghe.points.models import Claim, MemberYear, PointsEntry
from ronghe.points.services import Resolver

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


@dataclass(frozen=True)
class DimensionRow:
    code: str
    name: str
    points: Decimal
    grade: str
    threshold_a: Decimal
    threshold_b: Decimal


@dataclass(frozen=True)
class MemberSummary:
    member: Member
    year: int
    scheme: Scheme | None
    total: Decimal
    grade: str
    a_count: int
    vetoed: bool
    dimensions: list[DimensionRow]
    shortfalls: list[scoring.Shortfall]


def member_summary(member: Member, year: int) -> MemberSummary:
    """Total, per-dimension scores and grades, and what is missing for the next grade."""
    resolver = Resolver()
    row = MemberYear.objects.filter(member=member, year=year).select_related("scheme").first()
    # the scheme the stored result was computed with; without one, the scheme in force
    scheme = row.scheme if row is not None else resolver.scheme(member.organization.path, year)
    if scheme is None:
        return MemberSummary(member, year, None, Decimal("0"), "", 0, False, [], [])
    scheme_rules = resolver.rules(scheme)
    points = row.dimension_points() if row else {}
    dims = {d.code: points.get(d.code, d.base) for d in scheme_rules.dimensions}
    grades = (
        row.grades if row else {d.code: scoring.grade_for(dims[d.code], d) for d in scheme_rules.dimensions}
    )
    evaluation = scoring.Evaluation(
        total=row.total if row else sum(dims.values(), Decimal("0")),
        dimensions=dims,
        grades=grades,
        indicators=(),
        vetoed=row.vetoed if row else False,
    )
    return MemberSummary(
        member=member,
        year=year,
        scheme=scheme,
        total=evaluation.total,
        grade=row.grade if row else scoring.grade_label(grades, dims),
        a_count=row.a_count if row else sum(1 for g in grades.values() if g == "A"),
        vetoed=evaluation.vetoed,
        dimensions=[
            DimensionRow(d.code, d.name, dims[d.code], grades.get(d.code, "C"), d.threshold_a, d.threshold_b)
            for d in scheme_rules.dimensions
        ],
        shortfalls=scoring.shortfalls(scheme_rules, evaluation),
    )


@dataclass(frozen=True)
class ClaimRoom:
    """An indicator's rule as the member and the reviewer see it beside a claim: the points per event,
    the caps, what the member already has counted this year and what is left under the caps."""

    indicator: Indicator
    per_event: Decimal
    ranged: bool  # an entered indicator: a score from 0 up to per_event
    caps: str
    counted: Decimal
    left: Decimal | None  # None: no cap


def claim_rooms(member: Member, indicators: Iterable[Indicator], on: date) -> list[ClaimRoom]:
    """`ClaimRoom` for each indicator on the day `on`: one aggregate of the member's ledger."""
    indicators = list(indicators)
    months: dict[int, dict[tuple[int, int], Decimal]] = {i.pk: {} for i in indicators}
    for row in (
        PointsEntry.objects.filter(member=member, year=on.year, indicator__in=[i.pk for i in indicators])
        .annotate(month=ExtractMonth("occurred_on"))
        .values("indicator_id", "month")
        .annotate(total=Sum("points"))
        .order_by()
    ):
        months[row["indicator_id"]][(on.year, row["month"])] = Decimal(row["total"])
    resolver = Resolver()
    out = []
    for indicator in indicators:
        rule = next(r for r in resolver.rules(indicator.scheme).indicators if r.code == indicator.code)
        sums = months[indicator.pk]
        out.append(
            ClaimRoom(
                indicator=indicator,
                per_event=indicator.points,
                ranged=indicator.kind == "entered",
                caps=rules.cap_text(rule),
                counted=scoring.capped_indicator_total(rule, sums) if sums else Decimal("0"),
                left=rules.room_under_caps(rule, sums, on),
            )
        )
    return out


def member_formula(member: Member, summary: MemberSummary) -> scoring.Formula | None:
    """The member's total as its formula (基础分 + 加分 − 扣分 = 总分), each term as counted after the
    indicators' caps: one aggregate of the year's ledger, evaluated by the scheme the total came from."""
    if summary.scheme is None:
        return None
    return formulas(summary.year, [(member.pk, summary.scheme, summary.total, summary.vetoed)])[member.pk]


def formulas(year: int, results: Iterable[tuple[int, Scheme, Decimal, bool]]) -> dict[int, scoring.Formula]:
    """Formulas for several members' stored results (member id, scheme, total, vetoed) in one aggregate
    of their ledgers — a ranking page shows one per row."""
    results = list(results)
    sums: dict[int, list[tuple[str, int, int, Decimal, int]]] = {pk: [] for pk, *_ in results}
    for row in (
        PointsEntry.objects.filter(member_id__in=list(sums), year=year)
        .annotate(month=ExtractMonth("occurred_on"))
        .values("member_id", "indicator__code", "month")
        .annotate(total=Sum("points"), n=Count("id"))
        .order_by()
    ):
        sums[row["member_id"]].append(
            (row["indicator__code"], year, row["month"], Decimal(row["total"]), row["n"])
        )
    resolver = Resolver()
    out = {}
    for pk, scheme, total, vetoed in results:
        scheme_rules = resolver.rules(scheme)
        evaluation = scoring.evaluate_sums(scheme_rules, sums[pk])
        if evaluation.total != total:  # stored with another version of the rules: say the stored total
            evaluation = scoring.Evaluation(
                total, evaluation.dimensions, evaluation.grades, evaluation.indicators, vetoed
            )
        out[pk] = scoring.formula(scheme_rules, evaluation)
    return out


def entries_for_member(member: Member, year: int) -> QuerySet[PointsEntry]:
    return (
        PointsEntry.objects.filter(member=member, year=year)
        .select_related("indicator__dimension")
        .order_by("-occurred_on", "-id")
    )


def attach_source_urls(entries: list[PointsEntry], user: User) -> list[PointsEntry]:
    """Set `source_url` on each entry, with two queries for the page, not one per row.

    Every point opens to its source: attendance → the meeting page when the viewer may read the
    meeting there (else the entry's own page, which shows the meeting facts); a claim → the
    claim page; training, volunteering and adjustments → the entry page (note, reason, by whom).
    """
    from ronghe.core.scope import has_perm_at
    from ronghe.orglife import facts

    claims = {
        str(pk): code
        for pk, code in Claim.objects.filter(
            pk__in=[e.source_id for e in entries if e.source_type == SourceType.CLAIM]
        ).values_list("pk", "code")
    }
    meetings = {
        str(pk): link
        for pk, link in facts.meeting_links(
            int(e.source_id)
            for e in entries
            if e.source_type == SourceType.ATTENDANCE and e.source_id.isdigit()
        ).items()
    }
    for e in entries:
        e.source_url = reverse("points:entry-detail", kwargs={"code": e.code})
        if e.source_type == SourceType.CLAIM and e.source_id in claims:
            e.source_url = reverse("points:claim-detail", kwargs={"code": claims[e.source_id]})
        elif e.source_type == SourceType.ATTENDANCE and e.source_id in meetings:
            code, path = meetings[e.source_id]
            if has_perm_at(user, "orglife.view", path):
                e.source_url = reverse("orglife:meeting-detail", kwargs={"code": code})
    return entries


def entry_source(entry: PointsEntry, user: User) -> dict[str, Any]:
    """What one ledger entry came from, for its page: the meeting and the member's attendance,
    the claim, or the adjustment's reason and author."""
    from ronghe.core.scope import has_perm_at
    from ronghe.orglife import facts

    source: dict[str, Any] = {"type": entry.get_source_type_display()}
    if entry.source_type == SourceType.ATTENDANCE:
        meeting, attendance = (
            facts.meeting_and_attendance(int(entry.source_id), entry.member_id)
            if entry.source_id.isdigit()
            else (None, None)
        )
        if meeting is not None:
            source["meeting"] = meeting
            source["attendance"] = attendance
            if has_perm_at(user, "orglife.view", meeting.organization.path):
                source["url"] = reverse("orglife:meeting-detail", kwargs={"code": meeting.code})
    elif entry.source_type == SourceType.CLAIM:
        claim = Claim.objects.filter(pk=entry.source_id).first() if entry.source_id.isdigit() else None
        if claim is not None:
            source["claim"] = claim
            source["url"] = reverse("points:claim-detail", kwargs={"code": claim.code})
    elif entry.source_type == SourceType.DUES:
        # the month's record in the 党费 ledger: the member's own page, or the member's 党费 page for staff
        if getattr(user, "member_id", None) == entry.member_id:
            source["url"] = reverse("dues:my-dues")
        elif has_perm_at(user, "dues.view", entry.member.organization.path):
            source["url"] = reverse("dues:member", kwargs={"code": entry.member.code})
    return source


def organizations_for_user(user: User, perm: str = "points.view") -> QuerySet[Organization]:
    return scoped(Organization.objects.exclude(kind="group"), user, perm).only(
        "code", "name", "path", "depth"
    )


def default_root(user: User, perm: str = "points.view") -> Organization | None:
    paths = paths_with(user, perm)
    if not paths:
        return None
    return Organization.objects.filter(path=paths[0]).first()


class Ranked(TypedDict):
    """`ranking`'s competition rank (1, 1, 3) on each row."""

    rank: int


def ranking(root: Organization, year: int) -> QuerySet[WithAnnotations[MemberYear, Ranked]]:
    """Members of a subtree ranked by total with competition ranking (1, 1, 3) via RANK()."""
    return (
        MemberYear.objects.filter(year=year, organization__path__startswith=root.path)
        .select_related("member", "organization", "scheme")
        .annotate(rank=Window(expression=Rank(), order_by=F("total").desc()))
        .order_by("-total", "member__name", "member_id")
    )


def with_formulas(rows: Iterable[MemberYear], year: int) -> list[MemberYear]:
    """The rows, each with `.formula` (a ranking page's 积分构成 column)."""
    rows = list(rows)
    found = formulas(year, [(r.member_id, r.scheme, r.total, r.vetoed) for r in rows])
    for r in rows:
        r.formula = found[r.member_id]  # type: ignore[attr-defined]
    return rows


def grade_distribution(root: Organization, year: int) -> dict[str, Any]:
    """How many members hold 0A … 5A (count of A dimensions), for the chart."""
    counts = dict(
        MemberYear.objects.filter(year=year, organization__path__startswith=root.path)
        .values_list("a_count")
        .annotate(n=Count("id"))
        .order_by()
    )
    top = max([5, *counts.keys()])
    categories = [f"{i}A" for i in range(top + 1)]
    return {"categories": categories, "values": [counts.get(i, 0) for i in range(top + 1)]}


def dimension_names(scheme: Scheme | None) -> list[tuple[str, str]]:
    if scheme is None:
        return []
    return list(Dimension.objects.filter(scheme=scheme).order_by("order", "id").values_list("code", "name"))


@dataclass(frozen=True)
class WhatIfRow:
    member_id: int
    name: str
    organization: str
    total_now: Decimal
    grade_now: str
    rank_now: int
    total_new: Decimal
    grade_new: str
    rank_new: int


def what_if(
    *, scheme_rules: scoring.SchemeRules, root: Organization, year: int, limit: int = 2000
) -> list[WhatIfRow]:
    """Re-evaluate a subtree's members with edited rules, in memory, beside their current results."""
    current = list(
        MemberYear.objects.filter(year=year, organization__path__startswith=root.path)
        .select_related("member", "organization")
        .order_by("-total", "member_id")[:limit]
    )
    ids = [r.member_id for r in current]
    sums: dict[int, list[tuple[str, int, int, Decimal, int]]] = {}
    for row in (
        PointsEntry.objects.filter(member_id__in=ids, year=year)
        .annotate(month=ExtractMonth("occurred_on"))
        .values("member_id", "indicator__code", "month")
        .annotate(total=Sum("points"), n=Count("id"))
        .order_by()
    ):
        sums.setdefault(row["member_id"], []).append(
            (row["indicator__code"], year, row["month"], Decimal(row["total"]), row["n"])
        )
    new = {r.member_id: scoring.evaluate_sums(scheme_rules, sums.get(r.member_id, [])) for r in current}
    order_codes = [d.code for d in scheme_rules.dimensions]
    ranks_now = dict(zip(ids, scoring.competition_ranks([r.total for r in current]), strict=True))
    by_new = sorted(ids, key=lambda i: (-new[i].total, i))
    ranks_new = dict(zip(by_new, scoring.competition_ranks([new[i].total for i in by_new]), strict=True))
    rows = [
        WhatIfRow(
            member_id=r.member_id,
            name=r.member.name,
            organization=r.organization.name,
            total_now=r.total,
            grade_now=r.grade,
            rank_now=ranks_now[r.member_id],
            total_new=new[r.member_id].total,
            grade_new=scoring.grade_label(new[r.member_id].grades, order_codes),
            rank_new=ranks_new[r.member_id],
        )
        for r in current
    ]
    return sorted(rows, key=lambda r: (r.rank_new, r.member_id))


def claims_awaiting_review(user: User, *, overdue_only: bool = False) -> QuerySet[Claim]:
    """Submitted claims the user may decide, oldest first; `overdue_only` keeps those waiting longer than
    the review deadline (rules.CLAIM_REVIEW_WORKING_DAYS working days)."""
    claims = scoped(Claim.objects.all(), user, "points.approve").filter(state=ClaimState.SUBMITTED)
    if overdue_only:
        claims = workflow.overdue(rules.CLAIM_PROCESS, claims)
    return claims.select_related("member__organization", "indicator").order_by("created_at", "id")


def claims_awaiting_review_counts(user: User) -> tuple[int, int]:
    """(waiting, of which overdue) of `claims_awaiting_review(user)`, in one statement."""
    claims = scoped(Claim.objects.all(), user, "points.approve").filter(state=ClaimState.SUBMITTED).order_by()
    condition = workflow.overdue_q(rules.CLAIM_PROCESS)
    if condition is None:
        return claims.count(), 0
    counts = claims.annotate(workflow_entered_at=workflow.entered_at(rules.CLAIM_PROCESS)).aggregate(
        waiting=Count("pk"), late=Count("pk", filter=condition)
    )
    return counts["waiting"], counts["late"]


def mark_review_deadlines(claims: Iterable[Claim], today: date) -> None:
    """Set `due_on` (the last day to decide) and `is_overdue` on each claim of a page."""
    table = workdays.load_table()
    for claim in claims:
        entered = timezone.localtime(claim.created_at).date()
        claim.due_on = workflow.due_on(rules.CLAIM_PROCESS, claim.state, entered, table)
        claim.is_overdue = claim.due_on is not None and today > claim.due_on


@dataclass(frozen=True)
class OrganizationPoints:
    """An organization's members' results of one year (those with a `MemberYear`)."""

    members: int  # members with a result for the year in the organization
    total: Decimal  # the sum of their totals
    five_a: int  # members graded 5A (five or more dimensions at A)
    claims_approved: int  # its members' approved claims for activities of the year

    @property
    def average(self) -> Decimal | None:
        """The members' average total, two decimals (None without members)."""
        if not self.members:
            return None
        return (self.total / self.members).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def share_5a(self) -> Decimal | None:
        """Percent (0–100, two decimals) of the members graded 5A (None without members)."""
        if not self.members:
            return None
        return (Decimal(self.five_a * 100) / self.members).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def points_by_organization(organization_ids: Sequence[int], year: int) -> dict[int, OrganizationPoints]:
    """Per organization of `organization_ids` (every one, zeros without data): its members' yearly
    results and approved claims.

    A result belongs to the organization stored on it (the member's organization when the year was
    evaluated); a claim to its member's organization and to the year of the activity (the year its
    points count for). Two GROUP BY queries whatever the number of organizations.
    """
    ids = list(organization_ids)
    results = {
        org_id: (n, total, five_a)
        for org_id, n, total, five_a in MemberYear.objects.filter(year=year, organization_id__in=ids)
        .values_list("organization_id")
        .annotate(n=Count("id"), total=Sum("total"), five_a=Count("id", filter=Q(a_count__gte=5)))
        .values_list("organization_id", "n", "total", "five_a")
    }
    claims = dict(
        Claim.objects.filter(
            member__organization_id__in=ids,
            state=ClaimState.APPROVED,
            occurred_on__gte=date(year, 1, 1),
            occurred_on__lte=date(year, 12, 31),
        )
        .values_list("member__organization_id")
        .annotate(n=Count("id"))
        .values_list("member__organization_id", "n")
    )
    out = {}
    for org_id in ids:
        n, total, five_a = results.get(org_id, (0, Decimal("0"), 0))
        total = Decimal(total or 0).quantize(Decimal("0.01"))  # points carry two decimals
        out[org_id] = OrganizationPoints(n, total, five_a, claims.get(org_id, 0))
    return out


def grades_of(member_ids: Sequence[int], year: int) -> dict[int, str]:
    """Each member's stored points grade ("5A") for the year; members without a result are absent
    (selections: the 5A eligibility rule)."""
    rows = MemberYear.objects.filter(member_id__in=list(member_ids), year=year).values_list(
        "member_id", "grade"
    )
    return dict(rows)


def points_by_month(orgs: QuerySet[Organization], year: int) -> dict[int, Decimal]:
    """Points entered in the ledger for the members of `orgs` in `year`, per month of the activity's date:
    one query grouped by the day (at most 366 rows), added up per month here. Grouping by the month in SQL
    costs SQLite a Python function call per ledger row (`django_date_extract`): 4× the query, at 10k members."""
    rows = (
        PointsEntry.objects.filter(member__organization__in=orgs.values("pk"), year=year)
        .values_list("occurred_on")
        .annotate(total=Sum("points"))
        .order_by()
    )
    out: dict[int, Decimal] = {}
    for day, total in rows:
        out[day.month] = out.get(day.month, Decimal(0)) + (total or Decimal(0))
    return out
