"""What a 纪检 reviewer sees beside each item of a 联审 list (`core.jointreview.registry`): the 处分 in
force and the open cases of the people each item is about — for a branch, its 班子成员. Only for users
holding `discipline.view` at the review's organization; everyone else gets no note at all."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from ronghe.core.jointreview.registry import Subject
from ronghe.core.scope import has_perm_at
from ronghe.core.types import Actor
from ronghe.discipline import facts
from ronghe.discipline.queries import VIEW
from ronghe.members.models import Member
from ronghe.orgs import queries as orgs_queries

NONE_FOUND = "纪检：期间内无处分，无正在审查的案件"


def notes(user: Actor | None, org_path: str, subjects: dict[str, Subject]) -> dict[str, list[str]]:
    if not subjects or not has_perm_at(user, VIEW, org_path):
        return {}
    # the people of each item: its members, and the committee of each of its organizations in the period
    people: dict[str, set[int]] = defaultdict(set)
    officers: dict[str, set[int]] = defaultdict(set)
    for key, s in subjects.items():
        people[key].update(s.member_ids)
        if s.organization_ids:
            for ids in orgs_queries.committee_members(s.organization_ids, s.start, s.end).values():
                officers[key].update(ids)
    everyone = {m for ids in people.values() for m in ids} | {m for ids in officers.values() for m in ids}
    names = dict(Member.objects.filter(Q(pk__in=everyone)).values_list("pk", "name"))
    out: dict[str, list[str]] = {}
    for key, s in subjects.items():
        concerned = people[key] | officers[key]
        sanctions = facts.sanctions_in_force(concerned, s.start, s.end, include_handling=True)
        under_review = facts.members_with_cases(concerned, s.start, s.end)
        lines = []
        for member_id in sorted(concerned, key=lambda m: names.get(m, "")):
            role = "班子成员" if member_id in officers[key] and member_id not in people[key] else "本人"
            for f in sanctions.get(member_id, []):
                lines.append(f"纪检：{role}{names.get(member_id, '')}受{f.label}（{f.period}）")
            if member_id in under_review and member_id not in sanctions:
                lines.append(f"纪检：{role}{names.get(member_id, '')}有正在审查或已了结前的问题线索")
        out[key] = lines or [NONE_FOUND]
    return out
