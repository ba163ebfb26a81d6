"""/api/v1/organizations: the scoped tree over the same forms, services and scope as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.orgs import services
from ronghe.orgs.forms import OrganizationForm
from ronghe.orgs.models import Organization
from ronghe.orgs.queries import org_rows, organizations_for_user

router = Router(tags=["党组织"])
PREFIX = "organizations"


class ErrorOut(Schema):
    errors: dict[str, list[str]]


class OrgOut(Schema):
    code: UUID
    name: str
    kind: str
    kind_display: str
    parent_code: UUID | None
    unit: str | None
    depth: int
    founded_on: date | None
    term_years: int
    last_election_on: date | None


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


class OrgFilters(Schema):
    kind: str | None = None
    q: str | None = Field(None, max_length=50)
    parent: UUID | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class OrgIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: str
    parent_code: UUID
    unit: str | None = Field(None, description="单位名称")
    founded_on: date | None = None
    term_years: int | None = Field(None, ge=1, le=10)
    last_election_on: date | None = None


class OrgPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: str | None = None
    unit: str | None = None
    founded_on: date | None = None
    term_years: int | None = Field(None, ge=1, le=10)
    last_election_on: date | None = None


def _out(org: Organization) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "kind_display": org.get_kind_display(),
        "parent_code": org.parent.code if org.parent_id else None,
        "unit": org.unit.name if org.unit_id else None,
        "depth": org.depth,
        "founded_on": org.founded_on,
        "term_years": org.term_years,
        "last_election_on": org.last_election_on,
    }


def _need(request: HttpRequest, perm: str) -> None:
    if not has_perm_anywhere(request.auth, perm):
        raise HttpError(403, "您没有执行此操作的权限")


def _form_data(values: dict[str, Any]) -> dict[str, Any]:
    from ronghe.orgs.models import Unit

    data = {k: ("" if v is None else str(v)) for k, v in values.items()}
    if values.get("unit"):
        unit = Unit.objects.filter(name=values["unit"]).first()
        data["unit"] = str(unit.pk) if unit else "-1"
    return data


@router.get("", response=OrgPage, summary="党组织列表")
def list_organizations(request: HttpRequest, filters: Query[OrgFilters]) -> dict[str, Any]:
    _need(request, "orgs.view")
    qs = organizations_for_user(request.auth).select_related("parent", "unit")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    items = [_out(o) for o in qs.order_by("path")[filters.offset : filters.offset + filters.limit]]
    return {"count": qs.count(), "items": items}


@router.get("/{code}", response=OrgDetailOut, summary="党组织详情")
def get_organization(request: HttpRequest, code: UUID) -> dict[str, Any]:
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


@router.post("", response={201: OrgOut, 422: ErrorOut}, summary="新建党组织")
def create_organization(request: HttpRequest, payload: OrgIn) -> Any:
    _need(request, "orgs.edit")
    values = payload.dict()
    values["parent"] = values.pop("parent_code")
    form = OrganizationForm(_form_data(values), user=request.auth)
    if not form.is_valid():
        return Status(422, {"errors": {k: list(v) for k, v in form.errors.items()}})
    data = form.cleaned_data
    try:
        org = services.create_organization(
            actor=request.auth,
            parent=data["parent"],
            name=data["name"],
            kind=data["kind"],
            unit=data["unit"],
            founded_on=data["founded_on"],
            term_years=data["term_years"],
            last_election_on=data["last_election_on"],
        )
    except services.OrganizationError as exc:
        return Status(422, {"errors": {"__all__": [str(exc)]}})
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return Status(201, _out(org))


@router.patch("/{code}", response={200: OrgOut, 422: ErrorOut}, summary="修改党组织")
def update_organization(request: HttpRequest, code: UUID, payload: OrgPatch) -> Any:
    try:
        org = get_for_user_or_404(
            Organization.objects.select_related("parent", "unit"), request.auth, perm="orgs.edit", code=code
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    current = {
        "name": org.name,
        "kind": org.kind,
        "unit": org.unit.name if org.unit_id else None,
        "founded_on": org.founded_on,
        "term_years": org.term_years,
        "last_election_on": org.last_election_on,
    }
    current.update(payload.dict(exclude_unset=True))
    form = OrganizationForm(
        _form_data(current), instance=Organization.objects.get(pk=org.pk), user=request.auth
    )
    if not form.is_valid():
        return Status(422, {"errors": {k: list(v) for k, v in form.errors.items()}})
    data = form.cleaned_data
    try:
        services.update_organization(
            actor=request.auth,
            org=org,
            **{k: data[k] for k in ("name", "kind", "unit", "founded_on", "term_years", "last_election_on")},
        )
    except services.OrganizationError as exc:
        return Status(422, {"errors": {"__all__": [str(exc)]}})
    org.refresh_from_db()
    return Status(200, _out(org))
