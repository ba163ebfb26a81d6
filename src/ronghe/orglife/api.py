"""Organizational life API: meetings, attendance and compliance, scoped like the pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging, year_param
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.members.models import Member
from ronghe.orglife import queries, services
from ronghe.orglife.choices import AttendanceStatus, MeetingKind
from ronghe.orglife.compliance import compliance_in_scope
from ronghe.orglife.forms import MeetingForm
from ronghe.orglife.models import Meeting
from ronghe.orgs.models import Organization

router = Router(tags=["组织生活"])


class MeetingOut(Schema):
    code: UUID
    organization: str
    organization_code: UUID
    kind: str
    title: str
    held_at: datetime
    ends_at: datetime | None
    place: str
    entered_late: bool
    state: str = Field(
        description="planned（已安排：未开始或尚有人员未标记，不计出席、积分和落实情况）或 held（已召开）"
    )


class AttendanceOut(Schema):
    member: str
    member_code: UUID
    status: str
    reason: str
    is_voter: bool
    checked_in_at: datetime | None


class AttendanceIn(Schema):
    member_code: UUID
    status: AttendanceStatus
    reason: str = Field("", max_length=200)


class MeetingIn(Schema):
    organization_code: UUID
    kind: MeetingKind
    title: str = Field(..., min_length=1, max_length=200)
    held_at: datetime
    ends_at: datetime | None = None
    place: str = Field("", max_length=100)
    host_code: UUID | None = Field(None, description="主持人（应到人员之一）的 code")
    recorder_code: UUID | None = Field(None, description="记录人（应到人员之一）的 code")
    agenda: str = ""
    minutes: str = ""
    remarks: str = Field("", description="发言情况")
    sitting_in: str = Field("", description="列席人员，每行一人：姓名 单位/职务")
    requires_sign_out: bool = False
    attendance: list[AttendanceIn] = Field(
        [],
        description="未列出的应到人员为未标记。已开始的会议须标记全部应到人员；未开始的会议只能提前登记请假",
    )


class ComplianceOut(Schema):
    organization: str
    organization_code: UUID
    met: int
    overdue: int
    due_soon: int
    not_due: int
    rate: float | None


def _meeting_out(m: Meeting) -> dict[str, Any]:
    return {
        "code": m.code,
        "organization": m.organization.name,
        "organization_code": m.organization.code,
        "kind": m.kind,
        "title": m.title,
        "held_at": m.held_at,
        "ends_at": m.ends_at,
        "place": m.place,
        "entered_late": m.entered_late,
        "state": m.state,
    }


def _require(request: ApiRequest, perm: str) -> None:
    if not has_perm_anywhere(request.auth, perm):
        raise HttpError(403, "您没有访问组织生活的权限")


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS}, summary="会议列表")
def list_meetings(request: ApiRequest, paging: Query[Paging]) -> list[dict[str, Any]]:
    _require(request, "orglife.view")
    services.advance_meetings()  # as on the page: started meetings already complete are held
    qs = queries.meetings_for_user(request.auth).order_by("-held_at", "-id")
    return [_meeting_out(m) for m in paging.window(qs)]


@router.get("/meetings/{code}", response={200: MeetingOut, **ERRORS}, summary="会议详情")
def get_meeting(request: ApiRequest, code: UUID) -> dict[str, Any]:
    _require(request, "orglife.view")
    meeting = get_for_user_or_404(
        Meeting.objects.select_related("organization"), request.auth, perm="orglife.view", code=code
    )
    services.advance_meetings(meeting=meeting)
    return _meeting_out(meeting)


@router.get("/meetings/{code}/attendance", response={200: list[AttendanceOut], **ERRORS}, summary="出席情况")
def get_attendance(request: ApiRequest, code: UUID) -> list[dict[str, Any]]:
    _require(request, "orglife.view")
    meeting = get_for_user_or_404(Meeting, request.auth, perm="orglife.view", code=code)
    return [
        {
            "member": a.member.name,
            "member_code": a.member.code,
            "status": a.status,
            "reason": a.reason,
            "is_voter": a.is_voter,
            "checked_in_at": a.checked_in_at,
        }
        for a in meeting.attendances.select_related("member").order_by("member__name")
    ]


# The offsets real time zones use. pydantic takes up to ±23:59 and PostgreSQL stores at most ±15:59:
# a meeting "at -19:02" was a 500 there (found by schemathesis).
MIN_OFFSET, MAX_OFFSET = timedelta(hours=-12), timedelta(hours=14)


def _meeting_day(payload: MeetingIn) -> date:
    for name, label in (("held_at", "开始时间"), ("ends_at", "结束时间")):
        value = getattr(payload, name)
        if value is not None and timezone.is_naive(value):
            raise DomainError(f"{label}须带时区", field=name)
        offset = value.utcoffset() if value is not None else None
        if offset is not None and not MIN_OFFSET <= offset <= MAX_OFFSET:
            raise DomainError(f"{label}的时区偏移须在 -12:00 到 +14:00 之间", field=name)
    return timezone.localdate(payload.held_at)


def _form_data(payload: MeetingIn, members: list[Member]) -> dict[str, Any]:
    """The API's meeting as the page's meeting form reads it (people by code become the form's keys).

    The page and the API then share the form's mapping to the service (`meeting_data`, attendance,
    sitting-in rows), so neither records a field the other drops.
    """
    by_code = {m.code: m for m in members}
    data: dict[str, Any] = payload.dict(
        include={"title", "held_at", "ends_at", "place", "agenda", "minutes", "remarks", "sitting_in"}
    )
    data["kind"] = str(payload.kind)
    if payload.requires_sign_out:
        data["requires_sign_out"] = "on"
    for name, label in (("host", "主持人"), ("recorder", "记录人")):
        code = getattr(payload, f"{name}_code")
        if code is not None and code not in by_code:
            raise DomainError(f"{label}须为本次会议应到人员", field=f"{name}_code")
        data[name] = by_code[code].pk if code is not None else ""
    for a in payload.attendance:
        member = by_code.get(a.member_code)
        if member is None:
            raise DomainError("出席名单中有不属于该党组织的党员", field="attendance")
        data[f"att-{member.pk}"] = str(a.status)
        data[f"reason-{member.pk}"] = a.reason
    return data


@router.post("/meetings", response={201: MeetingOut, **ERRORS}, summary="记录会议")
def create_meeting(request: ApiRequest, payload: MeetingIn) -> Status[dict[str, Any]]:
    _require(request, "orglife.edit")
    org = get_for_user_or_404(Organization, request.auth, perm="orglife.edit", code=payload.organization_code)
    # proposed like the page's list: those expected at this kind of meeting on its day
    members = services.members_for_attendance(org, kind=str(payload.kind), on=_meeting_day(payload))
    form = MeetingForm(_form_data(payload, members), members=members)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    meeting = services.record_meeting(
        actor=request.auth,
        organization=org,
        data=form.meeting_data(),
        attendance=form.cleaned_data["attendance"],
        sitting_in=form.cleaned_data["sitting_in_rows"],
    )
    return Status(201, _meeting_out(meeting))


@router.get("/compliance", response={200: list[ComplianceOut], **ERRORS}, summary="组织生活落实情况")
def compliance(request: ApiRequest, year: int | None = year_param()) -> list[dict[str, Any]]:
    _require(request, "orglife.view")
    today = timezone.localdate()
    year = year or today.year
    return [
        {
            "organization": oc.organization.name,
            "organization_code": oc.organization.code,
            "met": oc.tally.met,
            "overdue": oc.tally.overdue,
            "due_soon": oc.tally.due_soon,
            "not_due": oc.tally.not_due,
            "rate": oc.tally.rate,
        }
        for oc in compliance_in_scope(request.auth, year, today)
    ]
