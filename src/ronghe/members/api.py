"""/api/v1/members: the scoped roster. Numbers are masked unless the caller holds
members.view_sensitive there and asks with ?reveal=true (audited)."""

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
from ronghe.members import queries, services
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.forms import MEMBER_FIELDS, MemberForm
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

router = Router(tags=["党员"])
PREFIX = "members"


class ErrorOut(Schema):
    errors: dict[str, list[str]]


class MemberOut(Schema):
    code: UUID
    name: str
    gender: str
    ethnicity: str
    birth_date: date
    age: int
    id_number: str
    phone: str
    native_place: str
    education: str
    degree: str
    occupation: str
    work_position: str
    party_post: str
    joined_on: date
    full_on: date | None
    party_standing: int | None
    political_birthday: str
    status: str
    status_display: str
    organization_code: UUID
    organization_name: str
    work_started_on: date | None
    remarks: str


class MemberPage(Schema):
    count: int
    items: list[MemberOut]


class MemberFilters(Schema):
    organization: UUID | None = Field(None, description="党组织 code（含下级）")
    status: str | None = Field(None, description="状态；不填为在册党员，all 为全部")
    q: str | None = Field(None, max_length=50)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class MemberIn(Schema):
    organization_code: UUID
    status: str = "full"
    name: str = Field(..., min_length=1, max_length=50)
    gender: str
    ethnicity: str = Field("汉族", max_length=20)
    birth_date: date | None = None
    id_number: str | None = Field(None, max_length=30)
    phone: str | None = Field(None, max_length=20)
    native_place: str = Field("", max_length=50)
    education: str = ""
    degree: str = Field("", max_length=20)
    occupation: str = ""
    work_position: str = Field("", max_length=100)
    party_post: str = Field("", max_length=50)
    joined_on: date
    full_on: date | None = None
    work_started_on: date | None = None
    remarks: str = Field("", max_length=2000)


class MemberPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    gender: str | None = None
    ethnicity: str | None = Field(None, max_length=20)
    birth_date: date | None = None
    id_number: str | None = Field(None, max_length=30)
    phone: str | None = Field(None, max_length=20)
    native_place: str | None = Field(None, max_length=50)
    education: str | None = None
    degree: str | None = Field(None, max_length=20)
    occupation: str | None = None
    work_position: str | None = Field(None, max_length=100)
    party_post: str | None = Field(None, max_length=50)
    joined_on: date | None = None
    full_on: date | None = None
    work_started_on: date | None = None
    remarks: str | None = Field(None, max_length=2000)


def _out(m: Member, revealed: dict[str, str] | None = None) -> dict[str, Any]:
    d = queries.derived(m, timezone.localdate())
    out = {name: getattr(m, name) for name in MEMBER_FIELDS}
    out.update(
        code=m.code,
        age=d.age,
        party_standing=d.party_standing,
        political_birthday=d.political_birthday,
        id_number=(revealed or {}).get("id_number", m.id_number_masked),
        phone=(revealed or {}).get("phone", m.phone_masked),
        status=m.status,
        status_display=m.get_status_display(),
        organization_code=m.organization.code,
        organization_name=m.organization.name,
    )
    return out


def _form_data(values: dict[str, Any]) -> dict[str, str]:
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


def _errors(form: MemberForm) -> tuple[int, dict[str, Any]]:
    return Status(422, {"errors": {k: list(v) for k, v in form.errors.items()}})


@router.get("", response=MemberPage, summary="党员列表")
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> dict[str, Any]:
    if not has_perm_anywhere(request.auth, "members.view"):
        raise HttpError(403, "您没有查看党员的权限")
    qs = queries.members_for_user(request.auth)
    if filters.organization:
        org = Organization.objects.filter(code=filters.organization).first()
        qs = qs.filter(organization__path__startswith=org.path) if org else qs.none()
    if not filters.status:
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif filters.status != "all":
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    qs = qs.order_by("organization__path", "name", "id")
    return {
        "count": qs.count(),
        "items": [_out(m) for m in qs[filters.offset : filters.offset + filters.limit]],
    }


@router.get("/{code}", response=MemberOut, summary="党员详情")
def get_member(request: HttpRequest, code: UUID, reveal: bool = False) -> dict[str, Any]:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.auth, perm="members.view", code=code
    )
    if not reveal:
        return _out(member)
    try:
        return _out(member, services.unmask(actor=request.auth, member=member))
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc


@router.post("", response={201: MemberOut, 422: ErrorOut}, summary="登记党员")
def create_member(request: HttpRequest, payload: MemberIn) -> Any:
    if not has_perm_anywhere(request.auth, "members.edit"):
        raise HttpError(403, "您没有维护党员的权限")
    values = payload.dict()
    values["organization"] = values.pop("organization_code")
    form = MemberForm(_form_data(values), user=request.auth)
    if not form.is_valid():
        return _errors(form)
    data = form.cleaned_data
    try:
        member = services.create_member(
            actor=request.auth,
            organization=data["organization"],
            status=data["status"],
            id_number=data["id_number"],
            phone=data["phone"],
            **form.member_fields(),
        )
    except services.MemberError as exc:
        return Status(422, {"errors": {"__all__": [str(exc)]}})
    return Status(201, _out(member))


@router.patch("/{code}", response={200: MemberOut, 422: ErrorOut}, summary="修改党员信息")
def update_member(request: HttpRequest, code: UUID, payload: MemberPatch) -> Any:
    try:
        member = get_for_user_or_404(
            Member.objects.select_related("organization"), request.auth, perm="members.edit", code=code
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    current: dict[str, Any] = {name: getattr(member, name) for name in MEMBER_FIELDS}
    current.update(payload.dict(exclude_unset=True))
    form = MemberForm(_form_data(current), instance=Member.objects.get(pk=member.pk), user=request.auth)
    if not form.is_valid():
        return _errors(form)
    data = form.cleaned_data
    try:
        member = services.update_member(
            actor=request.auth,
            member=member,
            id_number=data["id_number"] or None,
            phone=data["phone"] or None,
            **form.member_fields(),
        )
    except services.MemberError as exc:
        return Status(422, {"errors": {"__all__": [str(exc)]}})
    return Status(200, _out(member))
