"""External training: a member records it on the phone with evidence, the branch approves or rejects
it with a reason (rules.EXTERNAL_PROCESS on core/workflow)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.evidence import services as evidence
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import can, get_for_user_or_404, has_perm_at
from ronghe.core.workflow import services as workflow
from ronghe.education import queries, rules, services
from ronghe.education.forms import ExternalDecisionForm, ExternalTrainingForm
from ronghe.education.models import ExternalTraining
from ronghe.members.models import Member
from ronghe.points.choices import ClaimState


def _record(request: AuthenticatedRequest, code: UUID, perm: str = services.VIEW) -> ExternalTraining:
    return get_for_user_or_404(
        ExternalTraining.objects.select_related("member__organization", "decided_by"),
        request.user,
        perm=perm,
        code=code,
    )


@require("self.view")
def external_create(request: AuthenticatedRequest) -> HttpResponse:
    member = Member.objects.select_related("organization").filter(pk=request.user.member_id or 0).first()
    if member is None:
        raise PermissionDenied("您的账户未关联党员，不能登记外部培训")
    form = ExternalTrainingForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = services.submit_external_training(
                    actor=request.user,
                    member=member,
                    data=form.cleaned_data,
                    upload=form.cleaned_data["file"],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "外部培训已登记，等待支部审核")
                return redirect(reverse("education:external-detail", kwargs={"code": record.code}))
        status = 422
    return render(request, "education/external_form.html", {"form": form}, status=status)


@require("self.view")
def external_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    record = _record(request, code)
    own = request.user.member_id == record.member_id
    can_decide = record.state == ClaimState.SUBMITTED and not own and can(request.user, services.EDIT, record)
    return render(
        request,
        "education/external_detail.html",
        {
            "record": record,
            "evidence_items": evidence.for_object(rules.EXTERNAL_KIND, record.pk),
            "history": workflow.history_for(rules.EXTERNAL_PROCESS, record),
            "decision_form": ExternalDecisionForm() if can_decide else None,
            "can_withdraw": own and record.state == ClaimState.SUBMITTED,
            # the file is the branch's to open (evidence view_permission), not every member's
            "can_download": has_perm_at(request.user, services.VIEW, record.member.organization.path),
        },
    )


@require(services.EDIT)
def external_review(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(request, queries.external_awaiting_review(request.user), per_page=20)
    return render_page_or_partial(
        request,
        "education/external_review.html",
        {"page": page, "query": query_without_page(request)},
    )


@require(services.EDIT)
@require_POST
def external_decide(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    record = _record(request, code, perm=services.EDIT)
    form = ExternalDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_external_training(
                actor=request.user,
                record=record,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已审核")
            return redirect(reverse("education:external-review"))
    return render(
        request,
        "education/external_detail.html",
        {
            "record": record,
            "evidence_items": evidence.for_object(rules.EXTERNAL_KIND, record.pk),
            "history": workflow.history_for(rules.EXTERNAL_PROCESS, record),
            "decision_form": form,
            "can_download": True,
        },
        status=422,
    )


@require("self.view")
@require_POST
def external_withdraw(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    record = _record(request, code)
    try:
        services.decide_external_training(actor=request.user, record=record, action="withdraw")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤回")
    return redirect(reverse("education:external-detail", kwargs={"code": record.code}))
