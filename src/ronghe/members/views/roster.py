"""The roster: the list, registering and editing a member, and the statistics page."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.htmx import code_urls, paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import has_perm_anywhere
from ronghe.members import queries, rules, services
from ronghe.members.choices import ACTIVE_STATUSES, MemberStatus
from ronghe.members.forms import MemberFilterForm, MemberForm
from ronghe.members.models import Member
from ronghe.members.views.detail import _crumbs, _get
from ronghe.orgs.models import subtree_filter

STATUS_LABELS: dict[str, str] = {value: str(label) for value, label in MemberStatus.choices}


@dataclass(frozen=True)
class RosterRow:
    """What one line of the roster shows, computed in the view: a template's attribute and method
    lookups and a `{% url %}` per row were most of the table's rendering (issue 19 item 3)."""

    member: Member
    url: str
    age: int
    party_standing: int | None
    status: str


@require("members.view")
def member_list(request: AuthenticatedRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET or None, user=request.user)
    qs = queries.members_for_user(request.user)
    status = ""
    organization = None
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__contains=data["q"].strip())
        if data["organization"]:
            organization = data["organization"]
            qs = qs.filter(subtree_filter(organization.path, "organization__path"))
        status = data["status"]
    if status == "":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    page = paginate(request, qs.order_by("organization__path", "name", "id"), 30, count_key="roster")
    today = timezone.localdate()
    url_of = code_urls("members:member-detail")
    rows = [
        RosterRow(
            member=m,
            url=url_of(m.code),
            age=rules.age(m.birth_date, today),
            party_standing=rules.party_standing(m.full_on, today),
            status=STATUS_LABELS.get(m.status, m.status),
        )
        for m in page.object_list
    ]
    services.record_roster_read(
        actor=request.user,
        organization=organization,
        shown=len(rows),
        total=page.paginator.count,
        surface="page",
    )
    return render_page_or_partial(
        request,
        "members/member_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "can_create": has_perm_anywhere(request.user, "members.edit"),
            "breadcrumbs": [("党员名册", None)],
        },
    )


@require("members.edit")
@require_http_methods(["GET", "POST"])
def member_create(request: AuthenticatedRequest) -> HttpResponse:
    initial = {"organization": request.GET.get("organization")} if request.GET.get("organization") else {}
    form = MemberForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.create_member(actor=request.user, **form.service_kwargs())
        except services.MemberError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记党员“{member.name}”。")
            return redirect("members:member-detail", code=member.code)
    return render(
        request,
        "members/member_form.html",
        {"form": form, "title": "登记党员", "breadcrumbs": _crumbs(("登记党员", None))},
    )


@require("members.edit")
@require_http_methods(["GET", "POST"])
def member_update(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _get(request, code, "members.edit")
    form = MemberForm(request.POST or None, instance=Member.objects.get(pk=member.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(actor=request.user, member=member, **form.service_kwargs())
        except services.MemberError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存。")
            return redirect("members:member-detail", code=member.code)
    return render(
        request,
        "members/member_form.html",
        {
            "form": form,
            "member": member,
            "title": f"编辑：{member.name}",
            "breadcrumbs": _crumbs(
                (member.name, reverse("members:member-detail", args=[member.code])), ("编辑", None)
            ),
        },
    )


@require("members.view")
def member_statistics(request: AuthenticatedRequest) -> HttpResponse:
    stats = queries.statistics(queries.members_for_user(request.user), timezone.localdate())
    return render(
        request, "members/member_statistics.html", {"stats": stats, "breadcrumbs": _crumbs(("统计", None))}
    )
