"""Organization use-cases: create, update, move a subtree, officers and party workers. Scoped and audited."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import require_at
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs import rules
from ronghe.orgs.choices import OfficerPost, OrgKind
from ronghe.orgs.models import Officer, Organization, PartyWorker, Unit

if TYPE_CHECKING:
    from ronghe.accounts.models import User

ORG_FIELDS = (
    "name",
    "kind",
    "unit",
    "founded_on",
    "term_years",
    "last_election_on",
    "sort_order",
    "is_active",
)


class OrganizationError(DomainError):
    """A refused change, with a Chinese message naming the problem."""


def _snapshot(org: Organization) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in ORG_FIELDS:
        value = getattr(org, name)
        data[name] = str(value) if isinstance(value, Unit | date) else value
    data["parent"] = org.parent.name if org.parent is not None else None
    data["joint_units"] = sorted(u.name for u in org.joint_units.all()) if org.pk else []
    return data


@transaction.atomic
def create_organization(
    *,
    actor: User,
    parent: Organization,
    name: str,
    kind: str,
    unit: Unit | None = None,
    founded_on: date | None = None,
    term_years: int | None = None,
    last_election_on: date | None = None,
    joint_units: list[Unit] | None = None,
) -> Organization:
    """Add an organization under `parent`. The term defaults by kind (domain-rules §2.3)."""
    require_at(actor, "orgs.edit", parent.path)
    if kind == OrgKind.COMMITTEE:
        raise OrganizationError("类型：机关工委只能是组织树的根节点")
    org = Organization(
        parent=parent,
        name=name,
        kind=kind,
        unit=unit,
        founded_on=founded_on,
        term_years=term_years or rules.default_term_years(kind),
        last_election_on=last_election_on,
    )
    org.save()
    if joint_units:
        org.joint_units.set(joint_units)
    audit.record("org.create", actor=actor, obj=org, changes=audit.diff({}, _snapshot(org)))
    return org


@transaction.atomic
def update_organization(
    *, actor: User, org: Organization, joint_units: list[Unit] | None = None, **fields: Any
) -> Organization:
    """Change an organization's own fields (not its place in the tree: see `move_subtree`)."""
    require_at(actor, "orgs.edit", org.path)
    unknown = set(fields) - set(ORG_FIELDS)
    if unknown:
        raise OrganizationError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    if fields.get("kind") == OrgKind.COMMITTEE and org.kind != OrgKind.COMMITTEE:
        raise OrganizationError("类型：机关工委只能是组织树的根节点")
    before = _snapshot(org)
    for name, value in fields.items():
        setattr(org, name, value)
    if fields:
        org.save(update_fields=[*fields, "updated_at"])
    if joint_units is not None:
        org.joint_units.set(joint_units)
    changes = audit.diff(before, _snapshot(org))
    if changes:
        audit.record("org.update", actor=actor, obj=org, changes=changes)
    return org


@transaction.atomic
def move_subtree(*, actor: User, org: Organization, new_parent: Organization) -> Organization:
    """Put `org` and its whole subtree under `new_parent`.

    One UPDATE rewrites `path` and `depth` of every node of the subtree (O(subtree)); the new
    path prefix is a fresh child slot of `new_parent`, so no path collides during the update.
    """
    org = Organization.objects.select_for_update().get(pk=org.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    require_at(actor, "orgs.edit", org.path)
    require_at(actor, "orgs.edit", new_parent.path)
    if org.parent_id is None:
        raise OrganizationError("根节点不能移动")
    if new_parent.path.startswith(org.path):
        raise OrganizationError("新的上级党组织：不能移到本组织或其下级组织之下")
    if new_parent.pk == org.parent_id:
        raise OrganizationError("新的上级党组织：与当前上级相同")
    if new_parent.kind == OrgKind.GROUP:
        raise OrganizationError("新的上级党组织：党小组之下不能设立党组织")
    old_path, old_parent = org.path, org.parent
    new_prefix = Organization.next_child_path(new_parent)
    depth_delta = new_parent.depth + 1 - org.depth
    count = Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_path) + 1), output_field=models.CharField()),
        depth=F("depth") + depth_delta,
    )
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    audit.record(
        "org.move",
        actor=actor,
        obj=org,
        changes={
            "parent": [old_parent.name if old_parent else None, new_parent.name],
            "path": [old_path, org.path],
            "subtree_size": count,
        },
    )
    return org


def officer_candidates(org: Organization) -> models.QuerySet[Member]:
    """Who may hold a post in `org`: the active members of its subtree. A 党组 has no members of its
    own: its posts are held by the unit's leading cadres, members of the unit's Party organizations."""
    members = Member.objects.filter(status__in=ACTIVE_STATUSES)
    if org.kind == OrgKind.LEADING_GROUP:
        return members.filter(organization__unit_id=org.unit_id) if org.unit_id else members.none()
    return members.filter(organization__path__startswith=org.path)


@transaction.atomic
def appoint_officer(
    *, actor: User, org: Organization, member: Member, post: str, started_on: date
) -> Officer:
    """Record a committee post. The member must be one of `officer_candidates(org)`;
    only one current 书记 per organization."""
    require_at(actor, "orgs.edit", org.path)
    if not officer_candidates(org).filter(pk=member.pk).exists():
        if org.kind == OrgKind.LEADING_GROUP:
            raise OrganizationError("党员：党组成员须为本单位党组织的在册党员")
        raise OrganizationError("党员：须为本组织（含下级）的在册党员")
    current = Officer.objects.filter(organization=org, ended_on__isnull=True)
    if current.filter(member=member, post=post).exists():
        raise OrganizationError("职务：该党员已担任此职务")
    if post == OfficerPost.SECRETARY and current.filter(post=OfficerPost.SECRETARY).exists():
        raise OrganizationError("职务：本组织已有书记，请先办理原书记离任")
    officer = Officer.objects.create(organization=org, member=member, post=post, started_on=started_on)
    audit.record(
        "org.officer_appoint",
        actor=actor,
        obj=officer,
        changes={"post": [None, officer.get_post_display()], "member": [None, member.name]},
    )
    return officer


@transaction.atomic
def end_officer(*, actor: User, officer: Officer, ended_on: date) -> Officer:
    require_at(actor, "orgs.edit", officer.organization.path)
    if officer.ended_on is not None:
        raise OrganizationError("该职务已离任")
    if ended_on < officer.started_on:
        raise OrganizationError("离任日期：不能早于任职日期")
    officer.ended_on = ended_on
    officer.save(update_fields=["ended_on"])
    audit.record("org.officer_end", actor=actor, obj=officer, changes={"ended_on": [None, str(ended_on)]})
    return officer


@transaction.atomic
def add_party_worker(
    *, actor: User, org: Organization, name: str, kind: str, started_on: date, member: Member | None = None
) -> PartyWorker:
    require_at(actor, "orgs.edit", org.path)
    if org.unit_id is None:
        raise OrganizationError("本组织未登记所在单位，无法登记党务干部")
    worker = PartyWorker.objects.create(
        organization=org, name=name, kind=kind, started_on=started_on, member=member
    )
    audit.record(
        "org.worker_add", actor=actor, obj=worker, changes={"name": [None, name], "kind": [None, kind]}
    )
    return worker


@transaction.atomic
def end_party_worker(*, actor: User, worker: PartyWorker, ended_on: date) -> PartyWorker:
    require_at(actor, "orgs.edit", worker.organization.path)
    if worker.ended_on is not None:
        raise OrganizationError("该党务干部已离任")
    if ended_on < worker.started_on:
        raise OrganizationError("离任日期：不能早于任职日期")
    worker.ended_on = ended_on
    worker.save(update_fields=["ended_on"])
    audit.record("org.worker_end", actor=actor, obj=worker, changes={"ended_on": [None, str(ended_on)]})
    return worker
