"""Read side of the roster: scoped lists, derived values and statistics bands in aggregate."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet

from ronghe.core.scope import scoped
from ronghe.members import rules
from ronghe.members.choices import ACTIVE_STATUSES, Occupation, TransferKind, TransferStatus
from ronghe.members.models import Member, Transfer


def members_for_user(user: Any, perm: str = "members.view") -> QuerySet[Member]:
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
    minority = active.exclude(ethnicity="汉族").count()
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


def transfers_for_user(user: Any) -> QuerySet[Transfer]:
    return scoped(Transfer.objects.select_related("member", "organization"), user, "members.view")


def overdue_letters(transfers: list[Transfer], today: date) -> dict[int, rules.LetterValidity]:
    out = {}
    for t in transfers:
        if t.kind == TransferKind.OUTGOING and t.status == TransferStatus.PENDING and t.validity_days:
            out[t.pk] = rules.letter_validity(t.issued_on, t.validity_days, today)
    return out
