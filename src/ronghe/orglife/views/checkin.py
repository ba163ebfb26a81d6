"""Meeting check-in pages: the organizer opens check-in and shows the code (a projector mode), members
enter the code or scan it on their phone. The code and window rules are core/checkin's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import checkin as checkin_codes
from ronghe.core.permissions import require
from ronghe.orglife import rules, services
from ronghe.orglife.choices import AttendanceStatus
from ronghe.orglife.models import Attendance, Meeting, OrgLifePolicy
from ronghe.orglife.views.meetings import _meeting


@require("orglife.edit")
@require_POST
def checkin_open(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    meeting = _meeting(request, code, "orglife.edit")
    try:
        services.open_checkin(actor=request.user, meeting=meeting)
    except services.OrgLifeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "签到码已生成")
    return redirect("orglife:meeting-detail", code=meeting.code)


def _projector_context(request: AuthenticatedRequest, meeting: Meeting) -> dict[str, Any]:
    rows = list(meeting.attendances.values_list("status", flat=True))
    now = timezone.now()
    ctx: dict[str, Any] = {
        "meeting": meeting,
        "expected": len(rows),
        "present": sum(1 for s in rows if s == AttendanceStatus.PRESENT),
        "now": now,
    }
    if meeting.checkin_code and meeting.checkin_expires_at and meeting.checkin_expires_at > now:
        url = request.build_absolute_uri(reverse("orglife:checkin", kwargs={"code": meeting.checkin_code}))
        ctx["checkin_url"] = url
        ctx["checkin_qr"] = checkin_codes.qr_svg(url, scale=12, fit=True)
    return ctx


@require("orglife.edit")
def checkin_projector(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """投屏签到: the QR code large, the code beneath it, and 已签到 x/y refreshed every few seconds
    (htmx polls this same view for the count)."""
    meeting = _meeting(request, code, "orglife.edit")
    ctx = _projector_context(request, meeting)
    if request.headers.get("HX-Request"):
        return render(request, "orglife/_projector_count.html", ctx)
    return render(request, "orglife/checkin_projector.html", ctx)


def _checkin_meeting(request: AuthenticatedRequest, code: str) -> tuple[Meeting, Attendance]:
    meeting = Meeting.objects.select_related("organization").filter(checkin_code=code).first()
    member_id = getattr(request.user, "member_id", None)
    row = meeting.attendances.filter(member_id=member_id).first() if meeting and member_id else None
    if meeting is None or row is None:
        raise Http404("签到码无效，或您不是该党组织的党员")
    return meeting, row


@require("self.view")
def checkin_enter(request: AuthenticatedRequest) -> HttpResponse:
    """去签到 from the phone home: the member types the code shown under the meeting's QR code (or scans
    it with the phone's camera, which opens the check-in page itself); being shown the code is what
    proves presence, so the home page does not hand it out."""
    raw = request.GET.get("code", "").strip()
    error = None
    if raw:
        if Meeting.objects.filter(checkin_code=raw).exists():
            return redirect("orglife:checkin", code=raw)
        error = "签到码不正确或已过期，请核对会场屏幕上的签到码"
    return render(
        request,
        "orglife/checkin_enter.html",
        {"code": raw, "error": error, "breadcrumbs": [("会议签到", None)]},
        status=400 if error else 200,
    )


@require("self.view")
def checkin(request: AuthenticatedRequest, code: str) -> HttpResponse:
    meeting, row = _checkin_meeting(request, code)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "in")
        try:
            if action == "out":
                services.check_out(user=request.user, code=code)
                messages.success(request, "签退成功")
            else:
                services.check_in(user=request.user, code=code)
                messages.success(request, "签到成功")
        except services.OrgLifeError as exc:
            error = exc.message
        else:
            return redirect("orglife:checkin", code=code)
        row.refresh_from_db()
    policy = OrgLifePolicy.current()
    start, end = rules.checkin_window(
        held_at=meeting.held_at, ends_at=meeting.ends_at, early_minutes=policy.checkin_early_minutes
    )
    return render(
        request,
        "orglife/checkin.html",
        {
            "meeting": meeting,
            "row": row,
            "error": error,
            "window_start": start,
            "window_end": end,
            "subtitle": " · ".join(
                x
                for x in (
                    meeting.organization.name,
                    f"{timezone.localtime(meeting.held_at):%Y-%m-%d %H:%M}",
                    meeting.place,
                )
                if x
            ),
        },
        status=400 if error else 200,
    )
