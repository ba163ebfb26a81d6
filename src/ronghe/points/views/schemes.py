"""The points scheme: versions, the edited numbers with a what-if preview, indicators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, paths_with, scoped
from ronghe.core.scoring import editing, pages
from ronghe.core.scoring import rules as scoring
from ronghe.core.scoring.choices import SchemePurpose
from ronghe.core.scoring.models import Indicator, Scheme
from ronghe.orgs.models import Organization, ancestor_paths
from ronghe.points import queries, services
from ronghe.points.forms import (
    IndicatorForm,
    SchemeSettingsForm,
)


@require("points.view")
def scheme_list(request: AuthenticatedRequest) -> HttpResponse:
    schemes = (
        scoped(Scheme.objects.filter(purpose=SchemePurpose.MEMBER_POINTS), request.user, "points.view")
        .select_related("organization")
        .order_by("-year", "organization__path", "-version")
    )
    # A user below the 工委 also sees the schemes that apply to them from above.
    visible_paths = list(paths_with(request.user, "points.view"))
    above = Scheme.objects.none()
    if visible_paths:
        ancestors = {a for p in visible_paths for a in ancestor_paths(p)}
        above = Scheme.objects.filter(purpose=SchemePurpose.MEMBER_POINTS, organization__path__in=ancestors)
    schemes = (
        (schemes | above.select_related("organization"))
        .distinct()
        .order_by("-year", "organization__path", "-version")
    )
    page = paginate(request, schemes, per_page=20)
    return render_page_or_partial(
        request,
        "points/scheme_list.html",
        {"page": page, "query": query_without_page(request), "breadcrumbs": [("积分方案", None)]},
    )


def _scheme_for_user(request: AuthenticatedRequest, code: UUID) -> Scheme:
    """Schemes of the user's subtree, or those above it that apply to it (read only)."""
    paths = paths_with(request.user, "points.view")
    ancestors = {a for p in paths for a in ancestor_paths(p)}
    try:
        scheme = Scheme.objects.select_related("organization").get(code=code)
    except (Scheme.DoesNotExist, ValueError) as exc:
        raise Http404("未找到或无权访问") from exc
    if scheme.organization.path in ancestors or any(scheme.organization.path.startswith(p) for p in paths):
        return scheme
    raise Http404("未找到或无权访问")


def _posted_rules(
    scheme: Scheme, data: Mapping[str, str]
) -> tuple[scoring.SchemeRules, dict[str, str], dict[str, dict[str, Any]]]:
    """Read the edited numbers of a scheme form; returns the rules, errors by field and cleaned values.

    The same engine checks as the indicator form apply (scoring.indicator_problems /
    threshold_problems), so the what-if preview never runs on rules that could not be saved.
    """
    base = scheme.to_rules()
    errors: dict[str, str] = {}
    cleaned: dict[str, dict[str, Any]] = {}

    def number(name: str, label: str, current: Decimal | None, optional: bool) -> Decimal | None:
        if name not in data:  # a field the form did not send keeps its current value
            return current
        raw = (data.get(name) or "").strip()
        if raw == "":
            if optional:
                return None
            errors[name] = f"{label}不能为空"
            return current
        try:
            value = Decimal(raw)
        except InvalidOperation:
            errors[name] = f"{label}必须是数字"
            return current
        if not value.is_finite() or abs(value) > Decimal("10000"):
            errors[name] = f"{label}必须是数字"
            return current
        return value

    dims = []
    for d in base.dimensions:
        name = (data.get(f"dim-{d.code}-name") or d.name).strip()[:50] or d.name
        a = number(f"dim-{d.code}-threshold_a", f"“{name}”A 等线", d.threshold_a, False)
        b = number(f"dim-{d.code}-threshold_b", f"“{name}”B 等线", d.threshold_b, False)
        dbase = number(f"dim-{d.code}-base", f"“{name}”基础分", d.base, False)
        if a is not None and b is not None:
            for field, message in scoring.threshold_problems(threshold_a=a, threshold_b=b).items():
                errors.setdefault(f"dim-{d.code}-{field}", f"“{name}”{message}")
        cleaned[f"dim:{d.code}"] = {"name": name, "threshold_a": a, "threshold_b": b, "base": dbase}
        dims.append(
            replace(
                d,
                name=name,
                threshold_a=a or Decimal("0"),
                threshold_b=b or Decimal("0"),
                base=dbase or Decimal("0"),
            )
        )
    inds = []
    for i in base.indicators:
        values = {
            "points": number(f"ind-{i.code}-points", f"“{i.name}”每次分值", i.points, False),
            "cap_month": number(f"ind-{i.code}-cap_month", f"“{i.name}”月上限", i.cap_month, True),
            "cap_quarter": number(f"ind-{i.code}-cap_quarter", f"“{i.name}”季度上限", i.cap_quarter, True),
            "cap_year": number(f"ind-{i.code}-cap_year", f"“{i.name}”年上限", i.cap_year, True),
        }
        problems = scoring.indicator_problems(kind=i.kind, floor=i.floor, ceiling=i.ceiling, **values)
        for field, message in problems.items():
            errors.setdefault(f"ind-{i.code}-{field}", f"“{i.name}”{message}")
        cleaned[f"ind:{i.code}"] = values
        inds.append(
            replace(
                i,
                points=values["points"] or Decimal("0"),
                cap_month=values["cap_month"],
                cap_quarter=values["cap_quarter"],
                cap_year=values["cap_year"],
            )
        )
    return replace(base, dimensions=tuple(dims), indicators=tuple(inds)), errors, cleaned


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _scheme_context(
    request: AuthenticatedRequest, scheme: Scheme, posted: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The scheme page; the editable numbers show what was posted (after a preview or an error)."""
    posted = posted or {}

    def value(name: str, current: Decimal | str | None) -> str:
        return (
            posted[name] if name in posted else (_fmt(current) if not isinstance(current, str) else current)
        )

    dimensions = list(scheme.dimensions.order_by("order", "id"))
    indicators = list(scheme.indicators.select_related("dimension").order_by("order", "id"))
    return {
        "scheme": scheme,
        "dimensions": dimensions,
        "indicators": indicators,
        # each with the values its inputs show
        "dimension_rows": [
            (
                d,
                {
                    f: value(f"dim-{d.code}-{f}", getattr(d, f))
                    for f in ("name", "base", "threshold_a", "threshold_b")
                },
            )
            for d in dimensions
        ],
        "indicator_rows": [
            (
                i,
                {
                    f: value(f"ind-{i.code}-{f}", getattr(i, f))
                    for f in ("points", "cap_month", "cap_quarter", "cap_year")
                },
            )
            for i in indicators
        ],
        "can_manage": has_perm_at(request.user, "points.manage_scheme", scheme.organization.path),
        "settings_form": SchemeSettingsForm(
            initial={
                "name": scheme.name,
                "floor": scheme.floor,
                "ceiling": scheme.ceiling,
                "allow_refine": scheme.allow_refine,
                "description": scheme.description,
            }
        ),
        "orgs": queries.organizations_for_user(request.user).order_by("path")[:500],
        "breadcrumbs": [("积分方案", reverse("points:scheme-list")), (str(scheme), None)],
    }


@require("points.view")
def scheme_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = _scheme_for_user(request, code)
    return render(request, "points/scheme_detail.html", _scheme_context(request, scheme))


def _managed_scheme(request: AuthenticatedRequest, code: UUID) -> Scheme:
    scheme = _scheme_for_user(request, code)
    if not has_perm_at(request.user, "points.manage_scheme", scheme.organization.path):
        raise PermissionDenied("您没有设置积分方案的权限")
    return scheme


@require("points.manage_scheme")
@require_POST
def scheme_update(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """Save the edited numbers of a draft, or (button 'preview') show the what-if without saving."""
    scheme = _managed_scheme(request, code)
    edited, errors, cleaned = _posted_rules(scheme, request.POST)
    context = _scheme_context(request, scheme, posted=request.POST)
    context.update(errors=errors)
    if errors:
        return render(request, "points/scheme_detail.html", context, status=422)
    if "preview" in request.POST:
        org_code = request.POST.get("org") or ""
        root = queries.default_root(request.user)
        if org_code:
            root = get_for_user_or_404(Organization, request.user, perm="points.view", code=org_code)
        year = scheme.year
        rows = queries.what_if(scheme_rules=edited, root=root, year=year) if root else []
        changed = [r for r in rows if r.grade_new != r.grade_now or r.rank_new != r.rank_now]
        context.update(
            preview=rows[:200], preview_root=root, preview_changed=len(changed), preview_total=len(rows)
        )
        return render(request, "points/scheme_detail.html", context)
    if not scheme.is_editable:
        context["errors"] = {"__all__": editing.DRAFTS_ONLY}
        return render(request, "points/scheme_detail.html", context, status=422)
    try:
        with transaction.atomic():
            for dim in scheme.dimensions.all():
                editing.update_dimension(actor=request.user, dimension=dim, data=cleaned[f"dim:{dim.code}"])
            for ind in scheme.indicators.select_related("dimension"):
                editing.update_indicator(actor=request.user, indicator=ind, data=cleaned[f"ind:{ind.code}"])
    except DomainError as exc:
        context["errors"] = {"__all__": exc.message}
        return render(request, "points/scheme_detail.html", context, status=422)
    messages.success(request, "方案已保存")
    return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))


@require("points.manage_scheme")
@require_POST
def scheme_clone(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = _scheme_for_user(request, code)
    target = scheme.organization
    if request.POST.get("org"):
        target = get_for_user_or_404(
            Organization, request.user, perm="points.manage_scheme", code=request.POST["org"]
        )
    try:
        year = int(request.POST.get("year") or scheme.year)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        messages.error(request, "年度应在 2000–2100 之间")
        return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))
    copy = editing.copy_scheme(actor=request.user, scheme=scheme, year=year, organization=target)
    messages.success(request, f"已复制为 {copy}（草稿）")
    return redirect(reverse("points:scheme-detail", kwargs={"code": copy.code}))


@require("points.manage_scheme")
@require_POST
def scheme_activate(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = _managed_scheme(request, code)
    try:
        services.activate_points_scheme(scheme=scheme, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "方案已启用，本年度积分已按新方案重算")
    return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))


@require("points.manage_scheme")
@require_POST
def scheme_archive(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = _managed_scheme(request, code)
    try:
        editing.archive_scheme(actor=request.user, scheme=scheme)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"草稿“{scheme.name}”（第 {scheme.version} 版）已归档")
    return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))


@require("points.manage_scheme")
@require_POST
def scheme_settings(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = _managed_scheme(request, code)
    form = SchemeSettingsForm(request.POST)
    if form.is_valid():
        try:
            editing.update_scheme_settings(actor=request.user, scheme=scheme, data=form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "方案设置已保存")
            return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))
    context = _scheme_context(request, scheme)
    context["settings_form"] = form
    return render(request, "points/scheme_detail.html", context, status=422)


def _indicator_page(
    request: AuthenticatedRequest,
    scheme: Scheme,
    form: IndicatorForm,
    indicator: Indicator | None,
    status: int = 200,
) -> HttpResponse:
    title = f"编辑指标：{indicator.name}" if indicator else "添加指标"
    return render(
        request,
        "points/indicator_form.html",
        {
            "scheme": scheme,
            "form": form,
            "indicator": indicator,
            "title": title,
            "breadcrumbs": [
                ("积分方案", reverse("points:scheme-list")),
                (str(scheme), reverse("points:scheme-detail", kwargs={"code": scheme.code})),
                (title, None),
            ],
        },
        status=status,
    )


def _draft_for_editing(request: AuthenticatedRequest, code: UUID) -> Scheme:
    scheme = _managed_scheme(request, code)
    if not scheme.is_editable:
        messages.error(request, editing.DRAFTS_ONLY)
    return scheme


@require("points.manage_scheme")
def indicator_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = _draft_for_editing(request, code)
    if not scheme.is_editable:
        return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))
    if request.method != "POST":
        form = IndicatorForm(scheme=scheme, initial={"kind": "derived", "points": Decimal("1")})
        return _indicator_page(request, scheme, form, None)
    form = IndicatorForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            editing.create_indicator(actor=request.user, scheme=scheme, data=form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "指标已添加")
            return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))
    return _indicator_page(request, scheme, form, None, status=422)


@require("points.manage_scheme")
def indicator_update(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    scheme = _draft_for_editing(request, code)
    indicator = pages.indicator_or_404(scheme, pk)
    if not scheme.is_editable:
        return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))
    if request.method != "POST":
        initial = {f: getattr(indicator, f) for f in editing.INDICATOR_FIELDS}
        return _indicator_page(request, scheme, IndicatorForm(scheme=scheme, initial=initial), indicator)
    form = IndicatorForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            editing.update_indicator(actor=request.user, indicator=indicator, data=form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "指标已保存")
            return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))
    return _indicator_page(request, scheme, form, indicator, status=422)


@require("points.manage_scheme")
@require_POST
def indicator_delete(request: AuthenticatedRequest, code: UUID, pk: int) -> HttpResponse:
    scheme = _managed_scheme(request, code)
    pages.delete_indicator(request, request.user, scheme, pk)
    return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))
