"""The 公示 pages: the list of publications in scope and one publication with its objections.

Anyone in scope opens a publication (`services.can_view`); outside it is 404 like every scoped object.
"""

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
from ronghe.core.permissions import require
from ronghe.core.publicity import services
from ronghe.core.publicity.choices import PublicationState
from ronghe.core.publicity.forms import HandleForm, ObjectionForm
from ronghe.core.publicity.models import Objection, Publication
from ronghe.core.publicity.rules import PUBLICATION_PROCESS
from ronghe.core.scope import OutOfScope
from ronghe.core.workflow import services as workflow


def _publication(request: HttpRequest, code: UUID) -> Publication:
    publication = Publication.objects.select_related("organization").filter(code=code).first()
    if publication is None or not services.can_view(request.user, publication):
        raise OutOfScope("未找到或无权访问")
    return publication


def _require_handler(request: HttpRequest, publication: Publication) -> None:
    # refused before any form is read, so a stale or empty form never tells an outsider more than 403
    if not services.can_handle(request.user, publication):
        raise PermissionDenied("您没有处理该公示的权限")


def _detail(
    request: HttpRequest,
    publication: Publication,
    *,
    objection_form: ObjectionForm | None = None,
    failed: tuple[int, HandleForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    is_open = publication.state == PublicationState.OPEN
    handler = services.can_handle(user, publication)
    in_period = publication.starts_on <= today <= publication.ends_on
    may_object = is_open and in_period and services.can_object(user, publication)
    labels = publication.item_labels()
    objections = list(publication.objections.select_related("lodged_by", "handled_by"))
    for objection in objections:
        objection.item_label = labels.get(objection.item_key, "整个名单")  # type: ignore[attr-defined]
        form = None
        if handler and objection.state == "pending":
            form = (
                failed[1] if failed and failed[0] == objection.pk else HandleForm(prefix=f"o{objection.pk}")
            )
        objection.handle_form = form  # type: ignore[attr-defined]
    upheld = services.upheld_keys(publication)
    context: dict[str, Any] = {
        "publication": publication,
        "items": [{**item, "upheld": item["key"] in upheld} for item in publication.items],
        "days_left": services.working_days_left(publication, today) if is_open else 0,
        "not_started": today < publication.starts_on,
        "period_over": today > publication.ends_on,
        "objections": objections,
        "pending": sum(o.state == "pending" for o in objections),
        "is_handler": handler,
        "objection_form": (objection_form or ObjectionForm(publication=publication)) if may_object else None,
        "can_close": handler and is_open,
        "history": workflow.history_for(PUBLICATION_PROCESS, publication),
        "breadcrumbs": [("公示", reverse("publicity:publication-list")), (publication.title, None)],
    }
    return render(request, "publicity/publication_detail.html", context, status=status)


@require("self.view")
@require_GET
def publication_list(request: HttpRequest) -> HttpResponse:
    qs = services.visible(Publication.objects.select_related("organization"), request.user)
    # open first, then the newest
    page = paginate(request, qs.order_by("-state", "-starts_on", "-id"), per_page=20)
    return render_page_or_partial(
        request,
        "publicity/publication_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "today": timezone.localdate(),
            "breadcrumbs": [("公示", None)],
        },
    )


@require("self.view")
@require_GET
def publication_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    return _detail(request, _publication(request, code))


@require("self.view")
@require_POST
def objection_create(request: HttpRequest, code: UUID) -> HttpResponse:
    publication = _publication(request, code)
    form = ObjectionForm(request.POST, publication=publication)
    form.full_clean()  # plain text fields: the service refuses what is wrong
    try:
        services.lodge_objection(
            actor=request.user,
            publication=publication,
            text=form.cleaned_data.get("text", ""),
            item_key=form.cleaned_data.get("item_key", ""),
        )
    except DomainError as exc:
        add_to_form(form, exc)
        return _detail(request, publication, objection_form=form, status=422)
    messages.success(request, "异议已提交，将由公示单位处理")
    return redirect(reverse("publicity:publication-detail", kwargs={"code": publication.code}))


@require("self.view")
@require_POST
def objection_handle(request: HttpRequest, code: UUID, pk: int) -> HttpResponse:
    publication = _publication(request, code)
    _require_handler(request, publication)
    objection = Objection.objects.filter(publication=publication, pk=pk).first()
    if objection is None:
        raise OutOfScope("未找到或无权访问")
    objection.publication = publication
    form = HandleForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            services.handle_objection(
                actor=request.user,
                objection=objection,
                upheld=form.cleaned_data["decision"] == "uphold",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "异议已处理")
            return redirect(reverse("publicity:publication-detail", kwargs={"code": publication.code}))
    return _detail(request, publication, failed=(objection.pk, form), status=422)


@require("self.view")
@require_POST
def publication_close(request: HttpRequest, code: UUID) -> HttpResponse:
    publication = _publication(request, code)
    _require_handler(request, publication)
    try:
        services.close(actor=request.user, publication=publication)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "公示已结束，名单已定稿")
    return redirect(reverse("publicity:publication-detail", kwargs={"code": publication.code}))
