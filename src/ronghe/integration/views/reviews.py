"""同步点评 pages: the reviews in scope, opening a quarter's review, the review itself (the 工委's comments,
grade and 整改 items, the unit 党组's opinion), and finalizing it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.rectification import services as rectification
from ronghe.core.scope import get_for_user_or_404, has_perm_at, paths_with
from ronghe.core.workflow import services as workflow
from ronghe.integration import rules
from ronghe.integration.choices import ReviewState
from ronghe.integration.forms import (
    OpinionForm,
    RectificationForm,
    ReviewCreateForm,
    ReviewFilterForm,
    ReviewForm,
    review_initial,
    this_year,
)
from ronghe.integration.models import SyncReview, Task, TaskComment
from ronghe.integration.queries import reviews_for_user
from ronghe.integration.services import reviews as services
from ronghe.orgs.queries import units_for_user


def review_for(request: HttpRequest, code: UUID, perm: str = "integration.view") -> SyncReview:
    return get_for_user_or_404(
        SyncReview.objects.select_related("unit", "organization", "plan"), request.user, perm=perm, code=code
    )


@require("integration.view")
def review_list(request: HttpRequest) -> HttpResponse:
    form = ReviewFilterForm(request.GET or None)
    reviews = reviews_for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["year"]:
            reviews = reviews.filter(year=data["year"])
        if data["quarter"]:
            reviews = reviews.filter(quarter=data["quarter"])
        if data["grade"]:
            reviews = reviews.filter(grade=data["grade"])
        if data["q"]:
            reviews = reviews.filter(
                Q(unit__name__contains=data["q"]) | Q(unit__short_name__contains=data["q"])
            )
    return render_page_or_partial(
        request,
        "integration/review_list.html",
        {
            "form": form,
            "page": paginate(request, reviews.order_by("-year", "-quarter", "unit__name"), 50),
            "query": query_without_page(request),
            "can_manage": bool(paths_with(request.user, rules.MANAGE)),
            "breadcrumbs": [("同步点评", None)],
        },
    )


@require("integration.manage")
@require_http_methods(["GET", "POST"])
def review_create(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    initial: dict[str, Any] = {"year": this_year(), "quarter": (today.month - 1) // 3 + 1}
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"]
    form = ReviewCreateForm(
        request.POST or None, units=units_for_user(request.user, rules.MANAGE), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.open_review(
                actor=request.user, unit=data["unit"], year=data["year"], quarter=data["quarter"]
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("integration:review-detail", code=review.code)
    context = {
        "form": form,
        "title": "开展季度同步点评",
        "breadcrumbs": [("同步点评", reverse("integration:review-list")), ("新建", None)],
    }
    return render(request, "integration/form.html", context, status=422 if form.errors else 200)


def _tasks(review: SyncReview) -> list[Task]:
    if review.plan_id is None:
        return []
    return list(Task.objects.filter(plan_id=review.plan_id).order_by("kind", "deadline", "id"))


def review_context(request: HttpRequest, review: SyncReview, **extra: Any) -> dict[str, Any]:
    path = review.organization.path
    draft = review.state == ReviewState.DRAFT
    manage = has_perm_at(request.user, rules.MANAGE, path)
    tasks = _tasks(review)
    comments = dict(TaskComment.objects.filter(review=review).values_list("task_id", "text"))
    for task in tasks:
        task.comment = comments.get(task.pk, "")
    ctx: dict[str, Any] = {
        "review": review,
        "tasks": tasks,
        "can_edit": manage and draft,
        "can_opine": draft and not manage and has_perm_at(request.user, rules.PLAN_PERMISSION, path),
        "review_form": ReviewForm(initial=review_initial(review, comments), tasks=tasks),
        "opinion_form": OpinionForm(initial={"opinion": review.opinion}),
        "rectification_form": RectificationForm(),
        "items": rectification.for_object(rules.REVIEW, review.pk),
        "today": timezone.localdate(),
        "history": workflow.history_for(rules.REVIEW_PROCESS, review),
        "breadcrumbs": [("同步点评", reverse("integration:review-list")), (str(review), None)],
    }
    ctx.update(extra)
    return ctx


@require("integration.view")
def review_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    review = review_for(request, code)
    return render(request, "integration/review_detail.html", review_context(request, review))


def _refused(request: HttpRequest, review: SyncReview, **forms: Any) -> HttpResponse:
    ctx = review_context(request, review, **forms)
    shown = {
        "review_form": ctx["can_edit"],
        "rectification_form": ctx["can_edit"],
        "opinion_form": ctx["can_opine"],
    }
    hidden = [f for name, f in forms.items() if not shown.get(name)]  # a refusal the page has no form for
    ctx["refusal"] = next((str(m) for f in hidden for errors in f.errors.values() for m in errors), "")
    return render(request, "integration/review_detail.html", ctx, status=422)


@require("integration.manage")
@require_POST
def review_save(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    review = review_for(request, code, "integration.manage")
    form = ReviewForm(request.POST, tasks=_tasks(review))
    if form.is_valid():
        try:
            services.save_review(actor=request.user, review=review, **form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "点评已保存。")
            return redirect("integration:review-detail", code=review.code)
    return _refused(request, review, review_form=form)


@require("integration.plan")
@require_POST
def review_opinion(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    review = review_for(request, code, "integration.plan")
    form = OpinionForm(request.POST)
    if form.is_valid():
        try:
            services.save_opinion(actor=request.user, review=review, opinion=form.cleaned_data["opinion"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "党组（党委）意见已保存。")
            return redirect("integration:review-detail", code=review.code)
    return _refused(request, review, opinion_form=form)


@require("integration.manage")
@require_POST
def review_rectify(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    review = review_for(request, code, "integration.manage")
    form = RectificationForm(request.POST)
    if form.is_valid():
        try:
            services.add_rectification(actor=request.user, review=review, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已下达整改事项。")
            return redirect(reverse("integration:review-detail", args=[review.code]) + "#rectifications")
    return _refused(request, review, rectification_form=form)


@require("integration.manage")
@require_POST
def review_finalize(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    review = review_for(request, code, "integration.manage")
    try:
        services.finalize_review(actor=request.user, review=review)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "点评已定稿。")
    return redirect("integration:review-detail", code=review.code)
