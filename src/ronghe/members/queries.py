"""Read side of the roster: scoped lists, derived values and statistics bands in aggregate."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet

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


class _Move(NamedTuple):
    """What `unwind` reads of a transfer (a `Transfer` has the same attributes)."""

    pk: int
    kind: str
    status: str
    completed_on: date | None
    from_organization_id: int | None


class _Change(NamedTuple):
    """What `unwind` reads of a status change (a `History` has the same attributes)."""

    pk: int
    effective_on: date | None
    from_state: str


def standing(member: Member, on: date, status_changes: Iterable[History] = ()) -> Standing:
    """Unwind the member's dated history back to `on`.

    - a member who joined after `on`, or arrived by an incoming letter after `on`, was not on the roster;
    - internal transfers completed after `on` are undone (the member was in the sending organization;
      a transfer completed on `on` is already in effect);
    - a receipt confirmed after `on` (outgoing letter) is undone: the member was still active there;
    - status changes effective after `on` are undone (转正 after `on` → still 预备党员);
    - a full member whose 转正日期 is after `on` (imported without a recorded change) was probationary.
    """
    org_id, status = unwind(
        member.joined_on,
        member.organization_id,
        member.status,
        member.full_on,
        member.transfers.all(),
        on,
        status_changes,
    )
    return Standing(member, org_id, status)


def unwind(
    joined_on: date,
    organization_id: int | None,
    status: str,
    full_on: date | None,
    transfers: Iterable[Transfer | _Move],
    on: date,
    status_changes: Iterable[History | _Change] = (),
) -> tuple[int | None, str | None]:
    """`standing` from a member's columns, transfers and status changes (models or plain rows):
    (organization id, status) on `on`, (None, None) when not on the roster then."""
    if joined_on > on:
        return None, None
    org_id: int | None = organization_id
    later = sorted(
        (
            t
            for t in transfers
            if t.status == TransferStatus.COMPLETED and t.completed_on is not None and t.completed_on > on
        ),
        key=lambda t: (t.completed_on, t.pk),
        reverse=True,
    )
    for t in later:
        if t.kind == TransferKind.INCOMING:
            return None, None
        if t.kind == TransferKind.INTERNAL:
            org_id = t.from_organization_id
        elif t.kind == TransferKind.OUTGOING and status == MemberStatus.TRANSFERRED_OUT:
            status = MemberStatus.FULL if full_on else MemberStatus.PROBATIONARY
    changes = sorted(
        (c for c in status_changes if c.effective_on and c.effective_on > on),
        key=lambda c: (c.effective_on, c.pk),
        reverse=True,
    )
    for c in changes:
        status = c.from_state
    if status == MemberStatus.FULL and full_on and full_on > on:
        status = MemberStatus.PROBATIONARY
    return org_id, status


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
    stretches: dict[tuple[int, str], list[tuple[date | None, date | None, int]]] = defaultdict(list)
    # Only what `unwind` reads, as plain rows: a changed member's whole row (encrypted fields …) is
    # not needed, and building models for a county's year of changes cost more than reading them.
    members = list(touched.values_list("id", "organization_id", "status", "joined_on", "full_on").order_by())
    moves: dict[int, list[_Move]] = defaultdict(list)
    later: dict[int, list[_Change]] = defaultdict(list)
    if members:  # no more queries when nobody changed
        transfers = Transfer.objects.filter(member_id__in=[m[0] for m in members]).values_list(
            "member_id", "id", "kind", "status", "completed_on", "from_organization_id"
        )
        for member_id, pk, kind, state, completed_on, from_id in transfers:
            moves[member_id].append(_Move(pk, kind, state, completed_on, from_id))
        changes = (
            changed.filter(object_id__in=touched.values("pk"))
            .values_list("object_id", "id", "effective_on", "from_state")
            .order_by()
        )
        for object_id, pk, effective_on, from_state in changes:
            later[object_id].append(_Change(pk, effective_on, from_state))
    for pk, organization_id, status, joined_on, full_on in members:
        if status in ACTIVE_STATUSES:  # counted in `current` for every day: take that out
            stretches[(organization_id, status)].append((None, None, -1))
        own_moves, own_changes = moves.get(pk, []), later.get(pk, [])
        days = sorted(
            {
                d
                for d in (
                    joined_on,
                    full_on,
                    *(t.completed_on for t in own_moves if t.status == TransferStatus.COMPLETED),
                    *(c.effective_on for c in own_changes),
                )
                if d is not None and d > since
            }
        )
        bounds: list[date | None] = [None, *days]
        for first, after in zip(bounds, [*days, None], strict=True):
            org_id, was = unwind(
                joined_on, organization_id, status, full_on, own_moves, first or since, own_changes
            )
            if was in ACTIVE_STATUSES and org_id is not None:
                stretches[(org_id, was)].append((first, after, 1))
    return RosterCounts(current, dict(stretches))
