"""Read side of the organization tree: scoped lists, the compact tree and warnings in aggregate.

Every function runs a constant number of queries whatever the size of the scope: counts are
grouped in the database, subtree sums are folded along the materialized paths in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.db import models
from django.db.models import Count, Q, QuerySet

from ronghe.core.scope import OutOfScope, paths_with, scoped
from ronghe.core.types import Actor
from ronghe.members.choices import ACTIVE_STATUSES, MemberStatus
from ronghe.members.models import Member
from ronghe.orgs import rules
from ronghe.orgs.choices import OfficerPost, OrgKind, WorkerKind
from ronghe.orgs.models import SEGMENT, Officer, Organization, PartyWorker, Unit, ancestor_paths


@dataclass
class OrgRow:
    org: Organization
    full_members: int = 0
    members: int = 0
    subtree_members: int = 0
    committee_size: int = 0
    secretary: str = ""
    next_election: date | None = None
    warnings: list[rules.OrgWarning] = field(default_factory=list)

    @property
    def indent(self) -> int:
        return self.org.depth


def organizations_for_user(user: Actor, perm: str = "orgs.view") -> QuerySet[Organization]:
    return scoped(Organization.objects.all(), user, perm)


def _is_unit_top(org: Organization) -> bool:
    if org.unit_id is None or org.kind == OrgKind.JOINT_BRANCH:
        return False
    parent = org.parent
    return parent is None or parent.unit_id != org.unit_id


def org_rows(orgs: QuerySet[Organization], today: date) -> list[OrgRow]:
    """One row per organization of `orgs` (a subtree-closed set), with counts, officers and warnings."""
    org_list = list(
        orgs.select_related("unit", "parent")
        .annotate(joint_count=Count("joint_units", distinct=True))
        .order_by("path")
    )
    by_status: dict[int, dict[str, int]] = defaultdict(dict)
    for org_id, status, n in (
        Member.objects.filter(organization__in=orgs.values("pk"), status__in=ACTIVE_STATUSES)
        .values_list("organization_id", "status")
        .annotate(n=Count("id"))
        .values_list("organization_id", "status", "n")
    ):
        by_status[org_id][status] = n
    committee = dict(
        Officer.objects.filter(organization__in=orgs.values("pk"), ended_on__isnull=True)
        .values_list("organization_id")
        .annotate(n=Count("member_id", distinct=True))
        .values_list("organization_id", "n")
    )
    secretaries = dict(
        Officer.objects.filter(
            organization__in=orgs.values("pk"), ended_on__isnull=True, post=OfficerPost.SECRETARY
        ).values_list("organization_id", "member__name")
    )
    unit_ids = {o.unit_id for o in org_list if o.unit_id}
    full_time = dict(
        PartyWorker.objects.filter(
            organization__unit_id__in=unit_ids, ended_on__isnull=True, kind=WorkerKind.FULL_TIME
        )
        .values_list("organization__unit_id")
        .annotate(n=Count("id"))
        .values_list("organization__unit_id", "n")
    )
    subtree: dict[str, int] = defaultdict(int)
    for org in org_list:
        n = sum(by_status.get(org.pk, {}).values())
        subtree[org.path] += n
        for prefix in ancestor_paths(org.path)[:-1]:
            subtree[prefix] += n
    rows = []
    for org in org_list:
        counts = by_status.get(org.pk, {})
        unit_top = _is_unit_top(org)
        facts = rules.OrgFacts(
            kind=org.kind,
            full_members=counts.get(MemberStatus.FULL, 0),
            members=sum(counts.values()),
            subtree_members=subtree[org.path],
            committee_size=committee.get(org.pk, 0),
            joint_units=org.joint_count,
            is_unit_top=unit_top,
            term_years=org.term_years,
            last_election_on=org.last_election_on,
        )
        warnings = rules.evaluate_organization(facts, today)
        if unit_top and org.unit is not None:
            worker_warning = rules.evaluate_party_workers(org.unit.staff_count, full_time.get(org.unit.pk, 0))
            if worker_warning is not None:
                warnings.append(worker_warning)
        rows.append(
            OrgRow(
                org=org,
                full_members=facts.full_members,
                members=facts.members,
                subtree_members=facts.subtree_members,
                committee_size=facts.committee_size,
                secretary=secretaries.get(org.pk, ""),
                next_election=rules.next_election_due(org.last_election_on, org.term_years),
                warnings=warnings,
            )
        )
    return rows


# The side bar lists at most this many nodes. A province's top two levels hold thousands of branches:
# cut in path order they would show the first units' branches and drop the later units altogether,
# so above the limit the tree shows one level fewer (every unit), plus the way to the current node.
TREE_NODES = 200


def tree_nav(
    user: Actor, current: Organization | None = None, levels: int = 2, limit: int = TREE_NODES
) -> list[dict[str, Any]]:
    """The compact tree for the side bar: the user's top nodes, up to `levels` below them (no 党小组;
    fewer levels when they would exceed `limit` nodes), and the way down to the current organization
    with its children."""
    roots = paths_with(user, "orgs.view")
    if not roots:
        return []
    top = min(len(p) // (SEGMENT + 1) for p in roots) - 1
    current_path = current.path if current is not None else ""
    way = ancestor_paths(current_path)
    fields = ("code", "name", "path", "depth")
    in_scope = organizations_for_user(user).exclude(kind=OrgKind.GROUP).order_by("path")
    for depth in range(top + max(levels, 0), top - 1, -1):
        orgs = list(in_scope.filter(depth__lte=depth).values(*fields)[: limit + 1])
        if len(orgs) <= limit:
            break
    orgs = orgs[:limit]
    if current is not None and current_path:  # the way down and the children (a unit may have hundreds)
        shown = {o["path"] for o in orgs}
        near = in_scope.filter(Q(path__in=way) | Q(parent_id=current.pk)).values(*fields)[: limit + len(way)]
        orgs = sorted([*orgs, *(o for o in near if o["path"] not in shown)], key=lambda o: o["path"])
    return [
        {
            "code": o["code"],
            "name": o["name"],
            "level": o["depth"] - top,
            "current": o["path"] == current_path,
        }
        for o in orgs
    ]


@dataclass(frozen=True)
class Standing:
    """An organization's term and officers as of a day (支部评星定级's derived indicators)."""

    organization_id: int
    code: UUID
    kind: str
    full_members: int  # 正式党员 directly in the organization (current roster)
    members: int  # active 党员 (正式 + 预备), current roster
    committee_size: int  # distinct members holding a post on `as_of`
    has_secretary: bool
    term_years: int
    last_election_on: date | None
    election_due: date | None
    election_on_time: bool | None  # rules.election_on_time
    officers_complete: bool  # rules.officers_complete


def standing(organization_ids: Sequence[int], as_of: date) -> dict[int, Standing]:
    """Per organization of `organization_ids`: whether its term had not expired on `as_of`
    (`rules.election_on_time`) and whether it had the officers its size requires
    (`rules.officers_complete`, with the same counts as `org_rows`' warnings).

    Three queries whatever the number of organizations: the organizations, active members per
    organization and status, officers holding a post on `as_of` per organization. The platform
    keeps no history of member status, so the member counts are the current roster.
    """
    ids = list(organization_ids)
    orgs = list(
        Organization.objects.filter(pk__in=ids).values_list(
            "pk", "code", "kind", "term_years", "last_election_on"
        )
    )
    by_status: dict[int, dict[str, int]] = defaultdict(dict)
    for org_id, status, n in (
        Member.objects.filter(organization_id__in=ids, status__in=ACTIVE_STATUSES)
        .values_list("organization_id", "status")
        .annotate(n=Count("id"))
        .values_list("organization_id", "status", "n")
    ):
        by_status[org_id][status] = n
    # A post counts from its first day up to the day before `ended_on` (the day the holder left).
    holding = Q(started_on__lte=as_of) & (Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
    officers = {
        org_id: (n, secretaries)
        for org_id, n, secretaries in Officer.objects.filter(holding, organization_id__in=ids)
        .values_list("organization_id")
        .annotate(
            n=Count("member_id", distinct=True),
            secretaries=Count("id", filter=Q(post=OfficerPost.SECRETARY)),
        )
        .values_list("organization_id", "n", "secretaries")
    }
    out = {}
    for pk, code, kind, term_years, last_election_on in orgs:
        counts = by_status.get(pk, {})
        committee_size, secretaries = officers.get(pk, (0, 0))
        facts = rules.OrgFacts(
            kind=kind,
            full_members=counts.get(MemberStatus.FULL, 0),
            members=sum(counts.values()),
            subtree_members=0,  # not needed by the branch rules
            committee_size=committee_size,
            term_years=term_years,
            last_election_on=last_election_on,
        )
        out[pk] = Standing(
            organization_id=pk,
            code=code,
            kind=kind,
            full_members=facts.full_members,
            members=facts.members,
            committee_size=committee_size,
            has_secretary=secretaries > 0,
            term_years=term_years,
            last_election_on=last_election_on,
            election_due=rules.next_election_due(last_election_on, term_years),
            election_on_time=rules.election_on_time(kind, last_election_on, term_years, as_of),
            officers_complete=rules.officers_complete(facts, secretaries > 0),
        )
    return out


def unit_organizations(unit_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    """Per unit: its own Party organizations as (id, path), highest in the tree first. One query; units
    without an organization of their own are left out (see `lead_organizations` for the one answering)."""
    out: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = Organization.objects.filter(unit_id__in=list(unit_ids)).values_list("unit_id", "pk", "path")
    for unit_id, pk, path in sorted(rows, key=lambda r: (len(r[2]), r[2])):
        out[unit_id].append((pk, path))
    return dict(out)


# ---------------------------------------------------------------- units (scoped through their organizations)

LEAD_KINDS = (OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.TEMPORARY)


def units_for_user(user: Actor | None, perm: str = "orgs.view") -> QuerySet[Unit]:
    """Units the user sees with `perm`: those with an organization (its own, or a 联合党支部 covering it) in
    a subtree where the user holds `perm`; a unit without any organization yet only from a root."""
    paths = paths_with(user, perm)
    if not paths:
        return Unit.objects.none()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(organizations__path__startswith=path) | Q(joint_organizations__path__startswith=path)
    if any(p.count(".") == 1 for p in paths):
        q |= Q(organizations__isnull=True, joint_organizations__isnull=True)
    return Unit.objects.filter(pk__in=Unit.objects.filter(q).values("pk"))


def unit_for_user_or_404(user: Actor | None, code: UUID | str, perm: str = "orgs.view") -> Unit:
    """One unit the user sees with `perm`; 404 otherwise (403 for a write is the service's)."""
    try:
        return units_for_user(user, perm).get(code=code)
    except (Unit.DoesNotExist, ValueError, TypeError) as exc:
        raise OutOfScope("未找到或无权访问") from exc


def lead_organizations(unit_ids: Sequence[int]) -> dict[int, Organization]:
    """The Party organization that answers for each unit's Party building (its 机关党委, 总支 or 支部: the
    highest of its own organizations, 党组 and 党小组 aside), else the 联合党支部 covering it. Two queries."""
    out: dict[int, Organization] = {}
    own = Organization.objects.filter(unit_id__in=unit_ids, kind__in=LEAD_KINDS, is_active=True)
    for org in own.order_by("depth", "path"):
        assert org.unit_id is not None
        out.setdefault(org.unit_id, org)
    missing = [u for u in unit_ids if u not in out]
    if missing:
        joint = Organization.objects.filter(
            Q(joint_units__in=missing) | Q(unit_id__in=missing), kind=OrgKind.JOINT_BRANCH, is_active=True
        )
        for org in joint.annotate(covered=models.F("joint_units")).order_by("depth", "path"):
            for unit_id in (org.covered, org.unit_id):
                if unit_id in missing:
                    out.setdefault(unit_id, org)
    return out


def unit_rows(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The list's rows with their counts, in one query."""
    return units.annotate(
        n_orgs=Count("organizations", distinct=True),
        n_departments=Count("departments", distinct=True),
        n_leaders=Count("leaders", distinct=True),
    ).order_by("name")


def committee_members(organization_ids: Sequence[int], start: date, end: date) -> dict[int, set[int]]:
    """Per organization: the members who held a post on its committee (班子成员) at any time in
    [start, end] (a post counts up to the day before `ended_on`). One query."""
    out: dict[int, set[int]] = defaultdict(set)
    rows = Officer.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=start),
        organization_id__in=list(organization_ids),
        started_on__lte=end,
    ).values_list("organization_id", "member_id")
    for org_id, member_id in rows:
        out[org_id].add(member_id)
    return dict(out)


def judges_at(path: str, *, seated: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Active accounts holding the 评委 role at the node `path` or above (a campaign's panel draws from
    them), less those in `seated` (a values("judge_id") queryset of the panel's judges)."""
    from ronghe.accounts.choices import Role
    from ronghe.accounts.models import User

    users = User.objects.filter(
        is_active=True,
        role_assignments__role=Role.JUDGE,
        role_assignments__organization__path__in=ancestor_paths(path),
    )
    if seated is not None:
        users = users.exclude(pk__in=seated)
    return users.distinct().order_by("username")


def unit_of_member(member_id: int | None) -> int | None:
    """The unit of the organization a member belongs to (a judge's own unit, for 回避)."""
    if member_id is None:
        return None
    unit_id: int | None = (
        Organization.objects.filter(members__pk=member_id).values_list("unit_id", flat=True).first()
    )
    return unit_id
