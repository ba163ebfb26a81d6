"""整改 pages (namespace "rectification"): the list of items in the user's scope and an item's page.

The pages open to accounts that oversee organizations (`orgs.view`); the rows are those where the
user holds the item's owner or issuer permission (`services.visible`), anything else is 404.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.evidence.views import evidence_panel
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.rectification import services
from ronghe.core.rectification.forms import ItemFilterForm, PlanForm, ProgressForm, StepForm
from ronghe.core.rectification.models import Item, State
from ronghe.core.scope import OutOfScope, has_perm_at

PAGE_PERMISSION = "orgs.view"


def _item(request: HttpRequest, code: UUID) -> Item:
    item = services.visible(Item.objects.select_related("organization", "created_by"), request.user).filter(
        code=code
    )
    found = item.first()
    if found is None:
        raise OutOfScope("未找到或无权访问")
    return found


@require(PAGE_PERMISSION)
def item_list(request: HttpRequest) -> HttpResponse:
    form = ItemFilterForm(request.GET or None)
    qs = services.visible(Item.objects.select_related("organization"), request.user)
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(organization__name__icontains=data["q"]) | Q(title__icontains=data["q"]))
        if data["state"]:
            qs = qs.filter(state=data["state"])
        if data["late"]:
            qs = services.late(qs, today)
    page = paginate(request, qs.order_by("due_on", "id"), 20)
    return render_page_or_partial(
        request,
        "rectification/item_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "today": today,
            "breadcrumbs": [("整改", None)],
        },
    )


def _detail_context(request: HttpRequest, item: Item, **extra: Any) -> dict[str, Any]:
    path = item.organization.path
    can_plan = item.state == State.OPEN and has_perm_at(request.user, item.owner_permission, path)
    ctx: dict[str, Any] = {
        "item": item,
        "late": item.state != State.CLOSED and item.due_on < timezone.localdate(),
        "progress": list(item.progress.select_related("by")),
        "history": services.history(item),
        "actions": services.allowed_actions(request.user, item),
        "can_plan": can_plan,
        "plan_form": PlanForm(
            initial={
                "title": item.title,
                "measures": item.measures,
                "owner": item.owner,
                "leader": item.leader,
                "due_on": item.due_on,
            }
        ),
        "progress_form": ProgressForm(),
        "step_form": StepForm(),
        "breadcrumbs": [("整改", reverse("rectification:item-list")), (str(item)[:30], None)],
    }
    ctx.update(
        evidence_panel(
            request,
            kind=services.EVIDENCE_KIND,
            object_id=item.pk,
            next_url=reverse("rectification:item-detail", kwargs={"code": item.code}),
        )
    )
    ctx.update(extra)
    return ctx


@require(PAGE_PERMISSION)
def item_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    item = _item(request, code)
    return render(request, "rectification/item_detail.html", _detail_context(request, item))


def _refused(request: HttpRequest, item: Item, **forms: Any) -> HttpResponse:
    return render(
        request, "rectification/item_detail.html", _detail_context(request, item, **forms), status=422
    )


@require(PAGE_PERMISSION)
@require_POST
def plan_update(request: HttpRequest, code: UUID) -> HttpResponse:
    item = _item(request, code)
    form = PlanForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.update_plan(
                actor=request.user,
                item=item,
                title=d["title"],
                measures=d["measures"],
                owner=d["owner"],
                leader=d["leader"],
                due_on=d["due_on"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "整改方案已保存")
            return redirect("rectification:item-detail", code=item.code)
    return _refused(request, item, plan_form=form)


@require(PAGE_PERMISSION)
@require_POST
def progress_add(request: HttpRequest, code: UUID) -> HttpResponse:
    item = _item(request, code)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.add_progress(actor=request.user, item=item, text=form.cleaned_data["text"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "整改进展已记录")
            return redirect("rectification:item-detail", code=item.code)
    return _refused(request, item, progress_form=form)


@require(PAGE_PERMISSION)
@require_POST
def item_step(request: HttpRequest, code: UUID) -> HttpResponse:
    item = _item(request, code)
    form = StepForm(request.POST)
    if not form.is_valid():
        raise Http404("未知的操作")
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    try:
        if action == "submit":
            services.submit(actor=request.user, item=item, note=comment)
        elif action == "reject":
            services.reject(actor=request.user, item=item, reason=comment)
        else:
            services.accept(actor=request.user, item=item, comment=comment)
    except DomainError as exc:
        form.add_error("comment", exc.message)
        return _refused(request, item, step_form=form, step_action=action)
    messages.success(
        request, {"submit": "已提交验收", "accept": "已验收销号", "reject": "已退回整改"}[action]
    )
    return redirect("rectification:item-detail", code=item.code)
