"""The compliance engine of organizational life: the obligations the year's requirements put on
each organization, the meetings that count for each, and their states; the drill-down rollup.

The county-wide computation is a handful of SQL aggregates (GROUP BY organization, kind,
period) whatever the number of meetings; Python only walks organizations × obligations.
The drill-down rollup does not walk them either: it counts organizations per subtree, period
and number of meetings held in SQL and evaluates each distinct case once (`subtree_tallies`).
The rules themselves (what a state is, which days are study days) are `rules`; the pages'
other reads (calendar, to-do, leaders) are `queries`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core.scope import scoped
from ronghe.members.choices import ACTIVE_STATUSES, MemberStatus
from ronghe.members.models import Member
from ronghe.members.queries import roster_counts
from ronghe.orglife import rules
from ronghe.orglife.choices import AttendanceStatus, ComplianceState, MeetingKind, MeetingState, Period
from ronghe.orglife.models import Attendance, MeetingRequirement, MeetingTally, OrgLifePolicy
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Obligation:
    organization_id: int
    kind: str
    slot: rules.PeriodSlot
    required: int
    held: int
    state: str
    coverage: bool = False

    @property
    def kind_label(self) -> str:
        return MeetingKind(self.kind).label

    @property
    def state_label(self) -> str:
        return ComplianceState(self.state).label


@dataclass
class Tally:
    met: int = 0
    overdue: int = 0
    due_soon: int = 0
    not_due: int = 0

    def add(self, state: str, n: int = 1) -> None:
        setattr(self, state, getattr(self, state) + n)

    def merge(self, other: Tally) -> None:
        for k in ("met", "overdue", "due_soon", "not_due"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def rate(self) -> float | None:
        return rules.compliance_rate(met=self.met, overdue=self.overdue)

    @property
    def rate_percent(self) -> str:
        r = self.rate
        return "—" if r is None else f"{r * 100:.1f}%"


@dataclass
class OrgCompliance:
    organization: Organization
    obligations: list[Obligation] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


def requirements_for_year(year: int) -> list[MeetingRequirement]:
    """The requirements of `year`; a year without its own rows uses the latest earlier year's."""
    rows = list(MeetingRequirement.objects.filter(year=year, is_active=True))
    if rows or MeetingRequirement.objects.filter(year=year).exists():
        return rows
    earlier = (
        MeetingRequirement.objects.filter(year__lt=year).order_by("-year").values_list("year", flat=True)[:1]
    )
    return list(MeetingRequirement.objects.filter(year__in=list(earlier), is_active=True))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year as [1 January 00:00, next 1 January 00:00) in the current time zone."""
    tz = timezone.get_current_timezone()
    return datetime.combine(date(year, 1, 1), time.min, tzinfo=tz), datetime.combine(
        date(year + 1, 1, 1), time.min, tzinfo=tz
    )


class _Held(TypedDict):
    organization_id: int
    kind: str
    period_index: int
    n: int


def held_per_period(
    orgs: QuerySet[Organization], year: int, reqs: list[MeetingRequirement], since: date | None = None
) -> QuerySet[MeetingTally, _Held] | None:
    """Meetings held per (organization, kind, period index) in the year, from the counts kept per
    month (`tallies`): rows of organization_id, kind, period_index, n. None when `reqs` is empty.

    Which meetings count: held (not planned), not refused for quorum, in the local month of
    their start, whenever they were entered. With `since`, only months from its month on.
    """
    by_period: dict[str, list[str]] = defaultdict(list)
    for r in reqs:
        by_period[r.period].append(r.kind)
    if not by_period:
        return None
    period_index = Case(
        When(kind__in=by_period.get(Period.MONTH, []), then=F("month")),
        When(kind__in=by_period.get(Period.QUARTER, []), then=(F("month") + 2) / 3),
        default=Value(1),
        output_field=IntegerField(),
    )
    tallies = MeetingTally.objects.filter(
        organization__in=orgs.values("pk"), year=year, kind__in=[r.kind for r in reqs], held__gt=0
    )
    if since is not None and since.year == year:
        tallies = tallies.filter(month__gte=since.month)
    return (
        tallies.annotate(period_index=period_index)
        .values("organization_id", "kind", "period_index")
        .annotate(n=Sum("held"))
        .order_by()
    )


def held_counts(
    orgs: QuerySet[Organization], year: int, reqs: list[MeetingRequirement], since: date | None = None
) -> dict[tuple[int, str, int], int]:
    """One aggregate: meetings held per (organization, kind, period index) in the year (`held_per_period`)."""
    rows = held_per_period(orgs, year, reqs, since)
    if rows is None:
        return {}
    return {(r["organization_id"], r["kind"], r["period_index"]): r["n"] for r in rows}


class _Covered(TypedDict):
    meeting__organization_id: int
    meeting__kind: str
    n: int


class _Active(TypedDict):
    organization_id: int
    n: int


def _covered_members(
    orgs: QuerySet[Organization], year: int, kinds: list[str]
) -> QuerySet[Attendance, _Covered]:
    """Distinct members present per (organization, kind) in the year, at any held meeting of the kind
    (quorum or not): rows of meeting__organization_id, meeting__kind, n."""
    start, end = year_bounds(year)
    return (
        Attendance.objects.filter(
            meeting__organization__in=orgs.values("pk"),
            meeting__kind__in=kinds,
            meeting__held_at__gte=start,
            meeting__held_at__lt=end,
            meeting__state=MeetingState.HELD,
            status=AttendanceStatus.PRESENT,
        )
        .values("meeting__organization_id", "meeting__kind")
        .annotate(n=Count("member_id", distinct=True))
        .order_by()
    )


def _active_members(orgs: QuerySet[Organization]) -> QuerySet[Member, _Active]:
    """Active members per organization: rows of organization_id, n."""
    return (
        Member.objects.filter(organization__in=orgs.values("pk"), status__in=ACTIVE_STATUSES)
        .values("organization_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _coverage(
    orgs: QuerySet[Organization], year: int, kinds: list[str]
) -> tuple[dict[tuple[int, str], int], dict[int, int]]:
    """Two aggregates: members covered per (organization, kind), and active members per organization."""
    if not kinds:
        return {}, {}
    covered = {
        (r["meeting__organization_id"], r["meeting__kind"]): r["n"]
        for r in _covered_members(orgs, year, kinds)
    }
    members = {r["organization_id"]: r["n"] for r in _active_members(orgs)}
    return covered, members


def compute_compliance(
    orgs: QuerySet[Organization],
    year: int,
    today: date,
    *,
    ending_within: tuple[date, date] | None = None,
) -> list[OrgCompliance]:
    """Obligations and their states for every organization in `orgs` the requirements apply to.

    Constant number of queries: requirements, organizations, one GROUP BY over meetings and,
    when a coverage requirement exists, two GROUP BYs over attendance and members; when a
    requirement depends on the organization's setup (a branch's 支委会, a 党小组's meetings), those
    of `not_owed` (three to five). With `ending_within=(first, last)` only the periods ending in that window
    are evaluated (the to-do list): a few per organization instead of the year's dozens.
    """
    reqs = requirements_for_year(year)
    slots = {r.kind: rules.period_slots(r.period, year) for r in reqs}
    since = None
    if ending_within is not None:
        first, last = ending_within
        slots = {kind: [s for s in found if first <= s.end <= last] for kind, found in slots.items()}
        reqs = [r for r in reqs if slots[r.kind]]
        since = min((s.start for found in slots.values() for s in found), default=None)
    kinds = {k for r in reqs for k in r.org_kinds}
    orgs = orgs.filter(kind__in=kinds, is_active=True)
    org_list = list(orgs.order_by("path"))
    if not org_list:
        return []
    skip = {(pk, kind, index) for pk, _path, kind, index in not_owed(orgs, year, reqs, slots)}
    return _evaluate(orgs, org_list, year, today, reqs, slots, since, skip)


def _evaluate(
    orgs: QuerySet[Organization],
    org_list: list[Organization],
    year: int,
    today: date,
    reqs: list[MeetingRequirement],
    slots: dict[str, list[rules.PeriodSlot]],
    since: date | None,
    skip: set[tuple[int, str, int]],
) -> list[OrgCompliance]:
    """The obligations of `org_list` (the organizations of `orgs`) but those of `skip`
    ((organization, kind, period index) their setup rules out), each with its state."""
    counts = held_counts(orgs, year, [r for r in reqs if not r.coverage], since=since)
    covered, members = _coverage(orgs, year, [r.kind for r in reqs if r.coverage])
    study = study_days_by_month(year) if any(r.kind == MeetingKind.STUDY_DAY for r in reqs) else {}
    out = []
    for org in org_list:
        oc = OrgCompliance(org)
        for r in reqs:
            if org.kind not in r.org_kinds:
                continue
            for slot in slots[r.kind]:
                if (org.pk, r.kind, slot.index) in skip:
                    continue
                if r.coverage:
                    required, held = members.get(org.pk, 0), covered.get((org.pk, r.kind), 0)
                else:
                    required, held = r.min_count, counts.get((org.pk, r.kind, slot.index), 0)
                if r.kind == MeetingKind.STUDY_DAY and r.period == Period.MONTH:
                    required = len(study[slot.index])  # the scheduled study days of that month
                state = rules.evaluate_state(
                    required=required, held=held, start=slot.start, end=slot.end, today=today
                )
                oc.obligations.append(Obligation(org.pk, r.kind, slot, required, held, state, r.coverage))
                oc.tally.add(state)
        out.append(oc)
    return out


def not_owed(
    orgs: QuerySet[Organization],
    year: int,
    reqs: list[MeetingRequirement],
    slots: dict[str, list[rules.PeriodSlot]],
) -> list[tuple[int, str, str, int]]:
    """(organization id, path, kind, period index) of the obligations in `slots` that the
    organizations of `orgs` do not owe because of their setup in that period (`rules.owed`,
    `rules.owed_in_period`): a branch's 支委会 while it has fewer than 7 正式党员 (those of its
    党小组 included), a 党小组's meetings while it has no member of its own.

    The setup is read from the roster's history (`members.queries.roster_counts`) on each period's
    first and last days. No query when no requirement depends on the setup; otherwise three whatever
    the number of organizations (the organizations concerned with the branches' 党小组, and the
    roster's two), and two more when members' standing changed during the year.
    """
    gated = [
        (r, org_kind)
        for r in reqs
        for org_kind in sorted(set(r.org_kinds))
        if slots.get(r.kind) and rules.depends_on_setup(org_kind=org_kind, expected=r.expected)
    ]
    if not gated:
        return []
    concerned = orgs.filter(kind__in={org_kind for _r, org_kind in gated})
    # The members of a branch's 党小组 are the branch's members (they count towards its 7), so the
    # groups come too, marked by whether they are concerned themselves.
    branches = concerned.filter(kind__in=rules.BRANCH_KINDS).values("pk")
    found = (
        Organization.objects.filter(
            Q(pk__in=concerned.values("pk")) | Q(kind=OrgKind.GROUP, parent__in=branches)
        )
        .annotate(concerned=Case(When(pk__in=concerned.values("pk"), then=Value(1)), default=Value(0)))
        .values_list("pk", "path", "kind", "parent_id", "concerned")
    )
    rows: list[tuple[int, str, str]] = []
    groups_of: dict[int, list[int]] = defaultdict(list)
    for pk, path, kind, parent_id, is_concerned in found:
        if is_concerned:
            rows.append((pk, path, kind))
        if kind == OrgKind.GROUP and parent_id is not None:
            groups_of[parent_id].append(pk)
    if not rows:
        return []
    roster = roster_counts(
        Organization.objects.filter(
            Q(pk__in=concerned.values("pk")) | Q(kind=OrgKind.GROUP, parent__in=branches)
        ),
        since=date(year, 1, 1),
    )

    # Per organization: the members of its own organizations whose roster did not change in the
    # year (the same on every day), counted once, and those whose roster did, counted per day.
    setups: dict[int, tuple[int, int, list[int]]] = {}

    def owes(pk: int, org_kind: str, expected: str, day: date) -> bool:
        if pk not in setups:
            own = [pk, *groups_of.get(pk, [])] if org_kind in rules.BRANCH_KINDS else [pk]
            steady = [o for o in own if not roster.changed(o)]
            setups[pk] = (
                sum(roster.on(o, MemberStatus.FULL, day) for o in steady),
                sum(roster.on(o, MemberStatus.PROBATIONARY, day) for o in steady),
                [o for o in own if roster.changed(o)],
            )
        full, probationary, changing = setups[pk]
        full += sum(roster.on(o, MemberStatus.FULL, day) for o in changing)
        probationary += sum(roster.on(o, MemberStatus.PROBATIONARY, day) for o in changing)
        return rules.owed(
            org_kind=org_kind, expected=expected, full_members=full, members=full + probationary
        )

    out: list[tuple[int, str, str, int]] = []
    for pk, path, org_kind in rows:
        # Most organizations' rosters did not change in the year: their setup is read once.
        steady = not any(roster.changed(o) for o in [pk, *groups_of.get(pk, [])])
        for r, kind in gated:
            if kind != org_kind:
                continue
            if steady:
                if not owes(pk, org_kind, r.expected, date(year, 1, 1)):
                    out.extend((pk, path, r.kind, slot.index) for slot in slots[r.kind])
                continue
            for slot in slots[r.kind]:
                start, end = (
                    owes(pk, org_kind, r.expected, slot.start),
                    owes(pk, org_kind, r.expected, slot.end),
                )
                if not rules.owed_in_period(start, end):
                    out.append((pk, path, r.kind, slot.index))
    return out


def compliance_in_scope(
    user: User,
    year: int,
    today: date,
    root: Organization | None = None,
    *,
    ending_within: tuple[date, date] | None = None,
) -> list[OrgCompliance]:
    orgs = scoped(Organization.objects.all(), user, "orglife.view")
    if root is not None:
        orgs = orgs.filter(path__startswith=root.path)
    return compute_compliance(orgs, year, today, ending_within=ending_within)


def study_days_by_month(year: int) -> dict[int, list[date]]:
    """双周学习日 of each month of the year, from the county setting (weekday, weeks of the month)."""
    policy = OrgLifePolicy.current()
    weeks = rules.parse_weeks(policy.study_day_weeks)
    return {
        m: rules.study_days(year=year, month=m, weekday=policy.study_day_weekday, weeks=weeks)
        for m in range(1, 13)
    }
