"""学习教育 under /api/v1/education: training classes, members' 学时 against their requirement, and the
学习强国 ranking among units — scoped like the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging, year_param
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere, scoped
from ronghe.education import queries
from ronghe.education.models import SessionAttendance, TrainingClass
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member

router = Router(tags=["学习教育"])
VIEW = "education.view"


def _need(request: ApiRequest) -> None:
    if not has_perm_anywhere(request.auth, VIEW):
        raise HttpError(403, "您没有访问此接口的权限")


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


class ClassOut(Schema):
    code: UUID
    title: str
    audience: str = Field(..., description="培训对象")
    organization: str
    starts_on: date
    ends_on: date
    members: int = Field(..., description="学员人数")
    sessions: int = Field(..., description="课程数")


@router.get("/classes", response={200: list[ClassOut], **ERRORS}, summary="培训班（权限范围内）")
def classes(
    request: ApiRequest, paging: Query[Paging], year: int | None = year_param()
) -> list[dict[str, Any]]:
    _need(request)
    rows = queries.classes_for_user(request.auth).filter(year=_year(year)).order_by("-starts_on", "-id")
    return [
        {
            "code": c.code,
            "title": c.title,
            "audience": c.get_audience_display(),
            "organization": c.organization.name,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "members": c.n_members,  # type: ignore[attr-defined]
            "sessions": c.n_sessions,  # type: ignore[attr-defined]
        }
        for c in paging.window(rows)
    ]


class TrainingAttendanceOut(Schema):
    session: str
    starts_at: str
    member: str
    hours: Decimal
    source: str


@router.get(
    "/classes/{code}/attendance",
    response={200: list[TrainingAttendanceOut], **ERRORS},
    summary="培训班签到与学时",
)
def class_attendance(request: ApiRequest, code: UUID, paging: Query[Paging]) -> list[dict[str, Any]]:
    tc = get_for_user_or_404(TrainingClass.objects.all(), request.auth, perm=VIEW, code=code)
    rows = (
        SessionAttendance.objects.filter(session__training_class=tc)
        .select_related("session", "member")
        .order_by("session__starts_at", "member__name")
    )
    return [
        {
            "session": a.session.title,
            "starts_at": timezone.localtime(a.session.starts_at).isoformat(),
            "member": a.member.name,
            "hours": a.hours,
            "source": a.get_source_display(),
        }
        for a in paging.window(rows)
    ]


class HoursOut(Schema):
    member_code: UUID
    name: str
    organization: str
    hours: Decimal = Field(..., description="本年度已完成学时")
    required: Decimal = Field(..., description="年度学时要求（32 或书记、委员 56）")
    behind: bool


@router.get("/hours", response={200: list[HoursOut], **ERRORS}, summary="党员年度学时（权限范围内）")
def hours(
    request: ApiRequest, paging: Query[Paging], year: int | None = year_param(), behind: bool = False
) -> list[dict[str, Any]]:
    _need(request)
    y = _year(year)
    today = timezone.localdate()
    members = list(
        scoped(Member.objects.filter(status__in=ACTIVE_STATUSES), request.auth, VIEW)
        .select_related("organization")
        .order_by("organization__path", "name")
    )
    codes = {m.pk: m.code for m in members}
    rows = queries.member_hours(members, y, min(today, date(y, 12, 31)))
    if behind:
        rows = [r for r in rows if r.behind]
    return [
        {
            "member_code": codes[r.member_id],
            "name": r.name,
            "organization": r.organization,
            "hours": r.hours,
            "required": r.required,
            "behind": r.behind,
        }
        for r in paging.window(rows)
    ]


class StudyRankOut(Schema):
    rank: int = Field(..., description="名次；0 为无在册党员不参与排名")
    unit: str
    members: int
    participants: int = Field(..., description="有学习积分的党员人数")
    participation: Decimal | None = Field(None, description="参学率（%）")
    per_capita: Decimal | None = Field(None, description="人均学习积分")


@router.get("/xuexi-ranking", response={200: list[StudyRankOut], **ERRORS}, summary="学习强国各单位排名")
def xuexi_ranking(
    request: ApiRequest, year: int | None = year_param(), month: str = ""
) -> list[dict[str, Any]]:
    _need(request)
    return [
        {
            "rank": rank,
            "unit": u.name,
            "members": u.members,
            "participants": u.participants,
            "participation": u.participation,
            "per_capita": u.per_capita,
        }
        for rank, u in queries.study_ranking(request.auth, _year(year), month)
    ]
