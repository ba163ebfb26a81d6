"""Units: the register the 工委 keeps, with each unit's leaders and business departments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError

from ronghe.core import audit
from ronghe.core.scope import paths_with
from ronghe.core.types import Actor
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs import rules
from ronghe.orgs.models import SEGMENT, Department, Leader, Organization, Unit
from ronghe.orgs.services.errors import OrganizationError

if TYPE_CHECKING:
    from ronghe.accounts.models import User


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
