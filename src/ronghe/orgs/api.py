"""/api/v1/organizations: the scoped tree over the same forms, services and scope as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Field as ModelField
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging
from ronghe.core.errors import InvalidInput
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.orgs import services
from ronghe.orgs.forms import OrganizationForm, UnitForm
from ronghe.orgs.models import Organization, Unit
from ronghe.orgs.queries import org_rows, organizations_for_user, unit_for_user_or_404, units_for_user

router = Router(tags=["党组织"])
PREFIX = "organizations"


class OrgOut(Schema):
    code: UUID
    name: str
    kind: str
    kind_display: str
    parent_code: UUID | None
    unit: str | None
    joint_units: list[str] = Field(..., description="联合党支部覆盖的单位名称")
    depth: int
    founded_on: date | None
    term_years: int
    last_election_on: date | None
    is_active: bool = Field(..., description="撤销后为 false")
    dissolved_on: date | None = Field(None, description="撤销日期")
    dissolution_ref: str = Field("", description="批准撤销的文号")


class DissolveIn(Schema):
    dissolved_on: date = Field(..., description="撤销日期（不晚于今天、不早于成立日期）")
    approval_ref: str = Field(..., max_length=100, description="上级党组织批准撤销的文号")


class OrgRefOut(Schema):
    code: UUID
    name: str
    kind: str


class OrgDetailOut(OrgOut):
    members: int
    full_members: int
    subtree_members: int
    secretary: str
    next_election_due: date | None
    warnings: list[dict[str, str]]


class OrgPage(Schema):
    count: int
    items: list[OrgOut]


class OrgFilters(Paging):
    kind: str | None = None
    q: str | None = Field(None, max_length=50)
    parent: UUID | None = None


class OrgIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: str
    parent_code: UUID
    unit: str | None = Field(None, description="单位名称")
    founded_on: date | None = None
    term_years: int | None = Field(None, ge=1, le=10)
    last_election_on: date | None = None
    joint_units: list[str] = Field([], description="联合党支部覆盖的单位名称（仅联合党支部）")


class OrgPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: str | None = None
    unit: str | None = None
    founded_on: date | None = None
    term_years: int | None = Field(None, ge=1, le=10)
    last_election_on: date | None = None
    joint_units: list[str] | None = Field(None, description="联合党支部覆盖的单位名称；不填则不变")


def _out(org: Organization) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "kind_display": org.get_kind_display(),
        "parent_code": org.parent.code if org.parent is not None else None,
        "unit": org.unit.name if org.unit is not None else None,
        "joint_units": [u.name for u in org.joint_units.all()],
        "depth": org.depth,
        "founded_on": org.founded_on,
        "term_years": org.term_years,
        "last_election_on": org.last_election_on,
        "is_active": org.is_active,
        "dissolved_on": org.dissolved_on,
        "dissolution_ref": org.dissolution_ref,
    }


def _need(request: ApiRequest, perm: str) -> None:
    if not has_perm_anywhere(request.auth, perm):
        raise HttpError(403, "您没有执行此操作的权限")


def _unit_keys(names: list[str], field: str) -> list[str]:
    """Units the API names, as the form's keys; a name that is no unit is refused on its field."""
    units = dict(Unit.objects.filter(name__in=names).values_list("name", "pk"))
    missing = [n for n in names if n not in units]
    if missing:
        model_field = Organization._meta.get_field(field)
        label = str(model_field.verbose_name) if isinstance(model_field, ModelField) else field
        raise InvalidInput({field: [f"没有名为“{n}”的单位" for n in missing]}, {field: label})
    return [str(units[n]) for n in names]


def _form_data(values: dict[str, Any]) -> dict[str, Any]:
    """The API's values as the organization form reads them (units by name)."""
    data: dict[str, Any] = {k: ("" if v is None else str(v)) for k, v in values.items()}
    data["unit"] = _unit_keys([values["unit"]], "unit")[0] if values.get("unit") else ""
    data["joint_units"] = _unit_keys(list(values.get("joint_units") or []), "joint_units")
    return data


@router.get("", response={200: OrgPage, **ERRORS}, summary="党组织列表")
def list_organizations(request: ApiRequest, filters: Query[OrgFilters]) -> dict[str, Any]:
    _need(request, "orgs.view")
    qs = organizations_for_user(request.auth).select_related("parent", "unit")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    items = [_out(o) for o in filters.window(qs.order_by("path").prefetch_related("joint_units"))]
    return {"count": qs.count(), "items": items}


@router.get("/{code}", response={200: OrgDetailOut, **ERRORS}, summary="党组织详情")
def get_organization(request: ApiRequest, code: UUID) -> dict[str, Any]:
    org = get_for_user_or_404(
        Organization.objects.select_related("parent", "unit"), request.auth, perm="orgs.view", code=code
    )
    row = next(r for r in org_rows(org.subtree(), timezone.localdate()) if r.org.pk == org.pk)
    return {
        **_out(org),
        "members": row.members,
        "full_members": row.full_members,
        "subtree_members": row.subtree_members,
        "secretary": row.secretary,
        "next_election_due": row.next_election,
        "warnings": [{"code": w.code, "level": w.level, "message": w.message} for w in row.warnings],
    }


@router.post("", response={201: OrgOut, **ERRORS}, summary="新建党组织")
def create_organization(request: ApiRequest, payload: OrgIn) -> Status[dict[str, Any]]:
    _need(request, "orgs.edit")
    values = payload.dict()
    values["parent"] = values.pop("parent_code")
    form = OrganizationForm(_form_data(values), user=request.auth)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    org = services.create_organization(actor=request.auth, **form.service_kwargs())
    return Status(201, _out(org))


@router.patch("/{code}", response={200: OrgOut, **ERRORS}, summary="修改党组织")
def update_organization(request: ApiRequest, code: UUID, payload: OrgPatch) -> Status[dict[str, Any]]:
    org = get_for_user_or_404(
        Organization.objects.select_related("parent", "unit"), request.auth, perm="orgs.edit", code=code
    )
    current = {
        "name": org.name,
        "kind": org.kind,
        "unit": org.unit.name if org.unit is not None else None,
        "founded_on": org.founded_on,
        "term_years": org.term_years,
        "last_election_on": org.last_election_on,
        "joint_units": [u.name for u in org.joint_units.all()],
    }
    current.update(payload.dict(exclude_unset=True))
    form = OrganizationForm(
        _form_data(current), instance=Organization.objects.get(pk=org.pk), user=request.auth
    )
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    services.update_organization(actor=request.auth, org=org, **form.service_kwargs())
    org.refresh_from_db()
    return Status(200, _out(org))


@router.post("/{code}/dissolve", response={200: OrgOut, **ERRORS}, summary="撤销党组织")
def dissolve_organization(request: ApiRequest, code: UUID, payload: DissolveIn) -> Status[dict[str, Any]]:
    """撤销 as on the organization's page: refused (422, the rule named) while members or organizations
    remain, for the root, a date after today or before its founding, or without the approval number."""
    org = get_for_user_or_404(
        Organization.objects.select_related("parent", "unit"), request.auth, perm="orgs.edit", code=code
    )
    org = services.dissolve_organization(
        actor=request.auth,
        org=org,
        on=payload.dissolved_on,
        approval_ref=payload.approval_ref,
        today=timezone.localdate(),
    )
    return Status(200, _out(org))


# ---------------------------------------------------------------- /api/v1/units

unit_router = Router(tags=["单位"])
ROUTERS = {PREFIX: router, "units": unit_router}


class LeaderOut(Schema):
    name: str
    title: str
    is_party_group_member: bool


class DepartmentOut(Schema):
    code: UUID
    name: str
    head_name: str


class UnitOut(Schema):
    code: UUID
    name: str
    short_name: str
    kind: str
    kind_display: str
    credit_code: str
    staff_count: int


class UnitDetailOut(UnitOut):
    organizations: list[OrgRefOut]
    leaders: list[LeaderOut]
    departments: list[DepartmentOut]


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class UnitFilters(Paging):
    kind: str | None = Field(None, max_length=30)
    q: str | None = Field(None, max_length=50)


class UnitIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    short_name: str = Field("", max_length=40)
    kind: str = Field("other", max_length=30)
    credit_code: str = Field("", max_length=40, description="统一社会信用代码（GB 32100 校验）")
    credit_code_confirmed: bool = Field(False, description="校验位不符但确认与证照一致")
    staff_count: int = Field(0, ge=0, le=1_000_000)


class UnitPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    short_name: str | None = Field(None, max_length=40)
    kind: str | None = Field(None, max_length=30)
    credit_code: str | None = Field(None, max_length=40)
    credit_code_confirmed: bool = False
    staff_count: int | None = Field(None, ge=0, le=1_000_000)


def _unit_out(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "kind_display": unit.get_kind_display(),
        "credit_code": unit.credit_code,
        "staff_count": unit.staff_count,
    }


def _unit_form(values: dict[str, Any]) -> UnitForm:
    data = {k: ("" if v is None else v) for k, v in values.items()}
    if not data.get("credit_code_confirmed"):
        data.pop("credit_code_confirmed", None)
    form = UnitForm(data)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    return form


@unit_router.get("", response={200: UnitPage, **ERRORS}, summary="单位列表")
def list_units(request: ApiRequest, filters: Query[UnitFilters]) -> dict[str, Any]:
    _need(request, "orgs.view")
    qs = units_for_user(request.auth).order_by("name")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    return {"count": qs.count(), "items": [_unit_out(u) for u in filters.window(qs)]}


@unit_router.get("/{code}", response={200: UnitDetailOut, **ERRORS}, summary="单位详情")
def get_unit(request: ApiRequest, code: UUID) -> dict[str, Any]:
    unit = unit_for_user_or_404(request.auth, code)
    organizations = Organization.objects.filter(unit=unit).order_by("path")
    return {
        **_unit_out(unit),
        "organizations": [{"code": o.code, "name": o.name, "kind": o.kind} for o in organizations],
        "leaders": [
            {"name": x.name, "title": x.title, "is_party_group_member": x.is_party_group_member}
            for x in unit.leaders.all()
        ],
        "departments": [
            {"code": d.code, "name": d.name, "head_name": d.head_name} for d in unit.departments.all()
        ],
    }


@unit_router.post("", response={201: UnitOut, **ERRORS}, summary="登记单位")
def create_unit(request: ApiRequest, payload: UnitIn) -> Status[dict[str, Any]]:
    if not services.can_manage_units(request.auth):
        raise HttpError(403, "您没有执行此操作的权限")
    form = _unit_form(payload.dict())
    unit = services.create_unit(actor=request.auth, **form.service_kwargs())
    return Status(201, _unit_out(unit))


@unit_router.patch("/{code}", response={200: UnitOut, **ERRORS}, summary="修改单位")
def update_unit(request: ApiRequest, code: UUID, payload: UnitPatch) -> Status[dict[str, Any]]:
    unit = unit_for_user_or_404(request.auth, code)
    if not services.can_manage_units(request.auth, unit):
        raise HttpError(403, "您没有执行此操作的权限")
    current: dict[str, Any] = {f: getattr(unit, f) for f in services.UNIT_FIELDS}
    current.update(payload.dict(exclude_unset=True))
    form = _unit_form(current)
    services.update_unit(actor=request.auth, unit=unit, **form.service_kwargs())
    return Status(200, _unit_out(unit))
