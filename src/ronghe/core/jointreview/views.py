"""The 联审 page: the list, each department's answer, the opinion form for the user's departments,
the override form for whoever may override. Outside the departments and the module's readers: 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.jointreview import registry, services
from ronghe.core.jointreview.choices import ReviewState, Verdict
from ronghe.core.jointreview.forms import OpinionForm, OverrideForm
from ronghe.core.jointreview.models import JointReview
from ronghe.core.jointreview.rules import REVIEW_PROCESS
from ronghe.core.permissions import require
from ronghe.core.scope import OutOfScope
from ronghe.core.workflow import services as workflow


def _review(request: HttpRequest, code: UUID) -> JointReview:
    review = JointReview.objects.select_related("organization").filter(code=code).first()
    if review is None or not services.can_view(request.user, review):
        raise OutOfScope("未找到或无权访问")
    return review


def _detail(
    request: HttpRequest,
    review: JointReview,
    *,
    opinion_form: OpinionForm | None = None,
    override_form: OverrideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    is_open = review.state == ReviewState.OPEN
    mine = services.answerable(user, review) if is_open else []
    opinions = {o.department: o for o in review.opinions.select_related("by")}
    result = services.outcome(review, today=today)
    labels = review.item_labels()
    departments = []
    for dept in review.departments:
        opinion = opinions.get(dept["code"])
        departments.append(
            {
                **dept,
                "opinion": opinion,
                "objected": [labels.get(k, k) for k in opinion.objected_items] if opinion else [],
                "overdue": dept["code"] in result.overdue,
            }
        )
    objected = {key for key in result.objections if key}
    notes = registry.notes_for(
        user,
        kind=review.kind,
        object_id=review.object_id,
        org_path=review.organization.path,
        keys=[item["key"] for item in review.items],
    )
    context: dict[str, Any] = {
        "review": review,
        "items": [
            {**item, "objected": item["key"] in objected, "notes": notes.get(item["key"], [])}
            for item in review.items
        ],
        "has_notes": bool(notes),
        "departments": departments,
        "outcome": result,
        "object_verdict": Verdict.OBJECT,
        "opinion_form": (opinion_form or OpinionForm(review=review, departments=mine)) if mine else None,
        "override_form": (override_form or OverrideForm())
        if is_open and services.can_override(user, review)
        else None,
        "history": workflow.history_for(REVIEW_PROCESS, review),
        "breadcrumbs": [("联审", reverse("jointreview:review-list")), (review.title, None)],
    }
    return render(request, "jointreview/review_detail.html", context, status=status)


@require("self.view")
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """The reviews waiting for the user's departments, then the others the user may read."""
    awaiting = list(services.awaiting(request.user).select_related("organization"))
    others = services.visible(JointReview.objects.select_related("organization"), request.user).exclude(
        pk__in=[r.pk for r in awaiting]
    )
    page = paginate(request, others.order_by("-created_at", "-id"), per_page=20)
    return render_page_or_partial(
        request,
        "jointreview/review_list.html",
        {
            "awaiting": awaiting,
            "page": page,
            "query": query_without_page(request),
            "breadcrumbs": [("联审", None)],
        },
    )


@require("self.view")
@require_GET
def review_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    return _detail(request, _review(request, code))


@require("self.view")
@require_POST
def opinion_give(request: HttpRequest, code: UUID) -> HttpResponse:
    review = _review(request, code)
    mine = services.answerable(request.user, review)
    # the department is preset (hidden) for a single-department reviewer: refuse another one outright
    if request.POST.get("department") not in {d["code"] for d in mine}:
        raise PermissionDenied("您不是该联审部门的审核人")
    form = OpinionForm(request.POST, review=review, departments=mine)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.give_opinion(
                actor=request.user,
                review=review,
                department=data["department"],
                verdict=data["verdict"],
                reason=data["reason"],
                objected_items=data["objected_items"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "联审意见已提交")
            return redirect(reverse("jointreview:review-detail", kwargs={"code": review.code}))
    return _detail(request, review, opinion_form=form, status=422)


@require("self.view")
@require_POST
def review_override(request: HttpRequest, code: UUID) -> HttpResponse:
    review = _review(request, code)
    if not services.can_override(request.user, review):
        raise PermissionDenied("您没有不采纳联审异议的权限")
    form = OverrideForm(request.POST)
    form.full_clean()
    try:
        services.override(actor=request.user, review=review, reason=form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        add_to_form(form, exc)
        return _detail(request, review, override_form=form, status=422)
    messages.success(request, "已不采纳异议，联审通过")
    return redirect(reverse("jointreview:review-detail", kwargs={"code": review.code}))
