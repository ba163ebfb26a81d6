"""Read side of the roster: scoped lists, derived values and statistics bands in aggregate."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from ronghe.accounts.models import User
from ronghe.core.scope import scoped
from ronghe.core.workflow import services as workflow
from ronghe.core.workflow.models import History
from ronghe.members import rules
from ronghe.members.choices import ACTIVE_STATUSES, MemberStatus, Occupation, TransferKind, TransferStatus
from ronghe.members.models import Member, Transfer
from ronghe.orgs.models import Organization


def members_for_user(user: User, perm: str = "members.view") -> QuerySet[Member]:
    return scoped(Member.objects.select_related("organization"), user, perm)


@dataclass(frozen=True)
class Derived:
    age: int
    party_standing: int | None
    political_birthday: str
    age_band: str
    join_period: str


def derived(member: Member, today: date) -> Derived:
    years = rules.age(member.birth_date, today)
    return Derived(
        age=years,
        party_standing=rules.party_standing(member.full_on, today),
        political_birthday=rules.political_birthday(member.joined_on),
        age_band=rules.age_band(years),
        join_period=rules.join_period(member.joined_on),
    )


def statistics(members: QuerySet[Member], today: date) -> dict[str, Any]:
    """§6 breakdowns of active members, from grouped counts (a constant number of queries)."""
    active = members.filter(status__in=ACTIVE_STATUSES).order_by()
    by_birth = active.values_list("birth_date").annotate(n=Count("id")).values_list("birth_date", "n")
    ages: Counter[str] = Counter()
    for born, n in by_birth:
        ages[rules.age_band(rules.age(born, today))] += n
    periods: Counter[str] = Counter()
    for y, m, n in (
        active.values_list("joined_on__year", "joined_on__month")
        .annotate(n=Count("id"))
        .values_list("joined_on__year", "joined_on__month", "n")
    ):
        periods[rules.join_period(date(y, m, 1))] += n
    grouped = {
        key: dict(active.values_list(key).annotate(n=Count("id")).values_list(key, "n"))
        for key in ("gender", "education", "occupation", "status")
    }
    total = sum(grouped["status"].values())
    # a blank 民族 is unknown, not a minority: the same rule as 党内统计 (`reports.statistics.is_minority`)
    minority = active.exclude(ethnicity__in=("汉族", "")).count()
    college = sum(n for k, n in grouped["education"].items() if rules.is_college_or_above(k))
    return {
        "total": total,
        "female": grouped["gender"].get("女", 0),
        "minority": minority,
        "probationary": grouped["status"].get("probationary", 0),
        "college": college,
        "age_bands": [(label, ages.get(label, 0)) for label, _, _ in rules.AGE_BANDS],
        "join_periods": [(label, periods.get(label, 0)) for label in rules.JOIN_PERIODS],
        "occupations": [(label, grouped["occupation"].get(value, 0)) for value, label in Occupation.choices],
    }


def transfers_for_user(user: User) -> QuerySet[Transfer]:
    return scoped(Transfer.objects.select_related("member", "organization"), user, "members.view")


def overdue_letters(transfers: list[Transfer], today: date) -> dict[int, rules.LetterValidity]:
    out = {}
    for t in transfers:
        if t.kind == TransferKind.OUTGOING and t.status == TransferStatus.PENDING and t.validity_days:
            out[t.pk] = rules.letter_validity(t.issued_on, t.validity_days, today)
    return out


@dataclass(frozen=True)
class Standing:
    """Where a member was and what their status was on a given day (None: not on the roster then)."""

    member: Member
    organization_id: int | None
    status: str | None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


def standing(member: Member, on: date, status_changes: Iterable[History] = ()) -> Standing:
    """Unwind the member's dated history back to `on`.

    - a member who joined after `on`, or arrived by an incoming letter after `on`, was not on the roster;
    - internal transfers completed after `on` are undone (the member was in the sending organization;
      a transfer completed on `on` is already in effect);
    - a receipt confirmed after `on` (outgoing letter) is undone: the member was still active there;
    - status changes effective after `on` are undone (转正 after `on` → still 预备党员);
    - a full member whose 转正日期 is after `on` (imported without a recorded change) was probationary.
    """
    if member.joined_on > on:
        return Standing(member, None, None)
    org_id: int | None = member.organization_id
    status = member.status
    later = sorted(
        (
            t
            for t in member.transfers.all()
            if t.status == TransferStatus.COMPLETED and t.completed_on is not None and t.completed_on > on
        ),
        key=lambda t: (t.completed_on, t.pk),
        reverse=True,
    )
    for t in later:
        if t.kind == TransferKind.INCOMING:
            return Standing(member, None, None)
        if t.kind == TransferKind.INTERNAL:
            org_id = t.from_organization_id
        elif t.kind == TransferKind.OUTGOING and status == MemberStatus.TRANSFERRED_OUT:
            status = MemberStatus.FULL if member.full_on else MemberStatus.PROBATIONARY
    changes = sorted(
        (c for c in status_changes if c.effective_on and c.effective_on > on),
        key=lambda c: (c.effective_on, c.pk),
        reverse=True,
    )
    for c in changes:
        status = c.from_state
    if status == MemberStatus.FULL and member.full_on and member.full_on > on:
        status = MemberStatus.PROBATIONARY
    return Standing(member, org_id, status)


def standings_on(members: QuerySet[Member], on: date) -> list[Standing]:
    """The standing on `on` of each member of the queryset (three queries whatever the size)."""
    later: dict[int, list[History]] = defaultdict(list)
    for change in History.objects.filter(
        process=rules.STATUS_PROCESS.name, object_id__in=members.values("pk"), effective_on__gt=on
    ):
        later[change.object_id].append(change)
    return [standing(m, on, later[m.pk]) for m in members.prefetch_related("transfers")]


def status_history(member: Member) -> list[History]:
    """The member's status changes (转正, 延长预备期 …) in the order they took effect, with the labels."""
    return workflow.history_for(rules.STATUS_PROCESS, member, order_by=("effective_on", "id"))


def members_of(organization: Organization, *, on: date) -> list[Standing]:
    """The active members (正式 and 预备) of `organization` on the day `on`, ordered by name.

    Reads the roster's history: transfers within the system and status changes with their dates,
    so a meeting held last spring expects last spring's members with last spring's statuses.
    """
    moved_away = Transfer.objects.filter(
        from_organization=organization, status=TransferStatus.COMPLETED, completed_on__gt=on
    ).values("member_id")
    candidates = Member.objects.filter(Q(organization=organization) | Q(pk__in=moved_away)).order_by(
        "name", "id"
    )
    return [s for s in standings_on(candidates, on) if s.organization_id == organization.pk and s.active]


@dataclass
class RosterCounts:
    """Active members per (organization, status) on any day from `since` on (`roster_counts`).

    `current` is today's roster. The members whose standing changed after `since` (joined, 转正,
    a status change, a transfer) are taken out of it and put back per stretch of days between
    their changes (`stretches`: (first day or None for `since`, day after the last or None, +1)).
    """

    current: dict[tuple[int, str], int]
    stretches: dict[tuple[int, str], list[tuple[date | None, date | None, int]]]

    def changed(self, organization_id: int) -> bool:
        """Whether the organization's counts may differ between days from `since` on."""
        return any((organization_id, status) in self.stretches for status in ACTIVE_STATUSES)

    def on(self, organization_id: int, status: str, day: date) -> int:
        """How many members of `status` the organization had on `day` (a change dated `day` is in effect)."""
        key = (organization_id, status)
        n = self.current.get(key, 0)
        for first, after, delta in self.stretches.get(key, ()):
            if (first is None or first <= day) and (after is None or day < after):
                n += delta
        return n


def roster_counts(organizations: QuerySet[Organization], since: date) -> RosterCounts:
    """The active members of `organizations` per status on every day from `since` on.

    Two queries whatever the size, four when someone's standing changed after `since`: today's
    roster grouped by organization and status, then only the members whose standing changed after
    `since`, with their transfers and status changes,
    each unwound by `standing` (the same reading of the history as `members_of`) at `since` and
    at each of their change dates. A year's changes are a small share of a roster, so a county of
    a million members loads tens of thousands of rows at most, never the whole roster.
    """
    current: dict[tuple[int, str], int] = {
        (org_id, status): n
        for org_id, status, n in Member.objects.filter(
            organization__in=organizations.values("pk"), status__in=ACTIVE_STATUSES
        )
        .values_list("organization_id", "status")
        .annotate(n=Count("id"))
        .values_list("organization_id", "status", "n")
        .order_by()
    }
    moved = Transfer.objects.filter(status=TransferStatus.COMPLETED, completed_on__gt=since)
    changed = History.objects.filter(process=rules.STATUS_PROCESS.name, effective_on__gt=since)
    touched = Member.objects.filter(
        Q(organization__in=organizations.values("pk"))
        | Q(pk__in=moved.filter(from_organization__in=organizations.values("pk")).values("member_id")),
    ).filter(
        Q(joined_on__gt=since)
        | Q(full_on__gt=since)
        | Q(pk__in=moved.values("member_id"))
        | Q(pk__in=changed.values("object_id"))
    )
    later: dict[int, list[History]] = defaultdict(list)
    stretches: dict[tuple[int, str], list[tuple[date | None, date | None, int]]] = defaultdict(list)
    # Only what `standing` reads: a changed member's whole row (encrypted fields …) is not needed.
    transfers = Transfer.objects.only("id", "member_id", "kind", "status", "completed_on", "from_organization_id")
    members = list(  # no second query when nobody changed
        touched.only("id", "organization_id", "status", "joined_on", "full_on").prefetch_related(
            Prefetch("transfers", queryset=transfers)
        )
    )
    for change in changed.filter(object_id__in=touched.values("pk")) if members else ():
        later[change.object_id].append(change)
    for m in members:
        if m.status in ACTIVE_STATUSES:  # counted in `current` for every day: take that out
            stretches[(m.organization_id, m.status)].append((None, None, -1))
        days = sorted(
            {
                d
                for d in (
                    m.joined_on,
                    m.full_on,
                    *(t.completed_on for t in m.transfers.all() if t.status == TransferStatus.COMPLETED),
                    *(c.effective_on for c in later[m.pk]),
                )
                if d is not None and d > since
            }
        )
        bounds: list[date | None] = [None, *days]
        for first, after in zip(bounds, [*days, None], strict=True):
            s = standing(m, first or since, later[m.pk])
            if s.active and s.organization_id is not None and s.status is not None:
                stretches[(s.organization_id, s.status)].append((first, after, 1))
    return RosterCounts(current, dict(stretches))
