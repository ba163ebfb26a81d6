"""A member's page and what is recorded from it: unmasking, status changes and transfers
(sent from the page; listed, confirmed and received on the transfer pages)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import can, get_for_user_or_404, has_perm_anywhere, has_perm_at
from ronghe.members import queries, services
from ronghe.members.choices import ACTIVE_STATUSES, TransferAction, TransferStatus
from ronghe.members.forms import (
    IncomingForm,
    InternalTransferForm,
    OutgoingLetterForm,
    StatusChangeForm,
    TransferFilterForm,
)
from ronghe.members.models import Member, Transfer
from ronghe.members.sections import sections_for


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("党员名册", reverse("members:member-list")), *tail]


def _first_error(form: forms.BaseForm) -> str:
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}：{errs[0]}" if label else str(errs[0])
    return "输入有误"


def _detail_context(request: AuthenticatedRequest, member: Member, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    editable = can(request.user, "members.edit", member)
    transfers = list(member.transfers.select_related("to_organization", "from_organization"))
    ctx = {
        "member": member,
        "derived": queries.derived(member, today),
        "history": queries.status_history(member),
        "transfers": transfers,
        "validity": queries.overdue_letters(transfers, today),
        "editable": editable,
        "can_unmask": can(request.user, "members.view_sensitive", member),
        "is_active": member.status in ACTIVE_STATUSES,
        # the member's points and attendance, for those who may read them at the member's branch
        "perms_links": {
            "points": has_perm_at(request.user, "points.view", member.organization.path),
            "orglife": has_perm_at(request.user, "orglife.view", member.organization.path),
        },
        "today": today,
        "sections": sections_for(request, member),
        "breadcrumbs": _crumbs((member.name, None)),
    }
    if editable:
        ctx["status_form"] = StatusChangeForm(member=member, initial={"effective_on": today})
        ctx["internal_form"] = InternalTransferForm(
            user=request.user, member=member, initial={"on_date": today}
        )
        ctx["outgoing_form"] = OutgoingLetterForm(
            max_days=services.max_validity_days(), initial={"issued_on": today, "validity_days": 30}
        )
    ctx.update(extra)
    return ctx


def _get(request: AuthenticatedRequest, code: UUID, perm: str = "members.view") -> Member:
    return get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm=perm, code=code
    )


@require("self.view")  # staff see their scope; a member sees their own record
def member_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _get(request, code)
    return render(request, "members/member_detail.html", _detail_context(request, member))


@require("members.view_sensitive")
@require_POST
def member_unmask(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _get(request, code, "members.view_sensitive")
    revealed = services.unmask(actor=request.user, member=member)
    return render(request, "members/member_detail.html", _detail_context(request, member, revealed=revealed))


def _back(member: Member, anchor: str) -> HttpResponse:
    return redirect(reverse("members:member-detail", args=[member.code]) + anchor)


@require("members.edit")
@require_POST
def member_status(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _get(request, code, "members.edit")
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(actor=request.user, member=member, **form.cleaned_data)
        except services.MemberError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已登记状态变更。")
    else:
        messages.error(request, _first_error(form))
    return _back(member, "#history")


@require("members.edit")
@require_POST
def member_transfer_internal(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _get(request, code, "members.edit")
    form = InternalTransferForm(request.POST, user=request.user, member=member)
    if form.is_valid():
        try:
            services.transfer_internal(actor=request.user, member=member, **form.cleaned_data)
        except services.MemberError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已转入“{form.cleaned_data['to_organization'].name}”。")
    else:
        messages.error(request, _first_error(form))
    return _back(member, "#transfers")


@require("members.edit")
@require_POST
def member_transfer_outgoing(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _get(request, code, "members.edit")
    form = OutgoingLetterForm(request.POST, max_days=services.max_validity_days())
    if form.is_valid():
        try:
            services.issue_outgoing_letter(actor=request.user, member=member, **form.cleaned_data)
        except services.MemberError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已开具转出介绍信，收到回执前仍由本组织负责管理。")
    else:
        messages.error(request, _first_error(form))
    return _back(member, "#transfers")


@require("members.view")
def transfer_list(request: AuthenticatedRequest) -> HttpResponse:
    form = TransferFilterForm(request.GET or None)
    qs = queries.transfers_for_user(request.user)
    today = timezone.localdate()
    state = ""
    if form.is_valid():
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
        state = form.cleaned_data["state"]
    if state in ("pending", "completed", "cancelled"):
        qs = qs.filter(status=state)
    items = list(qs)
    validity = queries.overdue_letters(items, today)
    if state == "overdue":
        items = [t for t in items if t.pk in validity and validity[t.pk].overdue]
    page = paginate(request, items, 30)
    return render_page_or_partial(
        request,
        "members/transfer_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(t, validity.get(t.pk)) for t in page.object_list],
            "query": query_without_page(request),
            "today": today,
            "can_receive": has_perm_anywhere(request.user, "members.edit"),
            "breadcrumbs": _crumbs(("组织关系转接", None)),
        },
    )


@require("members.edit")
@require_POST
def transfer_transition(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    transfer = get_for_user_or_404(
        Transfer.objects.select_related("organization", "member"),
        request.user,
        perm="members.edit",
        code=code,
    )
    action = request.POST.get("action", "")
    if action not in TransferAction.values:
        messages.error(request, "操作：请选择确认回执或撤回")
    else:
        try:
            services.transition_transfer(
                actor=request.user, transfer=transfer, action=action, on_date=timezone.localdate()
            )
        except services.MemberError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, "已确认回执，党员组织关系已转出。" if action == "confirm" else "已撤回介绍信。"
            )
    return redirect(reverse("members:transfer-list") + f"?state={TransferStatus.PENDING}")


@require("members.edit")
@require_http_methods(["GET", "POST"])
def transfer_incoming(request: AuthenticatedRequest) -> HttpResponse:
    form = IncomingForm(request.POST or None, user=request.user, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.receive_incoming(
                actor=request.user,
                organization=data["organization"],
                counterpart=data["counterpart"],
                issued_on=data["issued_on"],
                letter_number=data["letter_number"],
                dues_paid_until=data["dues_paid_until"],
                status=data["status"],
                id_number=data["id_number"],
                phone=data["phone"],
                **form.member_fields(),
            )
        except services.MemberError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已接收“{transfer.member.name}”的组织关系。")
            return redirect("members:member-detail", code=transfer.member.code)
    return render(
        request,
        "members/member_form.html",
        {"form": form, "title": "接收转入党员", "breadcrumbs": _crumbs(("接收转入", None))},
    )
