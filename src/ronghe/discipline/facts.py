"""Facts about discipline for other modules — without details.

Outside 纪检 a case exists only as a fact: "this member has a 处分 of kind K in force from D to E". Ratings
(the 班子成员 veto), points (the `sanction` veto), recruitment (留党察看 and the introducer rule),
assessment (`discipline.major_case`) and selections (eligibility) ask here. No function returns a case's
text, its id or its source; only the kind, its Chinese label, the dates and whether it is a 重处分.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from ronghe.discipline import rules
from ronghe.discipline.choices import CaseState, SanctionCategory, SanctionKind
from ronghe.discipline.models import Case, Sanction
from ronghe.orgs import queries as orgs_queries

DISCIPLINARY = frozenset({SanctionCategory.PARTY, SanctionCategory.GOVERNMENT})


@dataclass(frozen=True)
class SanctionFact:
    """One 处分 (or 处理) in force: its kind, Chinese label and category, from `starts_on` to `ends_on`
    (None: without end), and whether it is a 重处分 (`major`). Nothing of the case behind it."""

    kind: str
    label: str
    category: str
    starts_on: date
    ends_on: date | None
    major: bool

    @property
    def is_disciplinary(self) -> bool:
        """A 处分 (党纪 or 政务), not a 组织处理 such as 诫勉."""
        return self.category in DISCIPLINARY

    @property
    def period(self) -> str:
        """The period in force as shown: "2026-03-01 至 2027-02-28" or "2026-03-01 起"."""
        if self.ends_on is None:
            return f"{self.starts_on.isoformat()} 起"
        return f"{self.starts_on.isoformat()} 至 {self.ends_on.isoformat()}"


def _in_force(start: date, end: date) -> Q:
    # a revoked sanction (撤销) was annulled: it is no fact for any period
    return Q(revoked_on__isnull=True, starts_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))


def _fact(kind: str, category: str, starts_on: date, ends_on: date | None) -> SanctionFact:
    info = rules.KINDS[kind]
    return SanctionFact(kind, SanctionKind(kind).label, category, starts_on, ends_on, info.major)


def sanctions_in_force(
    member_ids: Iterable[int], start: date, end: date, *, include_handling: bool = False
) -> dict[int, list[SanctionFact]]:
    """Per member (only those with one): the 处分 in force at any time in [start, end], both ends
    inclusive, earliest first. `include_handling` adds the 组织处理 (批评教育, 责令检查, 诫勉). One query."""
    ids = list(member_ids)
    if not ids:
        return {}
    qs = Sanction.objects.filter(_in_force(start, end), member_id__in=ids)
    if not include_handling:
        qs = qs.filter(category__in=DISCIPLINARY)
    out: dict[int, list[SanctionFact]] = defaultdict(list)
    for member_id, kind, category, starts_on, ends_on in qs.order_by("starts_on", "id").values_list(
        "member_id", "kind", "category", "starts_on", "ends_on"
    ):
        out[member_id].append(_fact(kind, category, starts_on, ends_on))
    return dict(out)


def sanctioned_members(start: date, end: date) -> set[int]:
    """Every member with a 处分 (党纪 or 政务) in force at some time in [start, end]. One query."""
    return set(
        Sanction.objects.filter(_in_force(start, end), category__in=DISCIPLINARY).values_list(
            "member_id", flat=True
        )
    )


def members_on_probation(member_ids: Iterable[int], on: date) -> set[int]:
    """The members under 留党察看 on `on` whose rights are not yet restored (细则 第十四条: they cannot be
    入党介绍人; 选举条例 第五条: no vote). One query."""
    facts = sanctions_in_force(member_ids, on, on)
    return {m for m, rows in facts.items() if any(f.kind == SanctionKind.PROBATION for f in rows)}


def members_with_cases(member_ids: Iterable[int], start: date, end: date) -> set[int]:
    """The members who were under review at some time in [start, end]: a clue received by `end` and not
    finished before `start`, not dismissed (了结: nothing found), and not a case whose every 处分 was
    revoked (撤销 on appeal clears it like 了结). One query."""
    ids = list(member_ids)
    if not ids:
        return set()
    revoked = Sanction.objects.filter(revoked_on__isnull=False).values("case_id")
    standing = Sanction.objects.filter(revoked_on__isnull=True).values("case_id")
    qs = (
        Case.objects.filter(
            Q(finished_on__isnull=True) | Q(finished_on__gte=start),
            member_id__in=ids,
            received_on__lte=end,
        )
        .exclude(state=CaseState.CONCLUDED)
        .exclude(Q(pk__in=revoked) & ~Q(pk__in=standing))
    )
    return set(qs.values_list("member_id", flat=True))


def organization_sanctions(organization_ids: Iterable[int], year: int) -> dict[int, list[SanctionFact]]:
    """Per organization (only those with one): the 处分 in force in `year` on members of its committee
    (班子成员: who held a post on it at any time in the year). Two queries."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    committees = orgs_queries.committee_members(list(organization_ids), start, end)
    facts = sanctions_in_force({m for ids in committees.values() for m in ids}, start, end)
    out: dict[int, list[SanctionFact]] = {}
    for org_id, members in committees.items():
        rows = sorted((f for m in members for f in facts.get(m, [])), key=lambda f: f.starts_on)
        if rows:
            out[org_id] = rows
    return out


def major_sanction_counts(organization_ids: Iterable[int], year: int) -> dict[int, int]:
    """Per organization (only those with one): how many 重处分 on its members were in force in `year`
    (the organization the member belonged to when sanctioned). One query."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    majors = [k for k, info in rules.KINDS.items() if info.major]
    out: dict[int, int] = defaultdict(int)
    for org_id in Sanction.objects.filter(
        _in_force(start, end), organization_id__in=list(organization_ids), kind__in=majors
    ).values_list("organization_id", flat=True):
        out[org_id] += 1
    return dict(out)
