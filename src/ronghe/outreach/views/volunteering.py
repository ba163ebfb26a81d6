"""志愿服务 pages: activities, publishing one, its QR check-in, and a member's own record on the phone."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import checkin
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.evidence.views import evidence_panel
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere, has_perm_at, scoped
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.outreach import volunteering as services
from ronghe.outreach.forms import ActivityForm, TeamForm
from ronghe.outreach.models import VolunteerActivity, VolunteerRecord, VolunteerTeam


def _nodes(request: AuthenticatedRequest) -> list[Organization]:
    return list(
        scoped(Organization.objects.filter(is_active=True), request.user, services.EDIT).order_by("path")[
            :200
        ]
    )


@require(services.VIEW)
def activity_list(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(
        request, services.activities_for_user(request.user).order_by("-starts_at", "-id"), per_page=20
    )
    return render_page_or_partial(
        request,
        "outreach/activity_list.html",
        {"page": page, "query": query_without_page(request), "can_create": bool(_nodes(request))},
    )


@require(services.EDIT)
def activity_create(request: AuthenticatedRequest) -> HttpResponse:
    nodes = _nodes(request)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = next(n for n in nodes if n.code == UUID(request.POST.get("org", "")))
        except (ValueError, StopIteration):
            form.add_error(None, "请选择您有权组织志愿服务的党组织")
        else:
            try:
                activity = services.create_activity(
                    actor=request.user, organization=org, data=form.cleaned_data
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "志愿服务活动已发布")
                return redirect("outreach:activity-detail", code=activity.code)
    return render(request, "outreach/activity_form.html", {"form": form, "nodes": nodes})


def _activity(request: AuthenticatedRequest, code: UUID, perm: str = services.VIEW) -> VolunteerActivity:
    return get_for_user_or_404(
        VolunteerActivity.objects.select_related("organization"), request.user, perm=perm, code=code
    )


@require(services.VIEW)
def activity_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    activity = _activity(request, code)
    can_edit = has_perm_at(request.user, services.EDIT, activity.organization.path)
    qr = url = ""
    if (
        can_edit
        and activity.checkin_code
        and activity.checkin_expires_at
        and activity.checkin_expires_at > timezone.now()
    ):
        url = request.build_absolute_uri(reverse("outreach:checkin", kwargs={"code": activity.checkin_code}))
        qr = checkin.qr_svg(url)
    records = list(activity.records.select_related("member").order_by("member__name"))
    return render(
        request,
        "outreach/activity_detail.html",
        {"activity": activity, "records": records, "can_edit": can_edit, "qr": qr, "url": url}
        | evidence_panel(request, kind="outreach.activity", object_id=activity.pk),
    )


@require(services.EDIT)
@require_POST
def activity_checkin_open(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    activity = _activity(request, code, services.EDIT)
    try:
        services.open_checkin(actor=request.user, activity=activity)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "签到码已生成，请志愿者扫码签到")
    return redirect("outreach:activity-detail", code=activity.code)


def _own_activity(request: AuthenticatedRequest, activity: VolunteerActivity | None) -> VolunteerActivity:
    member_id = request.user.member_id
    if (
        activity is None
        or not member_id
        or not Member.objects.filter(
            pk=member_id, organization__path__startswith=activity.organization.path
        ).exists()
    ):
        raise Http404("活动不存在，或您不是组织本次活动的党组织的党员")
    return activity


@require("self.view")
@require_POST
def activity_sign_up(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    activity = _own_activity(
        request, VolunteerActivity.objects.select_related("organization").filter(code=code).first()
    )
    try:
        services.sign_up(user=request.user, activity=activity)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已报名“{activity.title}”")
    return redirect("outreach:my-volunteering")


@require("self.view")
def checkin_page(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The phone page the activity's QR code opens: the same check-in as meetings and training."""
    activity = _own_activity(request, services.activity_for_code(code))
    error = ""
    if request.method == "POST":
        try:
            services.check_in(user=request.user, code=code)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"签到成功，计志愿服务 {activity.hours} 小时")
            return redirect("outreach:checkin", code=code)
    row = VolunteerRecord.objects.filter(activity=activity, member_id=request.user.member_id or 0).first()
    start, end = checkin.window(
        starts_at=activity.starts_at, ends_at=activity.ends_at, early_minutes=services.EARLY_MINUTES
    )
    subtitle = f"{activity.organization.name} · {timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M}"
    if activity.place:
        subtitle += f" · {activity.place}"
    return render(
        request,
        "outreach/checkin.html",
        {
            "title": activity.title,
            "subtitle": subtitle,
            "error": error,
            "window_start": start,
            "window_end": end,
            "checked_in_at": row.checked_in_at if row else None,
            "name": request.user.display_name,
        },
        status=400 if error else 200,
    )


@require("self.view")
def my_volunteering(request: AuthenticatedRequest) -> HttpResponse:
    """A member's volunteer record this year (hours) and the activities open to sign up, on the phone."""
    year = timezone.localdate().year
    member = Member.objects.select_related("organization").filter(pk=request.user.member_id or 0).first()
    if member is None:
        return render(request, "outreach/my_volunteering.html", {"member": None, "year": year})
    rows, total = services.member_record(member.pk, year)
    mine = {r.activity_id for r in VolunteerRecord.objects.filter(member=member)}
    return render(
        request,
        "outreach/my_volunteering.html",
        {
            "member": member,
            "year": year,
            "rows": [r for r in rows if r.checked_in_at],
            "total": total,
            "open": [(a, a.pk in mine) for a in services.open_for_member(member)],
            "teams": services.teams_of_member(member.pk),
        },
    )


# ---------------------------------------------------------------- 党员志愿服务先锋队


@require(services.VIEW)
def team_list(request: AuthenticatedRequest) -> HttpResponse:
    nodes = _nodes(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST":
        if not has_perm_anywhere(request.user, services.EDIT):
            raise PermissionDenied
        if form.is_valid():
            try:
                org = next(n for n in nodes if n.code == UUID(request.POST.get("org", "")))
            except (ValueError, StopIteration):
                form.add_error(None, "请选择您有权组建先锋队的党组织")
            else:
                try:
                    team = services.create_team(actor=request.user, organization=org, **form.cleaned_data)
                except DomainError as exc:
                    add_to_form(form, exc)
                else:
                    messages.success(request, f"已组建“{team.name}”，请添加队员")
                    return redirect("outreach:team-detail", code=team.code)
    return render(
        request,
        "outreach/team_list.html",
        {"teams": list(services.teams_for_user(request.user)[:200]), "nodes": nodes, "form": form},
    )


@require(services.VIEW)
def team_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    team = get_for_user_or_404(
        VolunteerTeam.objects.select_related("organization"), request.user, perm=services.VIEW, code=code
    )
    can_edit = has_perm_at(request.user, services.EDIT, team.organization.path)
    year = timezone.localdate().year
    roster = services.team_roster(team, year)
    error = ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        ids = [int(v) for v in request.POST.getlist("members") if v.isdigit()]
        chosen = list(
            scoped(Member.objects.filter(pk__in=ids), request.user, services.EDIT).select_related(
                "organization"
            )
        )
        captain_id = request.POST.get("captain", "")
        captain = next((m for m in chosen if str(m.pk) == captain_id), None)
        try:
            n = services.add_team_members(actor=request.user, team=team, members=chosen, captain=captain)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"已加入 {n} 名队员")
            return redirect("outreach:team-detail", code=team.code)
    in_team = {r.member_id for r, _ in roster}
    candidates = (
        [
            m
            for m in Member.objects.filter(
                organization__path__startswith=team.organization.path, status__in=ACTIVE_STATUSES
            )
            .select_related("organization")
            .order_by("organization__path", "name")[:300]
            if m.pk not in in_team
        ]
        if can_edit
        else []
    )
    return render(
        request,
        "outreach/team_detail.html",
        {
            "team": team,
            "roster": roster,
            "total": sum((h for _, h in roster), Decimal(0)),
            "year": year,
            "can_edit": can_edit,
            "candidates": candidates,
            "error": error,
        },
        status=422 if error else 200,
    )
