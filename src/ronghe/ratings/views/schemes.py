"""Star-rating schemes: the list, one scheme with everything that decides a level, and editing a
draft — its level rules (stars and criteria, thresholds, caps, quotas, ties), its indicators (add,
edit, delete) and its dimensions (name, weight, base); copy and activate versions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, scoped
from ronghe.core.scoring import editing, levels, pages
from ronghe.core.scoring.choices import SchemePurpose
from ronghe.core.scoring.models import Dimension, Scheme
from ronghe.core.scoring.services import activate_scheme
from ronghe.ratings import queries
from ronghe.ratings.scheme_forms import DimensionForm, LevelRulesForm, RatingIndicatorForm


def _schemes(request: AuthenticatedRequest) -> QuerySet[Scheme]:
    return scoped(Scheme.objects.filter(purpose=SchemePurpose.BRANCH_STARS), request.user, "ratings.view")


def _scheme(request: AuthenticatedRequest, code: UUID) -> Scheme:
    """A star-rating scheme of the user's subtree (404 outside it)."""
    return get_for_user_or_404(
        Scheme.objects.filter(purpose=SchemePurpose.BRANCH_STARS),
        request.user,
        perm="ratings.view",
        code=code,
    )


@require("ratings.view")
def scheme_list(request: AuthenticatedRequest) -> HttpResponse:
    schemes = _schemes(request).select_related("organization").order_by("-year", "-version")
    return render(
        request,
        "ratings/scheme_list.html",
        {
            "schemes": schemes,
            "breadcrumbs": [("评星定级", reverse("ratings:campaign-list")), ("评星方案", None)],
        },
    )


@require("ratings.view")
def scheme_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = _scheme(request, code)
    scheme_rules = scheme.to_rules()
    current = scheme.to_level_rules()
    names = levels.names_of(scheme_rules)
    can_edit = scheme.is_editable and editing.can_manage(request.user, scheme)
    form = LevelRulesForm(request.POST or None, current=current, names=names) if can_edit else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid():
            try:
                editing.update_level_rules(
                    actor=request.user, scheme=scheme, level_rules=form.level_rules(current)
                )
                messages.success(request, "定级规则已保存")
                return redirect("ratings:scheme-detail", scheme.code)
            except DomainError as exc:
                add_to_form(form, exc)
        status = 422
    star_rows = [(star.name, [c.describe(names) for c in star.criteria]) for star in current.stars]
    return render(
        request,
        "ratings/scheme_detail.html",
        {
            "scheme": scheme,
            "scheme_rules": scheme_rules,
            "current": current,
            "model_label": levels.MODELS.get(current.model, current.model),
            "tie_label": levels.TIE_RULES.get(current.tie_rule, current.tie_rule),
            "aggregation_label": levels.AGGREGATIONS.get(current.aggregation, current.aggregation),
            "star_rows": star_rows,
            "dimension_rows": queries.scheme_dimensions(scheme),
            "caps": [(c.label, [x.describe(names) for x in c.when], c.max_rank) for c in current.caps],
            "can_edit": can_edit,
            "can_manage": editing.can_manage(request.user, scheme),
            "form": form,
            "next_year": timezone.localdate().year + (0 if scheme.year < timezone.localdate().year else 1),
            "breadcrumbs": [
                ("评星定级", reverse("ratings:campaign-list")),
                ("评星方案", reverse("ratings:scheme-list")),
                (str(scheme), None),
            ],
        },
        status=status,
    )


@require("ratings.manage")
@require_POST
def scheme_copy(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = _scheme(request, code)
    try:
        year = int(request.POST.get("year") or scheme.year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(request, "年度应为 2000–2100 之间的数字")
        return redirect("ratings:scheme-detail", scheme.code)
    try:
        copy = editing.copy_scheme(actor=request.user, scheme=scheme, year=year)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ratings:scheme-detail", scheme.code)
    messages.success(request, f"已复制为 {year} 年度第 {copy.version} 版草稿")
    return redirect("ratings:scheme-detail", copy.code)


@require("ratings.manage")
@require_POST
def scheme_activate(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = _scheme(request, code)
    try:
        editing.require_manage(request.user, scheme)
        activate_scheme(scheme=scheme, actor=request.user)
        messages.success(request, "方案已启用；原启用版本已归档")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ratings:scheme-detail", scheme.code)


# ---------------------------------------------------------------- a draft's indicators and dimensions


def _draft(request: AuthenticatedRequest, code: UUID) -> Scheme:
    """The scheme (404 outside the user's subtree), which the user must manage at its node (403)."""
    scheme = _scheme(request, code)
    editing.require_manage(request.user, scheme)
    return scheme


def _posted(request: AuthenticatedRequest) -> QueryDict | None:
    """The data a form is bound to: what was posted (even nothing, so it says what is missing)."""
    return request.POST if request.method == "POST" else None


def _edit_page(
    request: AuthenticatedRequest,
    scheme: Scheme,
    form: forms.Form,
    title: str,
    save: Callable[[Mapping[str, Any]], object],
    done: str,
) -> HttpResponse:
    """The page of one form on a draft: GET shows it, POST saves through `save` (a core editing
    service) and goes back to the scheme, or shows every problem in Chinese with nothing written."""
    if not scheme.is_editable:
        messages.error(request, editing.DRAFTS_ONLY)
        return redirect("ratings:scheme-detail", scheme.code)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("ratings:scheme-detail", scheme.code)
    return render(
        request,
        "ratings/scheme_item_form.html",
        {
            "scheme": scheme,
            "form": form,
            "title": title,
            "breadcrumbs": [
                ("评星定级", reverse("ratings:campaign-list")),
                ("评星方案", reverse("ratings:scheme-list")),
                (str(scheme), reverse("ratings:scheme-detail", args=[scheme.code])),
                (title, None),
            ],
        },
        status=422 if request.method == "POST" else 200,
    )


@require("ratings.manage")
def indicator_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = _draft(request, code)
    initial = {"kind": "entered", "weight": 1, "floor": 0}
    form = RatingIndicatorForm(_posted(request), scheme=scheme, initial=initial)
    return _edit_page(
        request,
        scheme,
        form,
        "添加指标",
        lambda data: editing.create_indicator(actor=request.user, scheme=scheme, data=data),
        "指标已添加",
    )


@require("ratings.manage")
def indicator_update(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    scheme = _draft(request, code)
    indicator = pages.indicator_or_404(scheme, pk)
    initial = {
        f: getattr(indicator, f) for f in ("code", "name", "dimension", "kind", "weight", "floor", "ceiling")
    }
    initial["source"] = indicator.sources[0] if indicator.sources else ""
    form = RatingIndicatorForm(_posted(request), scheme=scheme, initial=initial)
    return _edit_page(
        request,
        scheme,
        form,
        f"编辑指标：{indicator.name}",
        lambda data: editing.update_indicator(actor=request.user, indicator=indicator, data=data),
        f"指标“{indicator.name}”已保存",
    )


@require("ratings.manage")
@require_POST
def indicator_delete(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    scheme = _draft(request, code)
    pages.delete_indicator(request, request.user, scheme, pk)
    return redirect("ratings:scheme-detail", scheme.code)


@require("ratings.manage")
def dimension_update(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    scheme = _draft(request, code)
    try:
        dimension = scheme.dimensions.get(pk=pk)
    except Dimension.DoesNotExist as exc:
        raise Http404("未找到该维度") from exc
    initial = {"name": dimension.name, "weight": dimension.weight, "base": dimension.base}
    form = DimensionForm(_posted(request), initial=initial)
    return _edit_page(
        request,
        scheme,
        form,
        f"编辑维度：{dimension.name}",
        lambda data: editing.update_dimension(actor=request.user, dimension=dimension, data=data),
        f"维度“{dimension.name}”已保存",
    )
