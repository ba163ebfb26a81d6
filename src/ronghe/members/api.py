"""/api/v1/members: the scoped roster. Numbers are masked unless the caller holds
members.view_sensitive there and asks with ?reveal=true (audited)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging
from ronghe.core.errors import InvalidInput
from ronghe.core.readcache import page_total
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.members import queries, rules, services
from ronghe.members.choices import ACTIVE_STATUSES, MemberStatus
from ronghe.members.forms import MEMBER_FIELDS, MemberForm
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

router = Router(tags=["党员"])
PREFIX = "members"


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


class MemberFilters(Paging):
    organization: UUID | None = Field(None, description="党组织 code（含下级）")
    status: str | None = Field(None, description="状态；不填为在册党员，all 为全部")
    q: str | None = Field(None, max_length=50)


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
    today = timezone.localdate()
    out = {name: getattr(m, name) for name in MEMBER_FIELDS}
    out.update(
        code=m.code,
        age=rules.age(m.birth_date, today),
        party_standing=rules.party_standing(m.full_on, today),
        political_birthday=rules.political_birthday(m.joined_on),
        id_number=(revealed or {}).get("id_number", m.id_number_masked),
        phone=(revealed or {}).get("phone", m.phone_masked),
        status=m.status,
        status_display=_STATUS_LABELS.get(m.status, m.status),
        organization_code=m.organization.code,
        organization_name=m.organization.name,
    )
    return out


_STATUS_LABELS: dict[str, str] = {value: str(label) for value, label in MemberStatus.choices}


def page_response(count: int, items: list[dict[str, Any]]) -> HttpResponse:
    """A `MemberPage` written by pydantic's serializer from rows `_out` built (their types are the
    schema's), without validating them again: ninja's validation of the returned dicts and its JSON
    encoder cost three times the rest of the page's serialization (issue 19 item 3). The body is the
    schema's JSON, non-ASCII text in UTF-8 rather than escaped; `tests/members/test_api.py` checks
    it against the validated output."""
    page = MemberPage.model_construct(count=count, items=[MemberOut.model_construct(**row) for row in items])
    return HttpResponse(page.model_dump_json(), content_type=JSON)


def member_response(row: dict[str, Any]) -> HttpResponse:
    """One `MemberOut`, written like `page_response`."""
    return HttpResponse(MemberOut.model_construct(**row).model_dump_json(), content_type=JSON)


JSON = "application/json; charset=utf-8"


def _form_data(values: dict[str, Any]) -> dict[str, str]:
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


@router.get("", response={200: MemberPage, **ERRORS}, summary="党员列表")
def list_members(request: ApiRequest, filters: Query[MemberFilters]) -> HttpResponse:
    if not has_perm_anywhere(request.auth, "members.view"):
        raise HttpError(403, "您没有查看党员的权限")
    qs = queries.members_for_user(request.auth)
    org = None
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
    page = list(filters.window(qs))
    # a subtree's total is cached like the roster page's (core.readcache), unless the page tells it
    count = page_total("api:members", qs, page, filters.offset, filters.limit)
    items = [_out(m) for m in page]
    services.record_roster_read(
        actor=request.auth, organization=org, shown=len(items), total=count, surface="api"
    )
    return page_response(count, items)


@router.get("/{code}", response={200: MemberOut, **ERRORS}, summary="党员详情")
def get_member(request: ApiRequest, code: UUID, reveal: bool = False) -> HttpResponse:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.auth, perm="members.view", code=code
    )
    if not reveal:
        return member_response(_out(member))
    return member_response(_out(member, services.unmask(actor=request.auth, member=member)))


@router.post("", response={201: MemberOut, **ERRORS}, summary="登记党员")
def create_member(request: ApiRequest, payload: MemberIn) -> Status[dict[str, Any]]:
    if not has_perm_anywhere(request.auth, "members.edit"):
        raise HttpError(403, "您没有维护党员的权限")
    values = payload.dict()
    values["organization"] = values.pop("organization_code")
    form = MemberForm(_form_data(values), user=request.auth)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    member = services.create_member(actor=request.auth, **form.service_kwargs())
    return Status(201, _out(member))


@router.patch("/{code}", response={200: MemberOut, **ERRORS}, summary="修改党员信息")
def update_member(request: ApiRequest, code: UUID, payload: MemberPatch) -> Status[dict[str, Any]]:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.auth, perm="members.edit", code=code
    )
    current: dict[str, Any] = {name: getattr(member, name) for name in MEMBER_FIELDS}
    current.update(payload.dict(exclude_unset=True))
    form = MemberForm(_form_data(current), instance=Member.objects.get(pk=member.pk), user=request.auth)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    member = services.update_member(actor=request.auth, member=member, **form.service_kwargs())
    return Status(200, _out(member))
