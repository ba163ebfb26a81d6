"""Star-rating schemes: the list, one scheme with everything that decides a level, and editing a
draft's level rules (stars and criteria, thresholds, caps, quotas, ties); copy and activate versions."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, scoped
from ronghe.core.scoring import editing, levels
from ronghe.core.scoring.choices import SchemePurpose
from ronghe.core.scoring.models import Scheme
from ronghe.core.scoring.services import activate_scheme
from ronghe.ratings.scheme_forms import LevelRulesForm


def _schemes(request: AuthenticatedRequest) -> QuerySet[Scheme]:
    return scoped(Scheme.objects.filter(purpose=SchemePurpose.BRANCH_STARS), request.user, "ratings.view")


@require("ratings.view")
def scheme_list(request: AuthenticatedRequest) -> HttpResponse:
    schemes = _schemes(request).select_related("organization").order_by("-year", "-version")
    return render(
        request,
        "ratings/scheme_list.html",
        {"schemes": schemes, "breadcrumbs": [("评星定级", "ratings:campaign-list"), ("评星方案", None)]},
    )


@require("ratings.view")
def scheme_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = get_for_user_or_404(
        Scheme.objects.filter(purpose=SchemePurpose.BRANCH_STARS), request.user, perm="ratings.view", code=code
    )
    scheme_rules = scheme.to_rules()
    current = scheme.to_level_rules()
    names = levels.names_of(scheme_rules)
    can_edit = scheme.is_editable and editing.can_manage(request.user, scheme)
    form = LevelRulesForm(request.POST or None, current=current, names=names) if can_edit else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid():
            try:
                editing.update_level_rules(actor=request.user, scheme=scheme, level_rules=form.level_rules(current))
                messages.success(request, "定级规则已保存")
                return redirect("ratings:scheme-detail", scheme.code)
            except DomainError as exc:
                add_to_form(form, exc)
        status = 422
    star_rows = [
        (star.name, [c.describe(names) for c in star.criteria]) for star in current.stars
    ]
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
            "caps": [(c.label, [x.describe(names) for x in c.when], c.max_rank) for c in current.caps],
            "can_edit": can_edit,
            "can_manage": editing.can_manage(request.user, scheme),
            "form": form,
            "next_year": timezone.localdate().year + (0 if scheme.year < timezone.localdate().year else 1),
            "breadcrumbs": [
                ("评星定级", "ratings:campaign-list"),
                ("评星方案", "ratings:scheme-list"),
                (str(scheme), None),
            ],
        },
        status=status,
    )


@require("ratings.manage")
@require_POST
def scheme_copy(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    scheme = get_for_user_or_404(
        Scheme.objects.filter(purpose=SchemePurpose.BRANCH_STARS), request.user, perm="ratings.view", code=code
    )
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
    scheme = get_for_user_or_404(
        Scheme.objects.filter(purpose=SchemePurpose.BRANCH_STARS), request.user, perm="ratings.view", code=code
    )
    try:
        editing.require_manage(request.user, scheme)
        activate_scheme(scheme=scheme, actor=request.user)
        messages.success(request, "方案已启用；原启用版本已归档")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ratings:scheme-detail", scheme.code)
