"""工作要点 pages: the year's list, drafting and publishing by the 工委."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import OutOfScope, paths_with
from ronghe.integration import rules
from ronghe.integration.choices import WorkPointState
from ronghe.integration.forms import PointFilterForm, PublishForm, WorkPointForm, this_year
from ronghe.integration.queries import work_points_for_user
from ronghe.integration.services import plans as services
from ronghe.orgs.models import Organization


def committee_of(request: HttpRequest) -> Organization | None:
    """The 工委 node where the user manages work points (the highest one)."""
    paths = paths_with(request.user, rules.MANAGE)
    return Organization.objects.filter(path__in=paths).order_by("depth", "path").first()


@require("integration.view")
def work_point_list(request: HttpRequest) -> HttpResponse:
    form = PointFilterForm(request.GET or None)
    year = this_year()
    points = work_points_for_user(request.user)
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        if form.cleaned_data["kind"]:
            points = points.filter(kind=form.cleaned_data["kind"])
    points = points.filter(year=year).order_by("number", "id")
    committee = committee_of(request)
    return render_page_or_partial(
        request,
        "integration/work_point_list.html",
        {
            "form": form,
            "year": year,
            "page": paginate(request, points, 50),
            "query": query_without_page(request),
            "can_manage": committee is not None,
            "drafts": points.filter(state=WorkPointState.DRAFT).count() if committee else 0,
            "breadcrumbs": [("工作要点", None)],
        },
    )


@require("integration.manage")
@require_http_methods(["GET", "POST"])
def work_point_create(request: AuthenticatedRequest) -> HttpResponse:
    return _point_form(request, None)


@require("integration.manage")
@require_http_methods(["GET", "POST"])
def work_point_update(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    point = work_points_for_user(request.user).filter(code=code).first()
    if point is None:
        raise OutOfScope("未找到或无权访问")
    return _point_form(request, point)


def _point_form(request: AuthenticatedRequest, point: object) -> HttpResponse:
    from ronghe.integration.models import WorkPoint

    assert point is None or isinstance(point, WorkPoint)
    committee = point.organization if point is not None else committee_of(request)
    if committee is None:
        raise PermissionDenied("您没有执行此操作的权限")
    initial = (
        {"year": this_year()}
        if point is None
        else {f: getattr(point, f) for f in ("year", "number", "title", "kind", "content")}
    )
    form = WorkPointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_work_point(
                actor=request.user, organization=committee, point=point, **form.cleaned_data
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "工作要点已保存（草稿），发布后各单位可据此分解任务。")
            return redirect(reverse("integration:work-point-list") + f"?year={saved.year}")
    context = {
        "form": form,
        "title": "新增工作要点" if point is None else "修改工作要点",
        "breadcrumbs": [("工作要点", reverse("integration:work-point-list")), ("编辑", None)],
    }
    return render(request, "integration/form.html", context, status=422 if form.errors else 200)


@require("integration.manage")
@require_POST
def work_point_publish(request: AuthenticatedRequest) -> HttpResponse:
    form = PublishForm(request.POST)
    committee = committee_of(request)
    if committee is None:
        raise PermissionDenied("您没有执行此操作的权限")
    year = this_year()
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            count = services.publish_work_points(actor=request.user, organization=committee, year=year)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已发布{year}年度工作要点 {count} 条。")
    else:
        messages.error(request, "请填写年度")
    return redirect(reverse("integration:work-point-list") + f"?year={year}")
