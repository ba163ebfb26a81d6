"""Pages of member points: my points, rankings, claims, schemes and what-if, year end, exports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.core import audit, workdays
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import can, get_for_user_or_404, has_perm_anywhere, has_perm_at, scoped
from ronghe.core.scoring import editing
from ronghe.core.scoring import rules as scoring
from ronghe.core.scoring.choices import SchemePurpose
from ronghe.core.scoring.models import Indicator, Scheme
from ronghe.core.workflow import services as workflow
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.points import exports, queries, rules, services
from ronghe.points.choices import ClaimState
from ronghe.points.forms import (
    AdjustmentForm,
    ClaimForm,
    DecisionForm,
    FinalizeForm,
    IndicatorForm,
    PublicityForm,
    RankingFilterForm,
    SchemeSettingsForm,
    YearForm,
)
from ronghe.points.models import Claim, PointsEntry, YearClosing

# Default 公示 period (domain-rules §3 "≥ 5 工作日" [C]; set RONGHE_PUBLICITY_WORKING_DAYS in settings).
PUBLICITY_WORKING_DAYS = getattr(settings, "RONGHE_PUBLICITY_WORKING_DAYS", 5)
FALLBACK_WARNING = (
    "公示期涉及尚未公布节假日安排的年份，已按周一至周五估算截止日期，请核对；"
    "管理员可在节假日表中补充该年安排。"
)


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET)
    if form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return timezone.localdate().year


def _own_member(request: HttpRequest) -> Member | None:
    member_id = getattr(request.user, "member_id", None)
    if not member_id:
        return None
    return Member.objects.select_related("organization").get(pk=member_id)


# ---------------------------------------------------------------- my points


@require("self.view")
def my_points(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    year = _year(request)
    context: dict[str, Any] = {"member": member, "year": year, "breadcrumbs": [("我的积分", None)]}
    if member is not None:
        summary = queries.member_summary(member, year)
        page = paginate(request, queries.entries_for_member(member, year), per_page=20)
        queries.attach_source_urls(list(page.object_list), request.user)
        context.update(
            summary=summary,
            page=page,
            query=query_without_page(request),
            open_claims=Claim.objects.filter(member=member, state=ClaimState.SUBMITTED).count(),
        )
    return render_page_or_partial(request, "points/my_points.html", context)


@require("points.view")
def member_points(request: HttpRequest, code: str) -> HttpResponse:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm="points.view", code=code
    )
    year = _year(request)
    summary = queries.member_summary(member, year)
    page = paginate(request, queries.entries_for_member(member, year), per_page=20)
    queries.attach_source_urls(list(page.object_list), request.user)
    adjust_form = None
    if has_perm_at(request.user, "points.edit", member.organization.path) and summary.scheme is not None:
        adjust_form = AdjustmentForm(indicators=summary.scheme.indicators.exclude(kind="veto"))
    return render_page_or_partial(
        request,
        "points/member_points.html",
        {
            "member": member,
            "year": year,
            "summary": summary,
            "page": page,
            "query": query_without_page(request),
            "adjust_form": adjust_form,
            "breadcrumbs": [("积分排名", reverse("points:ranking")), (member.name, None)],
        },
    )


@require("points.edit")
@require_POST
def member_adjust(request: HttpRequest, code: str) -> HttpResponse:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm="points.edit", code=code
    )
    scheme = services.scheme_for(member.organization, timezone.localdate().year)
    indicators = Indicator.objects.filter(scheme__purpose=SchemePurpose.MEMBER_POINTS).select_related(
        "scheme"
    )
    form = AdjustmentForm(request.POST, indicators=indicators)
    if form.is_valid():
        try:
            services.adjust_points(
                actor=request.user,
                member=member,
                indicator=form.cleaned_data["indicator"],
                points=form.cleaned_data["points"],
                on=form.cleaned_data["occurred_on"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "积分调整已记录")
            return redirect(reverse("points:member-points", kwargs={"code": member.code}))
    year = timezone.localdate().year
    summary = queries.member_summary(member, year)
    page = paginate(request, queries.entries_for_member(member, year), per_page=20)
    queries.attach_source_urls(list(page.object_list), request.user)
    form.fields["indicator"].queryset = (
        scheme.indicators.exclude(kind="veto") if scheme else Indicator.objects.none()
    )
    return render(
        request,
        "points/member_points.html",
        {"member": member, "year": year, "summary": summary, "page": page, "adjust_form": form},
        status=422,
    )


@require("self.view")
def entry_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One ledger entry and its source: a member sees their own, a secretary those in scope."""
    entry = get_for_user_or_404(
        PointsEntry.objects.select_related("member__organization", "indicator__dimension", "created_by"),
        request.user,
        perm="points.view",
        code=code,
    )
    own = getattr(request.user, "member_id", None) == entry.member_id
    back = (
        (reverse("points:my-points"), "我的积分")
        if own
        else (reverse("points:member-points", kwargs={"code": entry.member.code}), entry.member.name)
    )
    return render(
        request,
        "points/entry_detail.html",
        {
            "entry": entry,
            "source": queries.entry_source(entry, request.user),
            "breadcrumbs": [(back[1], back[0]), ("积分来源", None)],
        },
    )


# ---------------------------------------------------------------- ranking


@require("points.view")
def ranking(request: HttpRequest) -> HttpResponse:
    orgs = list(queries.organizations_for_user(request.user).order_by("path")[:500])
    form = RankingFilterForm(request.GET, orgs=[(str(o.code), "　" * o.depth + o.name) for o in orgs])
    year = timezone.localdate().year
    root = queries.default_root(request.user)
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        if form.cleaned_data["org"]:
            root = get_for_user_or_404(
                Organization, request.user, perm="points.view", code=form.cleaned_data["org"]
            )
    page = paginate(request, queries.ranking(root, year), per_page=30) if root else None
    context = {
        "form": form,
        "root": root,
        "year": year,
        "page": page,
        "query": query_without_page(request),
        "chart": queries.grade_distribution(root, year) if root else None,
        "can_manage": has_perm_anywhere(request.user, "points.manage_scheme"),
        "can_approve": has_perm_anywhere(request.user, "points.approve"),
        "breadcrumbs": [("积分排名", None)],
    }
    return render_page_or_partial(request, "points/ranking.html", context)


# ---------------------------------------------------------------- claims


def _claimable(member: Member, year: int) -> QuerySet[Indicator]:
    scheme = services.scheme_for(member.organization, year)
    if scheme is None:
        return Indicator.objects.none()
    return scheme.indicators.filter(claimable=True).select_related("dimension")


@require("self.view")
def claim_list(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    claims = (
        Claim.objects.filter(member=member).select_related("indicator") if member else Claim.objects.none()
    )
    page = paginate(request, claims, per_page=20)
    return render_page_or_partial(
        request,
        "points/claim_list.html",
        {
            "member": member,
            "page": page,
            "query": query_without_page(request),
            "breadcrumbs": [("我的申报", None)],
        },
    )


@require("self.view")
def claim_create(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    if member is None:
        raise PermissionDenied("您的账户未关联党员，不能申报积分")
    year = timezone.localdate().year
    indicators = _claimable(member, year)
    if request.method == "POST":
        all_claimable = Indicator.objects.filter(claimable=True).select_related("dimension")
        form = ClaimForm(request.POST, request.FILES, indicators=all_claimable)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = services.submit_claim(
                    actor=request.user,
                    member=member,
                    indicator=data["indicator"],
                    occurred_on=data["occurred_on"],
                    points=data["points"],
                    description=data["description"],
                    photo=data["photo"],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "申报已提交，等待支部审核")
                return redirect(reverse("points:claim-detail", kwargs={"code": claim.code}))
        form.fields["indicator"].queryset = indicators
        status = 422
    else:
        form = ClaimForm(indicators=indicators)
        status = 200
    return render(
        request,
        "points/claim_form.html",
        {
            "form": form,
            "member": member,
            "breadcrumbs": [("我的申报", reverse("points:claim-list")), ("申报积分", None)],
        },
        status=status,
    )


def _claim_for(request: HttpRequest, code: str, perm: str = "points.view") -> Claim:
    return get_for_user_or_404(
        Claim.objects.select_related("member__organization", "indicator__dimension", "decided_by"),
        request.user,
        perm=perm,
        code=code,
    )


@require("self.view")
def claim_detail(request: HttpRequest, code: str) -> HttpResponse:
    claim = _claim_for(request, code)
    can_decide = (
        claim.state == ClaimState.SUBMITTED
        and can(request.user, "points.approve", claim)
        and getattr(request.user, "member_id", None) != claim.member_id
    )
    return render(
        request,
        "points/claim_detail.html",
        {
            "claim": claim,
            "history": workflow.history_for(rules.CLAIM_PROCESS, claim),
            "decision_form": DecisionForm() if can_decide else None,
            "can_withdraw": claim.state == ClaimState.SUBMITTED
            and getattr(request.user, "member_id", None) == claim.member_id,
            "breadcrumbs": [("积分申报", None)],
        },
    )


@require("self.view")
def claim_photo(request: HttpRequest, code: str) -> HttpResponse:
    claim = _claim_for(request, code)
    if not claim.photo:
        raise Http404("没有照片")
    return FileResponse(claim.photo.open("rb"), content_type=claim.photo_type or "application/octet-stream")


@require("points.approve")
def claim_review(request: HttpRequest) -> HttpResponse:
    overdue_only = request.GET.get("overdue") == "1"
    page = paginate(
        request, queries.claims_awaiting_review(request.user, overdue_only=overdue_only), per_page=20
    )
    queries.mark_review_deadlines(page.object_list, timezone.localdate())
    return render_page_or_partial(
        request,
        "points/claim_review.html",
        {
            "page": page,
            "query": query_without_page(request),
            "overdue_only": overdue_only,
            "review_days": rules.CLAIM_REVIEW_WORKING_DAYS,
            "breadcrumbs": [("申报审核", None)],
        },
    )


@require("points.approve")
@require_POST
def claim_decide(request: HttpRequest, code: str) -> HttpResponse:
    claim = _claim_for(request, code, perm="points.approve")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.transition_claim(
                claim=claim,
                action=form.cleaned_data["action"],
                actor=request.user,
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form.add_error("comment" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(request, "已审核")
            return redirect(reverse("points:claim-review"))
    return render(
        request,
        "points/claim_detail.html",
        {"claim": claim, "history": workflow.history_for(rules.CLAIM_PROCESS, claim), "decision_form": form},
        status=422,
    )


@require("self.view")
@require_POST
def claim_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    claim = _claim_for(request, code)
    try:
        services.transition_claim(claim=claim, action="withdraw", actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申报已撤回")
    return redirect(reverse("points:claim-detail", kwargs={"code": claim.code}))


# ---------------------------------------------------------------- schemes & what-if


@require("points.view")
def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = (
        scoped(Scheme.objects.filter(purpose=SchemePurpose.MEMBER_POINTS), request.user, "points.view")
        .select_related("organization")
        .order_by("-year", "organization__path", "-version")
    )
    # A user below the 工委 also sees the schemes that apply to them from above.
    visible_paths = list(queries.paths_with(request.user, "points.view"))
    above = Scheme.objects.none()
    if visible_paths:
        ancestors = {a for p in visible_paths for a in services.ancestor_paths(p)}
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


def _scheme_for_user(request: HttpRequest, code: str) -> Scheme:
    """Schemes of the user's subtree, or those above it that apply to it (read only)."""
    paths = queries.paths_with(request.user, "points.view")
    ancestors = {a for p in paths for a in services.ancestor_paths(p)}
    try:
        scheme = Scheme.objects.select_related("organization").get(code=code)
    except (Scheme.DoesNotExist, ValueError) as exc:
        raise Http404("未找到或无权访问") from exc
    if scheme.organization.path in ancestors or any(scheme.organization.path.startswith(p) for p in paths):
        return scheme
    raise Http404("未找到或无权访问")


def _posted_rules(
    scheme: Scheme, data: Any
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
        inds.append(replace(i, **{**values, "points": values["points"] or Decimal("0")}))
    return replace(base, dimensions=tuple(dims), indicators=tuple(inds)), errors, cleaned


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _scheme_context(request: HttpRequest, scheme: Scheme, posted: Any = None) -> dict[str, Any]:
    """The scheme page; the editable numbers show what was posted (after a preview or an error)."""
    posted = posted or {}

    def value(name: str, current: Any) -> str:
        return (
            posted[name] if name in posted else (_fmt(current) if not isinstance(current, str) else current)
        )

    dimensions = list(scheme.dimensions.order_by("order", "id"))
    indicators = list(scheme.indicators.select_related("dimension").order_by("order", "id"))
    for d in dimensions:
        d.inputs = {
            f: value(f"dim-{d.code}-{f}", getattr(d, f))
            for f in ("name", "base", "threshold_a", "threshold_b")
        }
    for i in indicators:
        i.inputs = {
            f: value(f"ind-{i.code}-{f}", getattr(i, f))
            for f in ("points", "cap_month", "cap_quarter", "cap_year")
        }
    return {
        "scheme": scheme,
        "dimensions": dimensions,
        "indicators": indicators,
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
def scheme_detail(request: HttpRequest, code: str) -> HttpResponse:
    scheme = _scheme_for_user(request, code)
    return render(request, "points/scheme_detail.html", _scheme_context(request, scheme))


def _managed_scheme(request: HttpRequest, code: str) -> Scheme:
    scheme = _scheme_for_user(request, code)
    if not has_perm_at(request.user, "points.manage_scheme", scheme.organization.path):
        raise PermissionDenied("您没有设置积分方案的权限")
    return scheme


@require("points.manage_scheme")
@require_POST
def scheme_update(request: HttpRequest, code: str) -> HttpResponse:
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
        context["errors"] = {"__all__": "只有草稿方案可以修改；请先复制为新版本"}
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
def scheme_clone(request: HttpRequest, code: str) -> HttpResponse:
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
def scheme_activate(request: HttpRequest, code: str) -> HttpResponse:
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
def scheme_settings(request: HttpRequest, code: str) -> HttpResponse:
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
    request: HttpRequest, scheme: Scheme, form: IndicatorForm, indicator: Indicator | None, status: int = 200
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


def _draft_for_editing(request: HttpRequest, code: str) -> Scheme:
    scheme = _managed_scheme(request, code)
    if not scheme.is_editable:
        messages.error(request, "只有草稿方案可以修改；请先复制为新版本")
    return scheme


@require("points.manage_scheme")
def indicator_create(request: HttpRequest, code: str) -> HttpResponse:
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


def _scheme_indicator(scheme: Scheme, pk: int) -> Indicator:
    try:
        return scheme.indicators.select_related("dimension").get(pk=pk)
    except Indicator.DoesNotExist as exc:
        raise Http404("未找到该指标") from exc


@require("points.manage_scheme")
def indicator_update(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scheme = _draft_for_editing(request, code)
    indicator = _scheme_indicator(scheme, pk)
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
def indicator_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scheme = _managed_scheme(request, code)
    indicator = _scheme_indicator(scheme, pk)
    try:
        editing.delete_indicator(actor=request.user, indicator=indicator)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"指标“{indicator.name}”已删除")
    return redirect(reverse("points:scheme-detail", kwargs={"code": scheme.code}))


# ---------------------------------------------------------------- year end


@require("points.manage_scheme")
def year_end(request: HttpRequest) -> HttpResponse:
    root = queries.default_root(request.user, "points.manage_scheme")
    publicity_form = PublicityForm(
        initial={"year": timezone.localdate().year, "working_days": PUBLICITY_WORKING_DAYS}
    )
    finalize_form = FinalizeForm(initial={"year": timezone.localdate().year})
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("step") == "finalize":
                finalize_form = FinalizeForm(request.POST)
                if finalize_form.is_valid():
                    services.finalize_year(
                        actor=request.user, organization=root, year=finalize_form.cleaned_data["year"]
                    )
                    messages.success(request, "年度积分已定稿")
                    return redirect(reverse("points:year-end"))
            else:
                publicity_form = PublicityForm(request.POST)
                if publicity_form.is_valid():
                    data = publicity_form.cleaned_data
                    closing = services.start_publicity(
                        actor=request.user,
                        organization=root,
                        year=data["year"],
                        until=None if data["working_days"] else data["until"],
                        working_days=data["working_days"],
                    )
                    messages.success(request, f"已开始公示，截止 {closing.publicity_until:%Y-%m-%d}")
                    if closing.publicity_fallback:
                        messages.warning(request, FALLBACK_WARNING)
                    return redirect(reverse("points:year-end"))
        except DomainError as exc:
            form = finalize_form if request.POST.get("step") == "finalize" else publicity_form
            add_to_form(form, exc)
        status = 422
    closings = scoped(
        YearClosing.objects.select_related("organization", "finalized_by"), request.user, "points.view"
    )
    return render(
        request,
        "points/year_end.html",
        {
            "root": root,
            "closings": closings,
            "publicity_form": publicity_form,
            "finalize_form": finalize_form,
            "calendar_gap": [
                y
                for y in (timezone.localdate().year, timezone.localdate().year + 1)
                if workdays.day_source(date(y, 1, 1), workdays.load_table()) == workdays.FALLBACK
            ],
            "fallback_warning": FALLBACK_WARNING,
            "breadcrumbs": [("年度公示与定稿", None)],
        },
        status=status,
    )


# ---------------------------------------------------------------- exports


@require("points.view")
def ledger_export(request: HttpRequest, code: str) -> HttpResponse:
    org = get_for_user_or_404(Organization, request.user, perm="points.view", code=code)
    year = _year(request)
    content = exports.ledger_xlsx(org, year, base_url=request.build_absolute_uri("/"))
    audit.record("points.ledger_exported", obj=org, changes={"year": year})
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = exports.disposition(f"{org.name}{year}年度积分台账.xlsx")
    return response


@require("self.view")
def member_statement(request: HttpRequest, code: str) -> HttpResponse:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm="points.view", code=code
    )
    year = _year(request)
    content = exports.statement_xlsx(member, year)
    audit.record("points.statement_exported", obj=member, changes={"year": year})
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = exports.disposition(f"{member.name}{year}年度积分明细.xlsx")
    return response


@require("self.view")
def member_statement_docx(request: HttpRequest, code: str) -> HttpResponse:
    member = get_for_user_or_404(
        Member.objects.select_related("organization"), request.user, perm="points.view", code=code
    )
    year = _year(request)
    content = exports.statement_docx(member, year)
    audit.record("points.statement_exported", obj=member, changes={"year": year, "format": "docx"})
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = exports.disposition(f"{member.name}{year}年度积分明细.docx")
    return response
