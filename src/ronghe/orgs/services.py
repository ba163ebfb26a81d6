"""Organization use-cases: create, update, move a subtree, officers and party workers. Scoped and audited."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import F, ProtectedError, Value
from django.db.models.functions import Concat, Substr

from ronghe.accounts.choices import Role
from ronghe.accounts.models import RoleAssignment
from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import paths_with, require_at
from ronghe.core.types import Actor
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs import rules
from ronghe.orgs.choices import OfficerPost, OrgKind
from ronghe.orgs.models import SEGMENT, Department, Leader, Officer, Organization, PartyWorker, Unit

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
    Organization.objects.filter(pk=org.pk).update(is_active=False, dissolved_on=on, dissolution_ref=approval_ref)
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


def officer_candidates(org: Organization) -> models.QuerySet[Member]:
    """Who may hold a post in `org`: the active members of its subtree. A 党组 has no members of its
    own: its posts are held by the unit's leading cadres, members of the unit's Party organizations."""
    members = Member.objects.filter(status__in=ACTIVE_STATUSES)
    if org.kind == OrgKind.LEADING_GROUP:
        return members.filter(organization__unit_id=org.unit_id) if org.unit_id else members.none()
    return members.filter(
        organization__in=Organization.objects.filter(path__startswith=org.path).values("pk")
    )


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


# ---------------------------------------------------------------- units: the register the 工委 keeps

UNIT_FIELDS = ("name", "short_name", "kind", "credit_code", "staff_count")


def _root_paths(unit: Unit | None) -> list[str]:
    """The roots of the trees the unit's organizations lie in (none yet: no organization)."""
    if unit is None or unit.pk is None:
        return []
    paths = Organization.objects.filter(models.Q(unit=unit) | models.Q(joint_units=unit)).values_list(
        "path", flat=True
    )
    return sorted({p[: SEGMENT + 1] for p in paths})


def can_manage_units(actor: Actor | None, unit: Unit | None = None) -> bool:
    """工委 staff keep the register (the permission that manages organizations, held at the root of the
    tree): `orgs.edit` at the root every organization of the unit hangs under; a unit without
    organizations (new, imported) at any root."""
    roots = [p for p in paths_with(actor, "orgs.edit") if p.count(".") == 1]
    if not roots:
        return False
    needed = _root_paths(unit)
    return all(p in roots for p in needed) if needed else True


def require_unit_manager(actor: User, unit: Unit | None = None) -> None:
    if not can_manage_units(actor, unit):
        raise PermissionDenied("您没有执行此操作的权限")


def _checked_credit_code(code: str, confirmed: bool, unit: Unit | None) -> tuple[str, bool]:
    """The normalised code, and whether a failing check character was confirmed (audited)."""
    check = rules.check_credit_code(code)
    if check.problem:
        raise OrganizationError(check.problem, field="credit_code")
    if check.check_mismatch and not confirmed:
        raise OrganizationError(rules.credit_mismatch_message(check), field="credit_code")
    if check.code and Unit.objects.filter(credit_code=check.code).exclude(pk=unit.pk if unit else 0).exists():
        raise OrganizationError("该统一社会信用代码已登记为其他单位", field="credit_code")
    return check.code, check.check_mismatch


def _unit_snapshot(unit: Unit) -> dict[str, Any]:
    return {name: getattr(unit, name) for name in UNIT_FIELDS}


def _save_unit(unit: Unit, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            if unit.pk is None:
                unit.save()
            else:
                unit.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as exc:
        raise OrganizationError("单位名称或统一社会信用代码已被其他单位使用", field="name") from exc


@transaction.atomic
def create_unit(
    *,
    actor: User,
    name: str,
    short_name: str = "",
    kind: str,
    credit_code: str = "",
    staff_count: int = 0,
    credit_code_confirmed: bool = False,
) -> Unit:
    """Register a unit (工委 staff). The credit code is checked by GB 32100 (`rules.check_credit_code`)."""
    require_unit_manager(actor)
    name = name.strip()
    if Unit.objects.filter(name=name).exists():
        raise OrganizationError("已有同名单位", field="name")
    code, overridden = _checked_credit_code(credit_code, credit_code_confirmed, None)
    unit = Unit(
        name=name, short_name=short_name.strip(), kind=kind, credit_code=code, staff_count=staff_count
    )
    _save_unit(unit, [])
    changes = audit.diff({}, _unit_snapshot(unit))
    if overridden:
        changes["credit_code_override"] = "校验位不符，已确认与证照一致"
    audit.record("org.unit_create", actor=actor, obj=unit, changes=changes)
    return unit


@transaction.atomic
def update_unit(*, actor: User, unit: Unit, credit_code_confirmed: bool = False, **fields: Any) -> Unit:
    """Change a unit's register entry (工委 staff)."""
    require_unit_manager(actor, unit)
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise OrganizationError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        if Unit.objects.filter(name=fields["name"]).exclude(pk=unit.pk).exists():
            raise OrganizationError("已有同名单位", field="name")
    overridden = False
    if "credit_code" in fields:
        fields["credit_code"], overridden = _checked_credit_code(
            fields["credit_code"], credit_code_confirmed, unit
        )
    before = _unit_snapshot(unit)
    for name, value in fields.items():
        setattr(unit, name, value)
    _save_unit(unit, list(fields))
    changes = audit.diff(before, _unit_snapshot(unit))
    if overridden and "credit_code" in changes:
        changes["credit_code_override"] = "校验位不符，已确认与证照一致"
    if changes:
        audit.record("org.unit_update", actor=actor, obj=unit, changes=changes)
    return unit


def leader_candidates(unit: Unit) -> models.QuerySet[Member]:
    """Members a leader may be linked to: the active members of the unit's own Party organizations."""
    return Member.objects.filter(status__in=ACTIVE_STATUSES, organization__unit=unit)


@transaction.atomic
def save_leader(
    *,
    actor: User,
    unit: Unit,
    name: str,
    title: str,
    is_party_group_member: bool = False,
    order: int = 0,
    member: Member | None = None,
    leader: Leader | None = None,
) -> Leader:
    """Add a leader of the unit, or change one (`leader`)."""
    require_unit_manager(actor, unit)
    if member is not None and not leader_candidates(unit).filter(pk=member.pk).exists():
        raise OrganizationError("对应党员：须为本单位党组织的在册党员", field="member")
    values = {
        "name": name.strip(),
        "title": title.strip(),
        "is_party_group_member": is_party_group_member,
        "order": order,
        "member": member,
    }
    before = {} if leader is None else {k: str(getattr(leader, k) or "") for k in values}
    if leader is None:
        leader = Leader.objects.create(unit=unit, **values)
        event = "org.leader_add"
    else:
        for k, v in values.items():
            setattr(leader, k, v)
        leader.save(update_fields=[*values, "updated_at"])
        event = "org.leader_update"
    after = {k: str(getattr(leader, k) or "") for k in values}
    audit.record(event, actor=actor, obj=leader, changes=audit.diff(before, after))
    return leader


@transaction.atomic
def remove_leader(*, actor: User, leader: Leader) -> None:
    require_unit_manager(actor, leader.unit)
    audit.record("org.leader_remove", actor=actor, obj=leader, changes={"name": [leader.name, None]})
    leader.delete()


@transaction.atomic
def save_department(
    *,
    actor: User,
    unit: Unit,
    name: str,
    head_name: str = "",
    order: int = 0,
    department: Department | None = None,
) -> Department:
    """Add a business department of the unit, or change one; names are unique within the unit."""
    require_unit_manager(actor, unit)
    name = name.strip()
    same = Department.objects.filter(unit=unit, name=name)
    if department is not None:
        same = same.exclude(pk=department.pk)
    if same.exists():
        raise OrganizationError("本单位已有同名部门", field="name")
    values = {"name": name, "head_name": head_name.strip(), "order": order}
    before = {} if department is None else {k: getattr(department, k) for k in values}
    if department is None:
        department = Department.objects.create(unit=unit, **values)
        event = "org.department_add"
    else:
        for k, v in values.items():
            setattr(department, k, v)
        department.save(update_fields=[*values, "updated_at"])
        event = "org.department_update"
    audit.record(event, actor=actor, obj=department, changes=audit.diff(before, values))
    return department


def remove_department(*, actor: User, department: Department) -> None:
    """Delete a department that no record refers to (a task it owns keeps it)."""
    require_unit_manager(actor, department.unit)
    try:
        with transaction.atomic():
            audit.record(
                "org.department_remove",
                actor=actor,
                obj=department,
                changes={"name": [department.name, None]},
            )
            department.delete()
    except ProtectedError as exc:
        raise OrganizationError("该部门已承担工作任务，不能删除") from exc
