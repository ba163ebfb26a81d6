"""培训班 pages: the list, one class with its sessions, enrolment, the QR check-in and attendance."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import checkin
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, scoped, within_requested
from ronghe.education import queries, services
from ronghe.education.forms import AttendanceForm, ClassForm, SessionForm
from ronghe.education.models import EducationPolicy, SessionAttendance, TrainingClass, TrainingSession
from ronghe.members.models import Member
from ronghe.orgs.models import Organization


@require(services.VIEW)
def class_list(request: AuthenticatedRequest) -> HttpResponse:
    rows, scope_org = within_requested(
        queries.classes_for_user(request.user), request.GET.get("org", ""), request.user, services.VIEW
    )
    year = request.GET.get("year", "")
    if year.isdigit():
        rows = rows.filter(year=int(year))
    page = paginate(request, rows.order_by("-starts_on", "-id"), per_page=20)
    nodes = scoped(Organization.objects.filter(is_active=True), request.user, services.EDIT).order_by("path")[
        :200
    ]
    return render_page_or_partial(
        request,
        "education/class_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "year": year,
            "scope_org": scope_org,
            "nodes": nodes,
            "form": ClassForm(),
        },
    )


@require(services.EDIT)
def class_create(request: AuthenticatedRequest) -> HttpResponse:
    nodes = scoped(Organization.objects.filter(is_active=True), request.user, services.EDIT).order_by("path")[
        :200
    ]
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = Organization.objects.get(code=UUID(request.POST.get("org", "")))
        except (ValueError, Organization.DoesNotExist):
            org = None
        if org is None or not has_perm_at(request.user, services.EDIT, org.path):
            form.add_error(None, "请选择您有权举办培训的党组织")
        else:
            try:
                tc = services.create_class(actor=request.user, organization=org, data=form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "培训班已创建")
                return redirect("education:class-detail", code=tc.code)
    return render(
        request,
        "education/class_form.html",
        {"form": form, "nodes": nodes},
    )


def _class(request: AuthenticatedRequest, code: UUID, perm: str = services.VIEW) -> TrainingClass:
    return get_for_user_or_404(
        TrainingClass.objects.select_related("organization"), request.user, perm=perm, code=code
    )


@require(services.VIEW)
def class_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    tc = _class(request, code)
    can_edit = has_perm_at(request.user, services.EDIT, tc.organization.path)
    now = timezone.now()
    sessions = list(tc.sessions.all())
    attended: dict[int, list[SessionAttendance]] = {}
    for row in SessionAttendance.objects.filter(session__in=sessions).select_related("member"):
        attended.setdefault(row.session_id, []).append(row)
    enrolled = list(tc.enrolments.select_related("member__organization").order_by("member__name"))
    rows = []
    for s in sessions:
        qr = url = ""
        if can_edit and s.checkin_code and s.checkin_expires_at and s.checkin_expires_at > now:
            url = request.build_absolute_uri(reverse("education:checkin", kwargs={"code": s.checkin_code}))
            qr = checkin.qr_svg(url)
        rows.append({"session": s, "attended": attended.get(s.pk, []), "qr": qr, "url": url})
    return render(
        request,
        "education/class_detail.html",
        {
            "tc": tc,
            "rows": rows,
            "enrolled": enrolled,
            "candidates": queries.members_in(tc.organization.path).exclude(
                pk__in=[e.member_id for e in enrolled]
            )[:300]
            if can_edit
            else [],
            "can_edit": can_edit,
            "session_form": SessionForm(),
            "attendance_form": AttendanceForm(),
        },
    )


@require(services.EDIT)
@require_POST
def class_enrol(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """Enrol the class's whole audience, or (with `members`) the members ticked in the list."""
    tc = _class(request, code, services.EDIT)
    picked = [int(v) for v in request.POST.getlist("members") if v.isdigit()]
    by_list = "by_list" in request.POST
    try:
        if by_list and not picked:
            raise DomainError("请勾选要报名的党员", "members")
        members = (
            list(
                scoped(Member.objects.filter(pk__in=picked), request.user, services.EDIT).select_related(
                    "organization"
                )
            )
            if by_list
            else None
        )
        added = services.enrol(actor=request.user, training_class=tc, members=members)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已按名单报名 {added} 人" if by_list else f"已按培训对象报名 {added} 人")
    return redirect("education:class-detail", code=tc.code)


@require(services.EDIT)
@require_POST
def session_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    tc = _class(request, code, services.EDIT)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.add_session(actor=request.user, training_class=tc, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "课程已添加")
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return redirect("education:class-detail", code=tc.code)


def _session(request: AuthenticatedRequest, code: UUID) -> TrainingSession:
    session = TrainingSession.objects.select_related("training_class__organization").filter(code=code).first()
    if session is None:
        raise Http404
    _class(request, session.training_class.code, services.EDIT)  # 404 outside, 403 read-only
    return session


@require(services.EDIT)
@require_POST
def session_checkin_open(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    session = _session(request, code)
    try:
        services.open_checkin(actor=request.user, session=session)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "签到码已生成，请学员扫码签到")
    return redirect("education:class-detail", code=session.training_class.code)


@require(services.EDIT)
@require_POST
def session_attendance(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    session = _session(request, code)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        member = (
            session.training_class.enrolments.select_related("member__organization")
            .filter(member_id=form.cleaned_data["member"])
            .first()
        )
        if member is None:
            messages.error(request, "请选择本培训班的学员")
        else:
            try:
                services.record_attendance(
                    actor=request.user,
                    session=session,
                    member=member.member,
                    hours=form.cleaned_data["hours"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已补录 {member.member.name} 的学时")
    else:
        messages.error(request, "请选择学员并填写学时和补录理由")
    return redirect("education:class-detail", code=session.training_class.code)


@require("self.view")
def checkin_page(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The phone page the QR code opens: the same check-in as meetings (components/_checkin.html)."""
    session = services.session_for_code(code)
    member_id = getattr(request.user, "member_id", None)
    if (
        session is None
        or not member_id
        or not session.training_class.enrolments.filter(member_id=member_id).exists()
    ):
        raise Http404("签到码无效，或您不是本培训班的学员")
    error = ""
    if request.method == "POST":
        try:
            services.check_in(user=request.user, code=code)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"签到成功，计 {session.hours} 学时")
            return redirect("education:checkin", code=code)
    row = SessionAttendance.objects.filter(session=session, member_id=member_id).first()
    policy = EducationPolicy.current()
    start, end = checkin.window(
        starts_at=session.starts_at, ends_at=session.ends_at, early_minutes=policy.checkin_early_minutes
    )
    subtitle = f"{session.training_class.title} · {timezone.localtime(session.starts_at):%Y-%m-%d %H:%M} · {session.hours} 学时"
    return render(
        request,
        "education/checkin.html",
        {
            "title": session.title,
            "subtitle": subtitle,
            "error": error,
            "window_start": start,
            "window_end": end,
            "checked_in_at": row.checked_in_at if row else None,
            "name": request.user.display_name,
        },
        status=400 if error else 200,
    )
