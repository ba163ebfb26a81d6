"""The tree of organizations: create, update, move a subtree, dissolve."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from ronghe.accounts.choices import Role
from ronghe.accounts.models import RoleAssignment
from ronghe.core import audit
from ronghe.core.scope import require_at
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs import rules
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Officer, Organization, PartyWorker, Unit
from ronghe.orgs.services.errors import OrganizationError

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


DISSOLVE_NAMES_SHOWN = 5


@transaction.atomic
def dissolve_organization(
    *, actor: User, org: Organization, on: date, approval_ref: str, today: date
) -> Organization:
    """撤销 an organization from `on`: it has no member and no organization under it any more (members
    are transferred, children moved or dissolved first). Its posts end that day; it keeps its records and
    is still counted in the 党内统计 of the years it existed."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    require_at(actor, "orgs.edit", org.path)
    if org.parent_id is None:
        raise OrganizationError("根节点不能撤销")
    if not org.is_active:
        raise OrganizationError(f"“{org.name}”已于 {org.dissolved_on or '此前'} 撤销")
    approval_ref = approval_ref.strip()
    if not approval_ref:
        raise OrganizationError("批准文号：请填写上级党组织批准撤销的文号")
    if on > today:
        raise OrganizationError("撤销日期：不能晚于今天，请在批准撤销后登记")
    if org.founded_on is not None and on < org.founded_on:
        raise OrganizationError(f"撤销日期：不能早于成立日期 {org.founded_on}")
    below = list(
        Organization.objects.filter(path__startswith=org.path, is_active=True)
        .exclude(pk=org.pk)
        .order_by("path")
        .values_list("name", flat=True)[: DISSOLVE_NAMES_SHOWN + 1]
    )
    if below:
        names = "、".join(below[:DISSOLVE_NAMES_SHOWN]) + ("等" if len(below) > DISSOLVE_NAMES_SHOWN else "")
        raise OrganizationError(f"下级党组织：请先撤销或移走 {names}")
    members = Member.objects.filter(organization__path__startswith=org.path, status__in=ACTIVE_STATUSES)
    count = members.count()
    if count:
        raise OrganizationError(f"党员：还有 {count} 名党员的组织关系在本组织，请先办理组织关系转接")
    ended = Officer.objects.filter(organization=org, ended_on__isnull=True).update(ended_on=on)
    ended += PartyWorker.objects.filter(organization=org, ended_on__isnull=True).update(ended_on=on)
    roles = dissolved_roles(org)
    removed = [f"{a.user.username}（{a.get_role_display()}）" for a in roles.select_related("user")]
    roles.delete()
    Organization.objects.filter(pk=org.pk).update(
        is_active=False, dissolved_on=on, dissolution_ref=approval_ref
    )
    org.refresh_from_db()
    audit.record(
        "org.dissolve",
        actor=actor,
        obj=org,
        changes={
            "dissolved_on": str(on),
            "approval_ref": approval_ref,
            "posts_ended": ended,
            "roles_removed": removed,
        },
    )
    return org


def dissolved_roles(org: Organization) -> models.QuerySet[RoleAssignment]:
    """The role grants a dissolution removes: those at the organization itself, which would grant an
    empty subtree. An 审计管理员 grant stays (the audit function never ends by another's act): the
    安全管理员 revokes it on the roles page."""
    return RoleAssignment.objects.filter(organization=org).exclude(role=Role.AUDIT_ADMIN)
