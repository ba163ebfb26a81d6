"""Read side of 党费: arrears and collection facts other apps read, the month sheet, statements.

`arrears_by_member(members, as_of)` and `branch_collection_rate(orgs, year)` are the facts points
deductions and ratings read; each runs a constant number of queries whatever the number of members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum

from ronghe.core.readcache import cached_aggregate, summary_version
from ronghe.core.scope import has_perm_anywhere, scoped
from ronghe.core.types import Actor
from ronghe.dues import rules
from ronghe.dues.choices import CaseState, RecordState, ReliefState, UseCategory
from ronghe.dues.models import (
    ArrearsCase,
    ArrearsReason,
    DuesRecord,
    DuesUse,
    Relief,
    VoluntaryPayment,
)
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

WINDOW_MONTHS = 36  # arrears are counted back at most three years


def _money(value: Decimal | int | None) -> Decimal:
    """A sum as 元 with two decimals (SQLite returns 123 for 123.00)."""
    return Decimal(value or 0).quantize(rules.CENT)


def _ids(members: Iterable[Member | int] | QuerySet[Member]) -> list[int]:
    if isinstance(members, QuerySet):
        return list(members.values_list("id", flat=True))
    return [m if isinstance(m, int) else m.pk for m in members]


def arrears_by_member(
    members: Iterable[Member | int] | QuerySet[Member], as_of: date
) -> dict[int, rules.Arrears]:
    """Member id → consecutive unpaid months (with warning/case level) as of a day.

    Liability starts at the later of the admission month (入党, the 支部大会) and the member's first
    record in the 党费 ledger (months before the platform recorded 党费 are not guessed), at most
    `WINDOW_MONTHS` back. Paid or exempt records, approved 少交/免交 and recorded 正当理由 settle a month.
    Five queries for any number of members."""
    ids = _ids(members)
    if not ids:
        return {}
    key: Any = members.values("id") if isinstance(members, QuerySet) else ids  # a subquery, not 1M params
    window = rules.month_at(rules.month_index(as_of) - WINDOW_MONTHS)
    liable = _liable_from(key)
    settled = _settled_months(key, window, on_time_only=False)
    out: dict[int, rules.Arrears] = {}
    for member_id in ids:
        start = liable.get(member_id)
        out[member_id] = (
            rules.count_arrears(settled.get(member_id, set()), max(start, window), as_of)
            if start is not None
            else rules.Arrears(0, None, "")
        )
    return out


def members_with_records(year: int) -> QuerySet[DuesRecord, int]:
    """The ids of the members with a 党费 record for a month up to the end of `year` (liability started
    by then), each once."""
    return (
        DuesRecord.objects.filter(period__lte=date(year, 12, 1))
        .values_list("member_id", flat=True)
        .distinct()
    )


def late_months_by_member(
    members: Iterable[Member | int] | QuerySet[Member], year: int, as_of: date
) -> dict[int, list[date]]:
    """Member id → the months of `year` not paid on time (`rules.late_months`), up to the last complete
    month before `as_of`: the fact behind the points deduction 未按时交纳党费. Liability starts as for
    arrears. Five queries for any number of members."""
    ids = _ids(members)
    if not ids:
        return {}
    key: Any = members.values("id") if isinstance(members, QuerySet) else ids
    liable = _liable_from(key)
    on_time = _settled_months(key, date(year, 1, 1), on_time_only=True)
    return {
        member_id: rules.late_months(on_time.get(member_id, set()), liable.get(member_id), as_of, year)
        for member_id in ids
    }


def _liable_from(key: Any) -> dict[int, date]:
    """Member id → the month liability starts: the later of the admission month (入党, the 支部大会) and
    the member's first record in the 党费 ledger (months before the platform recorded 党费 are not
    guessed). Members without a record are left out."""
    first = dict(
        DuesRecord.objects.filter(member_id__in=key)
        .values("member_id")
        .annotate(first=Min("period"))
        .values_list("member_id", "first")
    )
    joined = dict(Member.objects.filter(pk__in=key).values_list("id", "joined_on"))
    return {
        member_id: max(rules.first_of_month(joined[member_id]), month) for member_id, month in first.items()
    }


def _settled_months(key: Any, since: date, *, on_time_only: bool) -> dict[int, set[date]]:
    """Member id → the months from `since` settled by a paid or exempt record (paid in its month or
    ahead when `on_time_only`; a payment without a date counts as on time), an approved 少交/免交 or a
    recorded 正当理由."""
    settled: dict[int, set[date]] = {}
    for member_id, period, state, paid_on in DuesRecord.objects.filter(
        member_id__in=key, period__gte=since, state__in=[RecordState.PAID, RecordState.EXEMPT]
    ).values_list("member_id", "period", "state", "paid_on"):
        if on_time_only and state == RecordState.PAID and paid_on and paid_on >= rules.next_month(period):
            continue
        settled.setdefault(member_id, set()).add(period)
    covers = list(
        Relief.objects.filter(
            member_id__in=key, state=ReliefState.APPROVED, to_period__gte=since
        ).values_list("member_id", "from_period", "to_period")
    ) + list(
        ArrearsReason.objects.filter(member_id__in=key, to_period__gte=since).values_list(
            "member_id", "from_period", "to_period"
        )
    )
    for member_id, start, end in covers:
        months = settled.setdefault(member_id, set())
        for index in range(
            max(rules.month_index(start), rules.month_index(since)), rules.month_index(end) + 1
        ):
            months.add(rules.month_at(index))
    return settled


def arrears_candidates(members: QuerySet[Member], as_of: date, months: int) -> QuerySet[Member]:
    """Members who may be `months` or more in arrears: those with a record before this month (liability
    starts at the first record) and without a paid or exempt record in the last `months` complete
    months. Anyone else cannot reach the threshold, so the county-wide lists and the monthly run count
    only these. Both are correlated EXISTS on the (member, month) unique index: a few index probes per
    member, where `IN (…)` lists built every record of the county first (twice as long on SQLite)."""
    current = rules.month_at(rules.month_index(as_of))
    settled = DuesRecord.objects.filter(
        member_id=OuterRef("pk"),
        period__gte=rules.month_at(rules.month_index(as_of) - months),
        period__lt=current,
        state__in=[RecordState.PAID, RecordState.EXEMPT],
    )
    recorded = DuesRecord.objects.filter(member_id=OuterRef("pk"), period__lt=current)
    return members.filter(Exists(recorded)).exclude(Exists(settled))


@dataclass(frozen=True)
class Collection:
    due: int  # member-months due (exempt months left out)
    paid: int  # of them paid, whenever
    on_time: int  # of them paid in their month or ahead (按月 or 预交), not 补交

    @property
    def rate(self) -> Decimal | None:
        return rules.collection_rate(self.due, self.paid)


def collection_by_organization(
    orgs: Iterable[Organization | int], year: int, as_of: date | None = None
) -> dict[int, Collection]:
    """Organization id → the year's member-months due, paid and paid on time, for the records the
    organization collects, months up to the one before `as_of` (the whole year when `as_of` is later).
    One GROUP BY."""
    org_ids = [o if isinstance(o, int) else o.pk for o in orgs]
    last = date(year, 12, 1)
    if as_of is not None and rules.month_index(as_of) - 1 < rules.month_index(last):
        last = rules.month_at(rules.month_index(as_of) - 1)
    rows = (
        DuesRecord.objects.filter(organization_id__in=org_ids, period__gte=date(year, 1, 1), period__lte=last)
        .exclude(state=RecordState.EXEMPT)
        .values("organization_id")
        .annotate(
            due=Count("id"),
            paid=Count("id", filter=Q(state=RecordState.PAID)),
            on_time=Count("id", filter=Q(state=RecordState.PAID, timing__in=["regular", "prepaid"])),
        )
    )
    found = {r["organization_id"]: Collection(r["due"], r["paid"], r["on_time"]) for r in rows}
    return {org_id: found.get(org_id, Collection(0, 0, 0)) for org_id in org_ids}


def branch_collection_rate(
    orgs: Iterable[Organization | int], year: int, as_of: date | None = None
) -> dict[int, Decimal | None]:
    """Organization id → 收缴率 (percent, one decimal) for a year: paid over due member-months (exempt
    months are not due); None when nothing was due. The fact ratings and points read."""
    return {pk: c.rate for pk, c in collection_by_organization(orgs, year, as_of).items()}


# ---------------------------------------------------------------- pages


def organizations_for(user: Actor, perm: str = "dues.view") -> QuerySet[Organization]:
    return scoped(Organization.objects.filter(is_active=True), user, perm)


PICKER_LIMIT = 500


def organization_picker(user: Actor, perm: str = "dues.view") -> QuerySet[Organization]:
    """The 党组织 select of the 党费 pages: the first organizations the user may act for, by path,
    loaded with only what an option shows."""
    return organizations_for(user, perm).order_by("path").only("id", "code", "name")[:PICKER_LIMIT]


@dataclass
class SheetRow:
    member: Member
    record: DuesRecord | None
    arrears: rules.Arrears


def sheet_members(organization: Organization) -> QuerySet[Member]:
    """The active members of the subtree in sheet order (the page paginates it)."""
    return (
        Member.objects.filter(organization__path__startswith=organization.path, status__in=ACTIVE_STATUSES)
        .select_related("organization")
        .order_by("organization__path", "name", "id")
    )


def month_sheet(members: list[Member], period: date, as_of: date) -> list[SheetRow]:
    """One page of the month's collection sheet: each member's record and arrears (six queries)."""
    records = {r.member_id: r for r in DuesRecord.objects.filter(member__in=members, period=period)}
    arrears = arrears_by_member(members, as_of)
    return [SheetRow(m, records.get(m.pk), arrears[m.pk]) for m in members]


def month_counts(organization: Organization, period: date) -> dict[str, int]:
    """The month's records in the subtree: recorded, paid and exempt (one aggregate)."""
    return DuesRecord.objects.filter(
        organization__path__startswith=organization.path, period=period
    ).aggregate(
        recorded=Count("id"),
        paid=Count("id", filter=Q(state=RecordState.PAID)),
        exempt=Count("id", filter=Q(state=RecordState.EXEMPT)),
    )


@dataclass
class ArrearsRow:
    member: Member
    arrears: rules.Arrears
    case: ArrearsCase | None = None


def arrears_list(user: Actor, as_of: date, organization: Organization | None = None) -> list[ArrearsRow]:
    """Members in scope at a warning or a case, worst first, with their open case."""
    members = scoped(Member.objects.filter(status__in=ACTIVE_STATUSES), user, "dues.view")
    if organization is not None:
        members = members.filter(organization__path__startswith=organization.path)
    members = arrears_candidates(members, as_of, rules.WARNING_MONTHS)
    facts = {k: v for k, v in arrears_by_member(members, as_of).items() if v.level}
    people = {m.pk: m for m in Member.objects.filter(pk__in=facts).select_related("organization")}
    cases = {c.member_id: c for c in ArrearsCase.objects.filter(member_id__in=facts, state=CaseState.OPEN)}
    rows = [ArrearsRow(people[k], v, cases.get(k)) for k, v in facts.items()]
    return sorted(rows, key=lambda r: (-r.arrears.months, r.member.name))


def todo(user: Actor, today: date) -> dict[str, int]:
    """The home to-do: members in scope at a warning (3–5 months) and open cases for the 支部大会."""
    if not has_perm_anywhere(user, "dues.edit"):
        return {}
    rows = arrears_list(user, today)
    cases = scoped(ArrearsCase.objects.filter(state=CaseState.OPEN), user, "dues.edit").count()
    reliefs = scoped(Relief.objects.filter(state=ReliefState.APPLIED), user, "dues.edit").count()
    to_approve = scoped(Relief.objects.filter(state=ReliefState.STUDIED), user, "dues.approve_relief").count()
    return {
        "warning": sum(1 for r in rows if r.arrears.level == "warning"),
        "case": sum(1 for r in rows if r.arrears.level == "case"),
        "open_cases": cases,
        "pending_reliefs": reliefs,
        "reliefs_to_approve": to_approve,
    }


@dataclass
class MonthLine:
    period: date
    members: int = 0
    paid: int = 0
    exempt: int = 0
    due_amount: Decimal = Decimal("0.00")
    paid_amount: Decimal = Decimal("0.00")
    prepaid: int = 0
    backpaid: int = 0
    voluntary: Decimal = Decimal("0.00")
    owed_amount: Decimal = Decimal("0.00")  # 应补差额: paid months whose fee rose after payment

    @property
    def unpaid(self) -> int:
        return self.members - self.paid - self.exempt

    @property
    def rate(self) -> Decimal | None:
        return rules.collection_rate(self.members - self.exempt, self.paid)


@dataclass
class BranchLine:
    organization: Organization
    members: int
    paid: int
    exempt: int
    paid_amount: Decimal
    rate: Decimal | None


@dataclass
class Statement:
    organization: Organization
    year: int
    months: list[MonthLine]
    total: MonthLine = field(default_factory=lambda: MonthLine(date(2000, 1, 1)))
    branches: list[BranchLine] = field(default_factory=list)  # per collecting organization, by path


# The statement groups the subtree's whole year of records (120,000 rows for a county of 10,000): it is
# kept per organization and year for a minute, like the other whole-subtree aggregates. Any ORM save or
# delete of a 党费 record, voluntary payment, member or organization drops it (`core.readcache`'s
# version, declared in `DuesConfig.ready()`), and so does every bulk or queryset write of the 党费
# services (`invalidate_home_summary` after them); bulk writes from other processes show within the minute.
STATEMENT_CACHE_SECONDS = 60


def statement(organization: Organization, year: int) -> Statement:
    """`compute_statement`, kept for a minute under the read-cache version."""
    key = f"dues:statement:{summary_version()}:{organization.pk}:{organization.path}:{year}"
    found = cached_aggregate(key, lambda: compute_statement(organization, year), STATEMENT_CACHE_SECONDS)
    return replace(found, organization=organization)


def compute_statement(organization: Organization, year: int) -> Statement:
    """收缴 by month for the subtree: members recorded, paid, exempt, amounts due and paid, voluntary;
    and per collecting organization of the subtree, the year's member-months, paid, exempt, amount and
    rate. The year's records are read once, grouped by organization and month (a few thousand rows for a
    county), and added up both ways here; voluntary payments and the organizations' names are two more
    queries."""
    lines = {m: MonthLine(date(year, m, 1)) for m in range(1, 13)}
    per_org: dict[int, list[Any]] = {}  # organization id → [members, paid, exempt, paid amount]
    subtree = Organization.objects.filter(path__startswith=organization.path).values("pk")
    rows = (  # (a subquery of the subtree, not a join on the path: SQLite then reads the records by index)
        DuesRecord.objects.filter(organization__in=subtree, period__year=year)
        .values_list("organization_id", "period")
        .annotate(
            members=Count("id"),
            paid=Count("id", filter=Q(state=RecordState.PAID)),
            exempt=Count("id", filter=Q(state=RecordState.EXEMPT)),
            due_sum=Sum("amount_due"),
            paid_sum=Sum("paid_amount"),  # (not named after the field: F("paid_amount") below is the field)
            prepaid=Count("id", filter=Q(timing="prepaid")),
            backpaid=Count("id", filter=Q(timing="backpaid")),
            owed=Sum(
                F("amount_due") - F("paid_amount"),
                filter=Q(state=RecordState.PAID, amount_due__gt=F("paid_amount")),
            ),
        )
        .order_by()
    )
    for org_id, period, members, paid, exempt, due_amount, paid_amount, prepaid, backpaid, owed in rows:
        line = lines[period.month]
        line.members += members
        line.paid += paid
        line.exempt += exempt
        line.due_amount += _money(due_amount)
        line.paid_amount += _money(paid_amount)
        line.prepaid += prepaid
        line.backpaid += backpaid
        line.owed_amount += _money(owed)
        sums = per_org.setdefault(org_id, [0, 0, 0, Decimal("0.00")])
        sums[0] += members
        sums[1] += paid
        sums[2] += exempt
        sums[3] += _money(paid_amount)
    for v in (
        VoluntaryPayment.objects.filter(organization__path__startswith=organization.path, paid_on__year=year)
        .values("paid_on__month")
        .annotate(total=Sum("amount"))
    ):
        lines[v["paid_on__month"]].voluntary = _money(v["total"])
    total = MonthLine(date(year, 1, 1))
    for line in lines.values():
        total.members += line.members
        total.paid += line.paid
        total.exempt += line.exempt
        total.due_amount += line.due_amount
        total.paid_amount += line.paid_amount
        total.prepaid += line.prepaid
        total.backpaid += line.backpaid
        total.voluntary += line.voluntary
        total.owed_amount += line.owed_amount
    orgs = Organization.objects.filter(pk__in=list(per_org)).only("id", "code", "name", "path")
    branches = [
        BranchLine(o, n, paid, exempt, amount, rules.collection_rate(n - exempt, paid))
        for o in orgs
        for n, paid, exempt, amount in [per_org[o.pk]]
    ]
    branches.sort(key=lambda line: line.organization.path)
    return Statement(organization, year, list(lines.values()), total, branches)


def publication(organization: Organization, year: int) -> dict[str, Any]:
    """The yearly publication of 收缴/使用: collected (monthly and voluntary; the part remitted to 中央),
    used by category, and the balance."""
    paid = DuesRecord.objects.filter(
        organization__path__startswith=organization.path, period__year=year, state=RecordState.PAID
    ).aggregate(total=Sum("paid_amount"))["total"]
    paid = _money(paid)
    voluntary = VoluntaryPayment.objects.filter(
        organization__path__startswith=organization.path, paid_on__year=year
    ).aggregate(total=Sum("amount"), central=Sum("amount", filter=Q(remit_to_central=True)))
    uses_qs = DuesUse.objects.filter(organization__path__startswith=organization.path, year=year)
    by_category = dict(
        uses_qs.values("category").annotate(total=Sum("amount")).values_list("category", "total")
    )
    uses = [(label, _money(by_category.get(value))) for value, label in UseCategory.choices]
    used = sum((amount for _, amount in uses), Decimal("0.00"))
    vol = _money(voluntary["total"])
    central = _money(voluntary["central"])
    collected = paid + vol
    return {
        "paid": paid,
        "voluntary": vol,
        "central": central,
        "collected": collected,
        "uses": uses,
        "use_rows": list(uses_qs.order_by("spent_on", "id")),
        "used": used,
        "balance": collected - central - used,
    }


def owing_differences(member: Member) -> list[tuple[date, Decimal]]:
    """The member's paid months (any year) that owe a difference after a base was raised, oldest first."""
    rows = DuesRecord.objects.filter(
        member=member, state=RecordState.PAID, amount_due__gt=F("paid_amount")
    ).order_by("period")
    return [(r.period, r.difference_owed) for r in rows]


def member_year(member: Member, year: int) -> dict[str, Any]:
    """A member's own year: each month's record (or none), voluntary payments, reliefs and totals."""
    records = {r.period.month: r for r in DuesRecord.objects.filter(member=member, period__year=year)}
    months = [(date(year, m, 1), records.get(m)) for m in range(1, 13)]
    paid = sum(
        (r.paid_amount or Decimal(0) for r in records.values() if r.state == RecordState.PAID),
        Decimal("0.00"),
    )
    return {
        "months": months,
        "paid_total": paid,
        "owing": owing_differences(member),
        "voluntary": list(VoluntaryPayment.objects.filter(member=member, paid_on__year=year)),
        "reliefs": list(Relief.objects.filter(member=member).order_by("-from_period")[:10]),
        "bases": list(member.dues_bases.order_by("-effective_from")[:5]),
    }
