"""A member's 党费: bases, the year's months, payments (按月/预交/补交), voluntary payments, 少交/免交
applications and 正当理由 — and the member's own view (我的党费), laid out for a phone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Case, When
from django.forms import BaseForm as DjangoForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, scoped
from ronghe.dues import queries, rules, services
from ronghe.dues import relief as relief_services
from ronghe.dues.forms import (
    BaseForm,
    DecideForm,
    DifferenceForm,
    PaymentForm,
    ReasonForm,
    ReliefForm,
    VoluntaryForm,
)
from ronghe.dues.models import Relief
from ronghe.dues.views.params import own_member, requested_year
from ronghe.members.models import Member


def _member(request: AuthenticatedRequest, code: UUID, perm: str) -> Member:
    return get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm=perm, code=code
    )


def _page(
    request: AuthenticatedRequest, member: Member, status: int = 200, **forms: DjangoForm
) -> HttpResponse:
    today = timezone.localdate()
    year = requested_year(request)
    setting = services.settings_for(member.organization)
    year_facts = queries.member_year(member, year)
    context: dict[str, Any] = {
        "member": member,
        "year": year,
        "setting": setting,
        "arrears": queries.arrears_by_member([member], today)[member.pk],
        "can_edit": has_perm_at(request.user, "dues.edit", member.organization.path),
        "can_approve": has_perm_at(request.user, "dues.approve_relief", member.organization.path),
        "base_form": forms.get("base_form")
        or BaseForm(prefix="base", initial={"effective_from": today.strftime("%Y-%m")}),
        "pay_form": forms.get("pay_form")
        or PaymentForm(
            prefix="pay", initial={"from_period": today.strftime("%Y-%m"), "months": 1, "paid_on": today}
        ),
        "difference_form": forms.get("difference_form")
        or DifferenceForm(prefix="difference", owing=year_facts["owing"], initial={"paid_on": today}),
        "voluntary_form": forms.get("voluntary_form")
        or VoluntaryForm(prefix="voluntary", initial={"paid_on": today}),
        "relief_form": forms.get("relief_form") or ReliefForm(prefix="relief"),
        "reason_form": forms.get("reason_form") or ReasonForm(prefix="reason"),
        "decide_form": DecideForm(),
        "breadcrumbs": [("党费收缴", reverse("dues:collection")), (member.name, None)],
        **year_facts,
    }
    return render(request, "dues/member_dues.html", context, status=status)


def _back(member: Member) -> HttpResponse:
    return redirect(reverse("dues:member", kwargs={"code": member.code}))


@require("dues.view")
def member_dues(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return _page(request, _member(request, code, "dues.view"))


@require("dues.edit")
@require_POST
def member_base(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _member(request, code, "dues.edit")
    form = BaseForm(request.POST, prefix="base")
    if form.is_valid():
        try:
            base = rules.parse_base(form.cleaned_data["base"])
            services.set_base(
                actor=request.user,
                member=member,
                effective_from=form.cleaned_data["effective_from"],
                category=form.cleaned_data["category"],
                base=base,
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "计算基数已登记")
            return _back(member)
    return _page(request, member, 422, base_form=form)


@require("dues.edit")
@require_POST
def member_pay(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _member(request, code, "dues.edit")
    form = PaymentForm(request.POST, prefix="pay")
    if form.is_valid():
        try:
            records = services.record_payment(
                actor=request.user,
                member=member,
                periods=form.periods(),
                paid_on=form.cleaned_data["paid_on"],
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_to_form(form, exc if exc.field != "periods" else DomainError(exc.message, "from_period"))
        else:
            total = sum(r.paid_amount or 0 for r in records)
            messages.success(request, f"已登记{len(records)}个月党费，共{total}元")
            return _back(member)
    return _page(request, member, 422, pay_form=form)


@require("dues.edit")
@require_POST
def member_difference(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """补交差额 for paid months whose fee rose after a base was raised."""
    member = _member(request, code, "dues.edit")
    owing = queries.owing_differences(member)
    form = DifferenceForm(request.POST, prefix="difference", owing=owing)
    if form.is_valid():
        try:
            records = services.pay_difference(
                actor=request.user,
                member=member,
                periods=form.months(),
                paid_on=form.cleaned_data["paid_on"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            paid = {r.period for r in records}
            total = sum((amount for period, amount in owing if period in paid), Decimal("0.00"))
            messages.success(request, f"已登记{len(records)}个月的补交差额，共{total}元")
            return _back(member)
    return _page(request, member, 422, difference_form=form)


@require("dues.edit")
@require_POST
def member_voluntary(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _member(request, code, "dues.edit")
    form = VoluntaryForm(request.POST, prefix="voluntary")
    if form.is_valid():
        try:
            row = services.record_voluntary(
                actor=request.user,
                member=member,
                amount=form.cleaned_data["amount"],
                paid_on=form.cleaned_data["paid_on"],
                purpose=form.cleaned_data["purpose"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            note = "（一次1000元以上，全额上缴中央）" if row.remit_to_central else ""
            messages.success(request, f"已登记自愿多交党费{row.amount}元{note}")
            return _back(member)
    return _page(request, member, 422, voluntary_form=form)


@require("dues.edit")
@require_POST
def member_relief(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _member(request, code, "dues.edit")
    form = ReliefForm(request.POST, prefix="relief")
    if form.is_valid():
        try:
            relief_services.apply_relief(
                actor=request.user,
                member=member,
                kind=form.cleaned_data["kind"],
                from_period=form.cleaned_data["from_period"],
                to_period=form.cleaned_data["to_period"],
                reason=form.cleaned_data["reason"],
                reduced_amount=form.cleaned_data["reduced_amount"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "少交/免交申请已登记，待支部研究后报上一级党委审批")
            return _back(member)
    return _page(request, member, 422, relief_form=form)


@require("dues.edit")
@require_POST
def member_reason(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    member = _member(request, code, "dues.edit")
    form = ReasonForm(request.POST, prefix="reason")
    if form.is_valid():
        try:
            relief_services.record_reason(
                actor=request.user,
                member=member,
                from_period=form.cleaned_data["from_period"],
                to_period=form.cleaned_data["to_period"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "正当理由已登记，这些月份不计入欠交")
            return _back(member)
    return _page(request, member, 422, reason_form=form)


@require("dues.edit")
@require_POST
def relief_decide(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """The branch studies an application; the 上一级党委 approves or refuses it."""
    relief = get_for_user_or_404(
        Relief.objects.select_related("organization", "member", "member__organization"),
        request.user,
        perm="dues.edit",
        code=code,
    )
    form = DecideForm(request.POST)
    if form.is_valid():
        action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
        try:
            if action == "study":
                relief_services.study_relief(actor=request.user, relief=relief, comment=comment)
            else:
                relief_services.decide_relief(
                    actor=request.user, relief=relief, approve=action == "approve", comment=comment
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"申请已{relief_services.RELIEF.action_labels[action]}")
    return redirect(reverse("dues:member", kwargs={"code": relief.member.code}))


@require("self.view")
def my_dues(request: AuthenticatedRequest) -> HttpResponse:
    """我的党费: the member's own months, amounts and arrears (phone first)."""
    member = own_member(request)
    year = requested_year(request)
    context: dict[str, Any] = {"member": member, "year": year, "breadcrumbs": [("我的党费", None)]}
    if member is not None:
        today = timezone.localdate()
        context.update(queries.member_year(member, year))
        context["arrears"] = queries.arrears_by_member([member], today)[member.pk]
    return render(request, "dues/my_dues.html", context)


@require("dues.view")
def relief_list(request: AuthenticatedRequest) -> HttpResponse:
    """少交、免交申请 in scope, waiting ones first: the branch studies, the 上一级党委 decides."""
    reliefs = (
        scoped(
            Relief.objects.select_related("member", "organization", "approved_by_org"),
            request.user,
            "dues.view",
        )
        .annotate(waiting=Case(When(state__in=["applied", "studied"], then=0), default=1))
        .order_by("waiting", "-created_at")
    )
    page = paginate(request, reliefs, per_page=30)
    return render(
        request,
        "dues/relief_list.html",
        {"page": page, "breadcrumbs": [("党费收缴", reverse("dues:collection")), ("少交免交申请", None)]},
    )
