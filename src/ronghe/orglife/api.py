"""Organizational life API: meetings, attendance and compliance, scoped like the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere
from ronghe.orglife import queries, services
from ronghe.orglife.choices import AttendanceStatus, MeetingKind
from ronghe.orglife.compliance import compliance_in_scope
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
    agenda: str = ""
    minutes: str = ""
    attendance: list[AttendanceIn] = []


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
    }


def _require(request: HttpRequest, perm: str) -> None:
    if not has_perm_anywhere(request.auth, perm):
        raise HttpError(403, "您没有访问组织生活的权限")


@router.get("/meetings", response=list[MeetingOut], summary="会议列表")
def list_meetings(request: HttpRequest, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    _require(request, "orglife.view")
    limit = max(1, min(limit, 200))
    qs = queries.meetings_for_user(request.auth).order_by("-held_at", "-id")[
        max(offset, 0) : max(offset, 0) + limit
    ]
    return [_meeting_out(m) for m in qs]


@router.get("/meetings/{code}", response=MeetingOut, summary="会议详情")
def get_meeting(request: HttpRequest, code: UUID) -> dict[str, Any]:
    _require(request, "orglife.view")
    return _meeting_out(
        get_for_user_or_404(
            Meeting.objects.select_related("organization"), request.auth, perm="orglife.view", code=code
        )
    )


@router.get("/meetings/{code}/attendance", response=list[AttendanceOut], summary="出席情况")
def get_attendance(request: HttpRequest, code: UUID) -> list[dict[str, Any]]:
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


@router.post("/meetings", response={201: MeetingOut}, summary="记录会议")
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status:
    _require(request, "orglife.edit")
    org = get_for_user_or_404(Organization, request.auth, perm="orglife.edit", code=payload.organization_code)
    members = {m.code: m for m in services.members_for_attendance(org)}
    entries = {}
    for a in payload.attendance:
        member = members.get(a.member_code)
        if member is None:
            raise HttpError(422, "出席名单中有不属于该党组织的党员")
        entries[member.pk] = services.AttendanceEntry(a.status, a.reason)
    data = payload.dict(include={"kind", "title", "held_at", "ends_at", "place", "agenda", "minutes"})
    if timezone.is_naive(data["held_at"]):
        raise HttpError(422, "开始时间须带时区")
    try:
        meeting = services.record_meeting(actor=request.auth, organization=org, data=data, attendance=entries)
    except services.OrgLifeError as exc:
        raise HttpError(422, exc.message) from exc
    return Status(201, _meeting_out(meeting))


@router.get("/compliance", response=list[ComplianceOut], summary="组织生活落实情况")
def compliance(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    _require(request, "orglife.view")
    today = timezone.localdate()
    year = year or today.year
    if not 2000 <= year <= 2100:
        raise HttpError(422, "年度无效")
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
