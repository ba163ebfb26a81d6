"""Meeting pages: list, detail, record, correct, check in."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core import checkin as checkin_codes
from ronghe.core.errors import add_to_form
from ronghe.core.evidence import files
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import can, get_for_user_or_404, has_perm_at, scoped
from ronghe.orglife import queries, rules, services
from ronghe.orglife.choices import AttendanceStatus, Grade, MeetingKind
from ronghe.orglife.forms import (
    GRADE_CHOICES,
    AttachmentForm,
    CorrectionForm,
    DecisionForm,
    MeetingFilterForm,
    MeetingForm,
    VoterExclusionForm,
)
from ronghe.orglife.models import Attachment, Attendance, Decision, Meeting, VoterExclusion
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization, subtree_filter

RECORDING_KINDS = [k for k in OrgKind.values if k != OrgKind.COMMITTEE]


def _meeting(request: AuthenticatedRequest, code: UUID, perm: str = "orglife.view") -> Meeting:
    return get_for_user_or_404(
        Meeting.objects.select_related("organization", "host", "recorder"), request.user, perm=perm, code=code
    )


@require("orglife.view")
def meeting_list(request: AuthenticatedRequest) -> HttpResponse:
    services.advance_meetings()  # started meetings already complete become held before they are listed
    form = MeetingFilterForm(request.GET or None)
    qs = queries.meetings_for_user(request.user)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(title__icontains=d["q"]) | Q(organization__name__icontains=d["q"]))
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["member"]:
            qs = qs.filter(attendances__member__code=d["member"])
        if d["year"]:
            tz = timezone.get_current_timezone()
            qs = qs.filter(
                held_at__gte=datetime.combine(date(d["year"], 1, 1), time.min, tzinfo=tz),
                held_at__lt=datetime.combine(date(d["year"] + 1, 1, 1), time.min, tzinfo=tz),
            )
    if request.GET.get("org"):  # a report's figure: the meetings of an organization's subtree
        try:
            code = UUID(request.GET["org"])
        except ValueError as exc:  # a malformed code reads as an organization not found
            raise Http404("未找到或无权访问") from exc
        node = get_for_user_or_404(Organization, request.user, perm="orglife.view", code=code)
        qs = qs.filter(organization__in=Organization.objects.filter(subtree_filter(node.path)))
    page = paginate(request, qs.order_by("-held_at", "-id"), 20)
    return render_page_or_partial(
        request,
        "orglife/meeting_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "can_record": bool(scoped(Organization.objects.all(), request.user, "orglife.edit")[:1]),
            "breadcrumbs": [("组织生活", None)],
        },
    )


def _vote_summary(meeting: Meeting) -> dict[str, Any]:
    expected, present = services.voters_of(meeting)
    outcome = rules.evaluate_general_meeting_vote(voters_expected=expected, voters_present=present, yes=0)
    return {
        "expected": expected,
        "present": present,
        "quorate": outcome.quorate,
        "explanation": "" if outcome.quorate else outcome.explanation,
    }


def _detail_context(request: AuthenticatedRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    rows = list(meeting.attendances.select_related("member").order_by("member__name", "member_id"))
    counts = {s: sum(1 for r in rows if r.status == s) for s in AttendanceStatus.values}
    ctx: dict[str, Any] = {
        "meeting": meeting,
        "rows": rows,
        "counts": counts,
        "decisions": list(meeting.decisions.all()),
        "attachments": list(meeting.attachments.all()),
        "sitting_ins": list(meeting.sitting_ins.all()),
        "can_edit": can(request.user, "orglife.edit", meeting),
        "decision_form": DecisionForm(),
        "attachment_form": AttachmentForm(),
        "correction_form": CorrectionForm(),
        "blank_correction_form": CorrectionForm(),  # the rows that did not fail (the failed row's is above)
        "vote": _vote_summary(meeting) if meeting.kind == MeetingKind.GENERAL_MEETING else None,
        "votes": rules.votes(meeting.kind),
        "is_appraisal": meeting.kind == MeetingKind.DEMOCRATIC_APPRAISAL,
        "two_thirds": rules.meets_two_thirds(present=counts[AttendanceStatus.PRESENT], expected=len(rows))
        if meeting.kind == MeetingKind.LEADERSHIP_LIFE_MEETING
        else None,
        "committee_quorum": {
            "met": meeting.quorum_met,
            "needed": len(rows) // 2 + 1,
            "expected": len(rows),
        }
        if meeting.kind == MeetingKind.COMMITTEE_MEETING
        else None,
        "grade_choices": GRADE_CHOICES,
        "max_excellent": rules.max_excellent(sum(1 for r in rows if r.is_voter)),
        "breadcrumbs": [("组织生活", reverse("orglife:meeting-list")), (meeting.title, None)],
    }
    now = timezone.now()
    if meeting.checkin_code and meeting.checkin_expires_at and meeting.checkin_expires_at > now:
        url = request.build_absolute_uri(reverse("orglife:checkin", kwargs={"code": meeting.checkin_code}))
        ctx["checkin_url"] = url
        ctx["checkin_qr"] = checkin_codes.qr_svg(url)
    if meeting.kind == MeetingKind.GENERAL_MEETING:
        parent = meeting.organization.parent
        ctx["exclusions"] = list(meeting.voter_exclusions.select_related("member", "created_by"))
        ctx["can_exclude"] = parent is not None and has_perm_at(request.user, "orglife.edit", parent.path)
        excluded = {e.member_id for e in ctx["exclusions"]}
        ctx["exclusion_form"] = extra.pop(
            "exclusion_form",
            VoterExclusionForm(
                members=[r.member for r in rows if r.is_voter and r.member_id not in excluded]
            ),
        )
    ctx.update(extra)
    return ctx


@require("orglife.view")
def meeting_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    meeting = _meeting(request, code)
    services.advance_meetings(meeting=meeting)
    return render(request, "orglife/meeting_detail.html", _detail_context(request, meeting))


def _recordable_orgs(request: AuthenticatedRequest) -> QuerySet[Organization]:
    return scoped(
        Organization.objects.filter(kind__in=RECORDING_KINDS, is_active=True), request.user, "orglife.edit"
    )


def _form_context(
    request: AuthenticatedRequest,
    form: MeetingForm,
    org: Organization,
    meeting: Meeting | None,
    entries: Mapping[int, tuple[str, str]],
) -> dict[str, Any]:
    rows = []
    for m in form.members:
        status, reason = entries.get(m.pk, (AttendanceStatus.UNMARKED, ""))
        if form.is_bound:
            status = form.data.get(f"att-{m.pk}", status)
            reason = form.data.get(f"reason-{m.pk}", reason)
        rows.append({"member": m, "status": status, "reason": reason})
    return {
        "form": form,
        "organization": org,
        "meeting": meeting,
        "attendance_rows": rows,
        "status_choices": AttendanceStatus.choices,
        "breadcrumbs": [
            ("组织生活", reverse("orglife:meeting-list")),
            ("修改会议" if meeting else "记录会议", None),
        ],
    }


def _proposal(request: AuthenticatedRequest, meeting: Meeting | None = None) -> tuple[str, date]:
    """The meeting kind and date the attendance list is proposed for.

    On POST they come from the submitted form, so the list matches what is saved; on GET from
    ?kind=&on= (the "generate the list" form), the meeting's own, or today.
    """
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind") or (meeting.kind if meeting else MeetingKind.GENERAL_MEETING)
    if kind not in MeetingKind.values:
        kind = MeetingKind.GENERAL_MEETING
    on = timezone.localdate(meeting.held_at) if meeting else timezone.localdate()
    raw = source.get("held_at") if request.method == "POST" else source.get("on")
    if raw:
        # every accepted format starts with YYYY-MM-DD; a bad date is reported by the form
        with contextlib.suppress(ValueError):
            on = date.fromisoformat(raw.strip()[:10])
    return kind, on


@require("orglife.edit")
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    orgs = _recordable_orgs(request)
    org_code = request.GET.get("org") or request.POST.get("org")
    if not org_code:
        page = paginate(request, orgs.order_by("path"), 30)
        return render(
            request,
            "orglife/meeting_pick_org.html",
            {
                "page": page,
                "query": query_without_page(request),
                "breadcrumbs": [("组织生活", reverse("orglife:meeting-list")), ("选择党组织", None)],
            },
        )
    org = get_for_user_or_404(Organization, request.user, perm="orglife.edit", code=org_code)
    kind, on = _proposal(request)
    members = services.members_for_attendance(org, kind=kind, on=on)
    initial_status = AttendanceStatus.UNMARKED  # check-ins and the secretary mark them, nobody by default
    initial: dict[str, Any] = {"kind": kind}
    if request.GET.get("on"):
        initial["held_at"] = datetime.combine(on, time(9, 0))
    if request.GET.get("title"):  # proposed by the to-do's 记录 button
        initial["title"] = request.GET["title"].strip()[:200]
    form = MeetingForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.record_meeting(
                actor=request.user,
                organization=org,
                data=form.meeting_data(),
                attendance=form.cleaned_data["attendance"],
                sitting_in=form.cleaned_data["sitting_in_rows"],
            )
        except services.OrgLifeError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "会议已记录" + ("（补录）" if meeting.entered_late else ""))
            return redirect("orglife:meeting-detail", code=meeting.code)
    entries = {m.pk: (initial_status, "") for m in members}
    status = 400 if request.method == "POST" else 200
    ctx = _form_context(request, form, org, None, entries)
    ctx["proposal"] = {"kind": kind, "on": on, "kinds": MeetingKind.choices}
    return render(request, "orglife/meeting_form.html", ctx, status=status)


@require("orglife.edit")
def meeting_update(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    meeting = _meeting(request, code, "orglife.edit")
    org = meeting.organization
    existing = {a.member_id: a for a in meeting.attendances.select_related("member")}
    kind, on = _proposal(request, meeting)
    members = services.members_for_attendance(org, kind=kind, on=on)
    for mid, a in existing.items():
        if mid not in {m.pk for m in members}:
            a.member.status_on = "full" if a.is_voter else "probationary"
            members.append(a.member)
    initial = {
        "kind": meeting.kind,
        "title": meeting.title,
        "held_at": timezone.localtime(meeting.held_at),
        "ends_at": timezone.localtime(meeting.ends_at) if meeting.ends_at else None,
        "place": meeting.place,
        "host": meeting.host_id,
        "recorder": meeting.recorder_id,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "remarks": meeting.remarks,
        "requires_sign_out": meeting.requires_sign_out,
        "sitting_in": "\n".join(f"{s.name} {s.affiliation}".strip() for s in meeting.sitting_ins.all()),
    }
    form = MeetingForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(
                actor=request.user,
                meeting=meeting,
                data=form.meeting_data(),
                attendance=form.cleaned_data["attendance"],
                sitting_in=form.cleaned_data["sitting_in_rows"],
            )
        except services.OrgLifeError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "会议已保存")
            return redirect("orglife:meeting-detail", code=meeting.code)
    entries = {mid: (a.status, a.reason) for mid, a in existing.items()}
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "orglife/meeting_form.html",
        _form_context(request, form, org, meeting, entries),
        status=status,
    )


@require("orglife.edit")
@require_POST
def meeting_delete(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    meeting = _meeting(request, code, "orglife.edit")
    services.delete_meeting(actor=request.user, meeting=meeting)
    messages.success(request, f"已删除会议“{meeting.title}”")
    return redirect("orglife:meeting-list")


def _detail_with_error(request: AuthenticatedRequest, meeting: Meeting, **extra: Any) -> HttpResponse:
    return render(
        request, "orglife/meeting_detail.html", _detail_context(request, meeting, **extra), status=400
    )


@require("orglife.edit")
@require_POST
def decision_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    meeting = _meeting(request, code, "orglife.edit")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.add_decision(actor=request.user, meeting=meeting, **form.cleaned_data)
        except services.OrgLifeError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "决议已记录")
            return redirect("orglife:meeting-detail", code=meeting.code)
    return _detail_with_error(request, meeting, decision_form=form)


@require("orglife.edit")
@require_POST
def decision_delete(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    meeting = _meeting(request, code, "orglife.edit")
    decision = Decision.objects.filter(meeting=meeting, pk=pk).first()
    if decision is None:
        raise Http404("未找到决议")
    services.delete_decision(actor=request.user, decision=decision)
    messages.success(request, "决议已删除")
    return redirect("orglife:meeting-detail", code=meeting.code)


@require("orglife.edit")
@require_POST
def attendance_correct(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    meeting = _meeting(request, code, "orglife.edit")
    row = Attendance.objects.filter(meeting=meeting, pk=pk).select_related("meeting__organization").first()
    if row is None:
        raise Http404("未找到出席记录")
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.correct_attendance(actor=request.user, attendance=row, **form.cleaned_data)
        except services.OrgLifeError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已更正 {row.member.name} 的出席情况")
            return redirect("orglife:meeting-detail", code=meeting.code)
    return _detail_with_error(request, meeting, correction_form=form, correction_row=row.pk)


@require("orglife.edit")
@require_POST
def grades_update(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    meeting = _meeting(request, code, "orglife.edit")
    grades = {}
    for row in meeting.attendances.all():
        value = request.POST.get(f"grade-{row.member_id}", "")
        if value and value not in Grade.values:
            return _detail_with_error(request, meeting, grade_error="评议等次无效")
        grades[row.member_id] = value
    try:
        services.set_grades(actor=request.user, meeting=meeting, grades=grades)
    except services.OrgLifeError as exc:
        return _detail_with_error(request, meeting, grade_error=exc.message)
    messages.success(request, "评议等次已保存")
    return redirect("orglife:meeting-detail", code=meeting.code)


@require("orglife.edit")
@require_POST
def attachment_upload(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    meeting = _meeting(request, code, "orglife.edit")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(actor=request.user, meeting=meeting, upload=form.cleaned_data["file"])
        except services.OrgLifeError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, "附件已上传")
            return redirect("orglife:meeting-detail", code=meeting.code)
    return _detail_with_error(request, meeting, attachment_form=form)


@require("orglife.view")
def attachment_download(request: AuthenticatedRequest, code: UUID) -> FileResponse:
    att = get_for_user_or_404(
        Attachment.objects.select_related("meeting__organization"),
        request.user,
        perm="orglife.view",
        code=code,
    )
    response = files.download_response(
        services.ATTACHMENT_FOLDER, att.stored_name, filename=att.original_name, content_type=att.content_type
    )
    audit.record("orglife.attachment.download", obj=att)
    return response


@require("orglife.edit")
@require_POST
def exclusion_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """The higher organization leaves a member out of a 党员大会's expected voters (403 otherwise)."""
    meeting = _meeting(request, code)
    voters = [a.member for a in meeting.attendances.filter(is_voter=True).select_related("member")]
    form = VoterExclusionForm(request.POST, members=voters)
    if form.is_valid():
        try:
            services.add_voter_exclusion(actor=request.user, meeting=meeting, **form.cleaned_data)
        except services.OrgLifeError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已登记不计入应到会人数的党员")
            return redirect("orglife:meeting-detail", code=meeting.code)
    return _detail_with_error(request, meeting, exclusion_form=form)


@require("orglife.edit")
@require_POST
def exclusion_delete(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    meeting = _meeting(request, code)
    exclusion = VoterExclusion.objects.filter(meeting=meeting, pk=pk).select_related("member").first()
    if exclusion is None:
        raise Http404("未找到登记记录")
    try:
        services.remove_voter_exclusion(actor=request.user, exclusion=exclusion)
    except services.OrgLifeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤销 {exclusion.member.name} 的不计入登记")
    return redirect("orglife:meeting-detail", code=meeting.code)
