"""通知公告 pages: the notices that reach me (unread first), one notice (receipted on opening), publishing."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.evidence import files as evidence_files
from ronghe.core.evidence import services as evidence_services
from ronghe.core.evidence.models import Evidence
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import can, has_perm_anywhere, scoped
from ronghe.notices import queries, rules, services
from ronghe.notices.forms import NoticeForm
from ronghe.notices.models import Notice
from ronghe.orglife import queries as orglife_queries
from ronghe.orgs.models import Organization

REMINDER_LIMIT = 20
UNREAD_LIMIT = 50


@require("self.view")
def notice_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    page = paginate(request, queries.notices_for_user(user), 20)
    context = {
        "page": page,
        "query": query_without_page(request),
        "unread_count": queries.unread_for_user(user).count(),
        "can_publish": queries.can_publish(user),
        # the daily task's reminders (组织生活 due or overdue) for those who keep organizational life
        "reminders": orglife_queries.reminders_for(user, REMINDER_LIMIT)
        if has_perm_anywhere(user, "orglife.view")
        else [],
        "published": list(queries.published_for_user(user)[:20]) if queries.can_publish(user) else [],
        "breadcrumbs": [("通知公告", None)],
    }
    return render_page_or_partial(request, "notices/notice_list.html", context)


def _notice_for(request: AuthenticatedRequest, code: UUID) -> Notice:
    """A notice that reaches the user, or one of the subtrees they publish in; 404 otherwise."""
    notice = queries.notices_for_user(request.user).filter(code=code).first()
    if notice is None:  # a publisher may open the notices of the subtrees they publish in
        notice = queries.published_for_user(request.user).filter(code=code).first()
    if notice is None:
        raise Http404("通知不存在")
    return notice


@require("self.view")
def notice_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    notice = _notice_for(request, code)
    services.mark_read(user=request.user, notice=notice)
    attachments = evidence_services.for_object(rules.ATTACHMENT_KIND, notice.pk)
    for a in attachments:  # whoever the notice reaches downloads its files, whatever their role
        a.url = reverse("notices:notice-attachment", kwargs={"code": notice.code, "file": a.code})
    context = {
        "notice": notice,
        "attachments": attachments,
        "audience": rules.AUDIENCES.get(notice.audience_permission, ""),
        "breadcrumbs": [("通知公告", reverse("notices:notice-list")), (notice.title, None)],
    }
    if can(request.user, "notices.publish", notice):
        context["receipts"] = queries.receipts(notice)
        context["unread_members"] = queries.unread_readers(notice, UNREAD_LIMIT)
    return render(request, "notices/notice_detail.html", context)


@require("notices.publish")
def notice_create(request: AuthenticatedRequest) -> HttpResponse:
    orgs = scoped(Organization.objects.filter(is_active=True), request.user, "notices.publish").order_by(
        "path"
    )
    form = NoticeForm(request.POST or None, request.FILES or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.publish(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["file"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "通知已发布")
            return redirect("notices:notice-detail", code=notice.code)
    return render(
        request,
        "notices/notice_form.html",
        {
            "form": form,
            "today": timezone.localdate(),
            "breadcrumbs": [("通知公告", reverse("notices:notice-list")), ("发布通知", None)],
        },
        status=400 if request.method == "POST" else 200,
    )


@require("self.view")
def notice_attachment(request: AuthenticatedRequest, code: UUID, file: UUID) -> FileResponse:
    """A notice's file, for those the notice reaches (and its publishers); the download is audited."""
    notice = _notice_for(request, code)
    evidence = Evidence.objects.filter(kind=rules.ATTACHMENT_KIND, object_id=notice.pk, code=file).first()
    if evidence is None or not evidence.is_file:
        raise Http404("附件不存在")
    response = evidence_files.download_response(
        evidence_services.FOLDER,
        evidence.stored_name,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    audit.record("evidence.download", actor=request.user, obj=evidence)
    return response


@require("notices.publish")
@require_POST
def notice_remind(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    notice = _notice_for(request, code)
    try:
        unread = services.remind_unread(actor=request.user, notice=notice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已提醒 {unread} 名未读人员：通知在他们的工作台上标为“催阅”并排在最前")
    return redirect("notices:notice-detail", code=notice.code)
