"""Read side of training: each member's 学时 of a year against their requirement, completion per
organization (read by ratings' derived indicator), who is behind, and the 学习强国 ranking among units."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ronghe.core.scope import scoped
from ronghe.core.types import Actor
from ronghe.education import rules
from ronghe.education.models import (
    BirthdayCeremony,
    EducationPolicy,
    ExternalTraining,
    SessionAttendance,
    StudyScore,
    TrainingClass,
)
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Officer, Organization, Unit, ancestor_paths, subtree_filter, subtrees_filter
from ronghe.points.choices import ClaimState

VIEW = "education.view"
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class MemberHours:
    member_id: int
    name: str
    organization: str
    hours: Decimal
    required: Decimal
    is_officer: bool

    @property
    def behind(self) -> bool:
        return self.hours < self.required

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.hours, Decimal(0))


def classes_for_user(user: Actor | None) -> QuerySet[TrainingClass]:
    return (
        scoped(TrainingClass.objects.all(), user, VIEW)
        .select_related("organization")
        .annotate(n_members=Count("enrolments", distinct=True), n_sessions=Count("sessions", distinct=True))
    )


def hours_of(member_ids: Iterable[int] | QuerySet[Member, Any], year: int) -> dict[int, Decimal]:
    """学时 credited to each member in `year`: training sessions attended plus approved external
    training. Two queries. `member_ids` may be a queryset of member ids (read as a subquery)."""
    ids = member_ids if isinstance(member_ids, QuerySet) else list(member_ids)
    out: dict[int, Decimal] = defaultdict(Decimal)
    for qs in (
        SessionAttendance.objects.filter(member_id__in=ids, year=year),
        ExternalTraining.objects.filter(member_id__in=ids, year=year, state=ClaimState.APPROVED),
    ):
        for row in qs.values("member_id").annotate(total=Sum("hours")).order_by():
            out[row["member_id"]] += Decimal(row["total"] or 0)
    return {k: v.quantize(TENTH) for k, v in out.items()}


@dataclass(frozen=True)
class HoursSources:
    """Where a member's 学时 of a year come from (the recruitment page shows them)."""

    class_hours: Decimal
    external_hours: Decimal
    sessions: int
    external: int

    @property
    def total(self) -> Decimal:
        return (self.class_hours + self.external_hours).quantize(TENTH)


def hours_sources(member_id: int, *, since: date | None = None, until: date | None = None) -> HoursSources:
    """A member's 学时 between two dates (inclusive, open when None), by source: class sessions
    attended and approved external training (counted by its last day). Two queries."""
    sessions = SessionAttendance.objects.filter(member_id=member_id)
    external = ExternalTraining.objects.filter(member_id=member_id, state=ClaimState.APPROVED)
    if since is not None:
        sessions = sessions.filter(session__starts_at__date__gte=since)
        external = external.filter(ends_on__gte=since)
    if until is not None:
        sessions = sessions.filter(session__starts_at__date__lte=until)
        external = external.filter(ends_on__lte=until)
    a = sessions.aggregate(h=Sum("hours"), n=Count("pk"))
    b = external.aggregate(h=Sum("hours"), n=Count("pk"))
    return HoursSources(
        Decimal(a["h"] or 0).quantize(TENTH), Decimal(b["h"] or 0).quantize(TENTH), a["n"], b["n"]
    )


def my_external(member_id: int, year: int | None = None) -> QuerySet[ExternalTraining]:
    qs = ExternalTraining.objects.filter(member_id=member_id)
    return qs.filter(year=year) if year is not None else qs


def external_awaiting_review(user: Actor | None) -> QuerySet[ExternalTraining]:
    """External training waiting for a decision in the user's scope (education.edit), oldest first."""
    return (
        scoped(ExternalTraining.objects.filter(state=ClaimState.SUBMITTED), user, "education.edit")
        .select_related("member__organization")
        .order_by("created_at", "id")
    )


def officer_ids(member_ids: Iterable[int] | QuerySet[Member, Any], on: date) -> set[int]:
    """Members serving as secretary or committee member on `on` (the 56-学时 group); `member_ids`
    may be a queryset of member ids (read as a subquery)."""
    ids = member_ids if isinstance(member_ids, QuerySet) else list(member_ids)
    return set(
        Officer.objects.filter(member_id__in=ids, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .values_list("member_id", flat=True)
    )


def member_hours(members: Sequence[Member] | QuerySet[Member], year: int, on: date) -> list[MemberHours]:
    """Each member's 学时 of `year` against their requirement (three queries whatever the number)."""
    members = list(members)
    ids = [m.pk for m in members]
    done = hours_of(ids, year)
    officers = officer_ids(ids, on)
    policy = EducationPolicy.current()
    return [
        MemberHours(
            m.pk,
            m.name,
            m.organization.name,
            done.get(m.pk, Decimal(0).quantize(TENTH)),
            rules.required_hours(
                is_officer=m.pk in officers,
                member_hours=policy.member_hours,
                officer_hours=policy.officer_hours,
            ),
            m.pk in officers,
        )
        for m in members
    ]


def members_in(path: str) -> QuerySet[Member]:
    return (
        Member.objects.filter(subtree_filter(path, "organization__path"), status__in=ACTIVE_STATUSES)
        .select_related("organization")
        .order_by("organization__path", "name")
    )


@dataclass(frozen=True)
class Completion:
    members: int
    completed: int
    hours: Decimal

    @property
    def percent(self) -> Decimal | None:
        return rules.completion_percent(self.completed, self.members)


def completion_by_organization(organization_ids: Sequence[int], year: int, on: date) -> dict[int, Completion]:
    """For each organization: its active members (whole subtree), how many reached their 学时
    requirement in `year`, and the hours in all. A fixed number of queries; each member is counted
    for its own organization, and each of those is added to the organizations on its path (a walk
    up the path), so the cost grows with members + organizations × depth, not members ×
    organizations (the rating of every branch asks for all of them at once)."""
    orgs = dict(Organization.objects.filter(pk__in=list(organization_ids)).values_list("path", "pk"))
    if not orgs:
        return {}
    # The subtrees' members (or a superset: `subtrees_filter`; the walk up each path below counts a
    # member only for the organizations asked about), and their hours and posts read through the
    # same filter as a subquery: thousands of ids are neither sent back nor prepared by Django.
    active = Member.objects.filter(
        subtrees_filter(list(orgs), "organization__path"), status__in=ACTIVE_STATUSES
    )
    members = list(active.values_list("pk", "organization__path"))
    done = hours_of(active.values("pk"), year)
    officers = officer_ids(active.values("pk"), on)
    policy = EducationPolicy.current()
    zero = Decimal(0).quantize(TENTH)
    counted: dict[int, int] = dict.fromkeys(orgs.values(), 0)
    reached: dict[int, int] = dict.fromkeys(orgs.values(), 0)
    hours: dict[int, Decimal] = dict.fromkeys(orgs.values(), zero)
    required = {
        is_officer: rules.required_hours(
            is_officer=is_officer, member_hours=policy.member_hours, officer_hours=policy.officer_hours
        )
        for is_officer in (False, True)
    }
    # Added up per organization the members belong to first, then walked up once per organization.
    own: dict[str, list[Any]] = {}
    for pk, path in members:
        mine = done.get(pk, zero)
        found = own.get(path)
        if found is None:
            found = own[path] = [0, 0, zero]
        found[0] += 1
        found[1] += mine >= required[pk in officers]
        found[2] += mine
    for path, (n, n_reached, n_hours) in own.items():
        for ancestor in ancestor_paths(path):
            org_id = orgs.get(ancestor)
            if org_id is not None:
                counted[org_id] += n
                reached[org_id] += n_reached
                hours[org_id] += n_hours
    return {org_id: Completion(counted[org_id], reached[org_id], hours[org_id]) for org_id in orgs.values()}


def behind_count(user: Actor | None, year: int, on: date, perm: str = "education.edit") -> int:
    """Active members in the user's scope whose 学时 of `year` are below their requirement (the to-do
    count): one COUNT with the year's hours and the officer test as subqueries, whatever the size."""
    policy = EducationPolicy.current()
    hours = (
        SessionAttendance.objects.filter(member_id=OuterRef("pk"), year=year)
        .values("member_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    external = (
        ExternalTraining.objects.filter(member_id=OuterRef("pk"), year=year, state=ClaimState.APPROVED)
        .values("member_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    officer = Officer.objects.filter(member_id=OuterRef("pk"), started_on__lte=on).exclude(ended_on__lt=on)
    members = scoped(Member.objects.filter(status__in=ACTIVE_STATUSES), user, perm).annotate(
        done=Coalesce(
            Subquery(hours, output_field=DecimalField()), Value(Decimal(0)), output_field=DecimalField()
        )
        + Coalesce(
            Subquery(external, output_field=DecimalField()), Value(Decimal(0)), output_field=DecimalField()
        ),
        required=Case(
            When(Exists(officer), then=Value(policy.officer_hours)),
            default=Value(policy.member_hours),
            output_field=DecimalField(),
        ),
    )
    return members.filter(done__lt=F("required")).count()


def my_sessions(member_id: int, year: int) -> QuerySet[SessionAttendance]:
    return (
        SessionAttendance.objects.filter(member_id=member_id, year=year)
        .select_related("session__training_class")
        .order_by("-session__starts_at")
    )


def study_ranking(user: Actor | None, year: int, month: str = "") -> list[tuple[int, rules.UnitStudy]]:
    """学习强国 per unit in the user's scope: participation (members with points > 0 over active
    members) and per-capita points, for one month or the whole year, ranked (`rules.rank_units`)."""
    members = scoped(Member.objects.filter(status__in=ACTIVE_STATUSES), user, VIEW)
    counts = dict(
        members.exclude(organization__unit__isnull=True)
        .values("organization__unit")
        .annotate(n=Count("pk"))
        .values_list("organization__unit", "n")
    )
    scores = StudyScore.objects.filter(member__in=members, year=year)
    if month:
        scores = scores.filter(month=month)
    per_unit: dict[int, tuple[int, int]] = {}
    for row in (
        scores.exclude(member__organization__unit__isnull=True)
        .values("member__organization__unit")
        .annotate(total=Sum("points"), participants=Count("member", distinct=True, filter=Q(points__gt=0)))
    ):
        per_unit[row["member__organization__unit"]] = (row["total"] or 0, row["participants"])
    names = dict(Unit.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    rows = [
        rules.UnitStudy(
            uid, names.get(uid, ""), n, per_unit.get(uid, (0, 0))[1], per_unit.get(uid, (0, 0))[0]
        )
        for uid, n in counts.items()
    ]
    return rules.rank_units(rows)


def study_months(year: int) -> list[str]:
    return list(
        StudyScore.objects.filter(year=year).values_list("month", flat=True).distinct().order_by("month")
    )


def my_study(member_id: int, year: int) -> list[StudyScore]:
    return list(StudyScore.objects.filter(member_id=member_id, year=year).order_by("month"))


def members_by_month_points(member_ids: Iterable[int], year: int) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for mid, pts in StudyScore.objects.filter(member_id__in=list(member_ids), year=year).values_list(
        "member_id", "points"
    ):
        out[mid] += pts
    return dict(out)


@dataclass(frozen=True)
class WorkerRow:
    name: str
    kind: str
    organization: str
    started_on: date
    years_in_post: int
    hours: Decimal | None  # None: not linked to a member record, hours unknown


@dataclass(frozen=True)
class UnitStaffing:
    unit: Unit
    staff_count: int
    required: int
    full_time: int
    part_time: int
    left_this_year: int  # rotations: workers whose post ended this year
    workers: list[WorkerRow]
    untrained: int  # workers below the officer requirement of 学时 (or hours unknown)

    @property
    def short(self) -> bool:
        return self.full_time < self.required


def staffing(user: Actor | None, year: int, on: date) -> list[UnitStaffing]:
    """党务干部 per unit in the user's scope: full-time workers against 1% of the 在编人数 (机关条例 第三十条,
    `orgs.rules.required_full_time_workers`), part-time ones, those who left this year, and each worker's
    学时 of the year against the officers' requirement. Four queries."""
    from ronghe.orgs import rules as orgs_rules
    from ronghe.orgs.choices import WorkerKind
    from ronghe.orgs.models import PartyWorker
    from ronghe.orgs.queries import units_for_user

    units = list(units_for_user(user, VIEW).order_by("name"))
    workers = list(
        PartyWorker.objects.filter(organization__unit__in=units)
        .exclude(ended_on__lt=date(year, 1, 1))
        .select_related("organization")
        .order_by("organization__path", "kind", "name")
    )
    hours = hours_of([w.member_id for w in workers if w.member_id], year)
    need = EducationPolicy.current().officer_hours
    by_unit: dict[int, list[PartyWorker]] = defaultdict(list)
    for w in workers:
        if w.organization.unit_id is not None:
            by_unit[w.organization.unit_id].append(w)
    out = []
    for unit in units:
        mine = by_unit.get(unit.pk, [])
        current = [w for w in mine if w.ended_on is None or w.ended_on >= on]
        rows = [
            WorkerRow(
                w.name,
                w.get_kind_display(),
                w.organization.name,
                w.started_on,
                max(0, (on - w.started_on).days // 365),
                hours.get(w.member_id, Decimal("0.0")) if w.member_id else None,
            )
            for w in current
        ]
        out.append(
            UnitStaffing(
                unit,
                unit.staff_count,
                orgs_rules.required_full_time_workers(unit.staff_count),
                sum(1 for w in current if w.kind == WorkerKind.FULL_TIME),
                sum(1 for w in current if w.kind == WorkerKind.PART_TIME),
                sum(1 for w in mine if w.ended_on is not None and w.ended_on < on),
                rows,
                sum(1 for r in rows if r.hours is None or r.hours < need),
            )
        )
    return out


def ceremonies_for_user(user: Actor | None) -> QuerySet[BirthdayCeremony]:
    return (
        scoped(BirthdayCeremony.objects.all(), user, VIEW)
        .select_related("organization")
        .annotate(n_attendees=Count("attendees"))
    )


def birthdays_of(member_id: int) -> QuerySet[BirthdayCeremony]:
    """The 政治生日 ceremonies a member celebrated, newest first (their history)."""
    return BirthdayCeremony.objects.filter(attendees=member_id).select_related("organization")
