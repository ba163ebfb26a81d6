"""融合考核 pages: assessments (list, open, results, rules, a unit's breakdown, the quadrant), KPIs
and the 述职评议 rounds. Thin: forms in, services do the work, queries read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.assessment import exports, queries, rules, services
from ronghe.assessment.choices import CampaignState, Quadrant
from ronghe.assessment.forms import (
    CampaignForm,
    SettingsForm,
)
from ronghe.assessment.models import Entry
from ronghe.core import audit, downloads
from ronghe.core.charts import data_table, render_or_export
from ronghe.core.errors import DomainError, InvalidInput, add_each_to_form, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, paths_with
from ronghe.core.scoring.models import Campaign, Indicator
from ronghe.orgs import queries as orgs_queries
from ronghe.orgs.models import Organization, Unit

VIEW, MANAGE = services.VIEW, services.MANAGE
STATE_LABELS = dict(CampaignState.choices)


def _nodes(request: AuthenticatedRequest) -> list[Organization]:
    return list(Organization.objects.filter(path__in=paths_with(request.user, MANAGE)).order_by("path"))


def campaign_for(request: AuthenticatedRequest, code: UUID) -> Campaign:
    campaign = queries.visible_campaigns(request.user).filter(code=code).first()
    if campaign is None:
        raise Http404
    campaign.state_label = STATE_LABELS.get(campaign.state, campaign.state)
    return campaign


def _can_manage(request: AuthenticatedRequest, campaign: Campaign) -> bool:
    return has_perm_at(request.user, MANAGE, campaign.organization.path)


# ---------------------------------------------------------------- assessments


@require(VIEW)
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(request, queries.visible_campaigns(request.user), per_page=20)
    for c in page.object_list:
        c.state_label = STATE_LABELS.get(c.state, c.state)
    return render_page_or_partial(
        request,
        "assessment/campaign_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "can_open": bool(_nodes(request)),
            "own": queries.own_entries(request.user).first(),
        },
    )


@require(MANAGE)
def campaign_create(request: AuthenticatedRequest) -> HttpResponse:
    nodes = [(str(o.code), o.name) for o in _nodes(request)]
    form = CampaignForm(request.POST or None, nodes=nodes, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        org = Organization.objects.get(code=form.cleaned_data["organization"])
        try:
            campaign = services.open_assessment(
                actor=request.user,
                organization=org,
                year=form.cleaned_data["year"],
                party_weight=form.cleaned_data["party_weight"],
                name=form.cleaned_data["name"],
            )
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, "已开启融合考核，各单位党建数据将自动汇总")
            return redirect("assessment:campaign-detail", code=campaign.code)
    return render(
        request, "assessment/campaign_form.html", {"form": form}, status=400 if form.errors else 200
    )


ORDERINGS = {"total": "-total", "party": "-party_score", "business": "-business_score", "unit": "unit__name"}


@require(VIEW)
def campaign_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    entries = queries.visible_entries(request.user, campaign)
    grade = request.GET.get("grade", "")
    quadrant = request.GET.get("quadrant", "")
    q = (request.GET.get("q") or "").strip()
    rows = entries
    if grade:
        rows = rows.filter(grade=grade)
    if quadrant in queries.QUADRANT_LABELS:
        rows = rows.filter(quadrant=quadrant)
    if q:
        rows = rows.filter(unit__name__icontains=q)
    order = ORDERINGS.get(request.GET.get("order", "total"), "-total")
    page = paginate(request, rows.order_by(order, "unit__name"), per_page=30)
    for e in page.object_list:
        e.quadrant_label = queries.QUADRANT_LABELS.get(e.quadrant, "")
        e.party_label = rules.grade_label(e.party_rank)
        e.secretary_label = rules.grade_label(e.secretary_rank)
        e.is_eligible = queries.eligible(e)
    ctx = {
        "campaign": campaign,
        "page": page,
        "query": query_without_page(request),
        "grade": grade,
        "quadrant": quadrant,
        "q": q,
        "order": request.GET.get("order", "total"),
        "grades": queries.grade_counts(entries),
        "quadrants": [
            (k, queries.QUADRANT_LABELS[k], n) for k, n in queries.quadrant_counts(entries).items()
        ],
        "computed": entries.filter(computed_at__isnull=False).exists(),
        "can_manage": _can_manage(request, campaign),
        "party_weight": services.party_weight(campaign),
        "business_weight": 100 - services.party_weight(campaign),
        "arules": services.settings_of(campaign),
        "breadcrumbs": [("融合考核", reverse("assessment:campaign-list")), (campaign.name, None)],
    }
    return render_page_or_partial(request, "assessment/campaign_detail.html", ctx)


@require(MANAGE)
@require_POST
def campaign_evaluate(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    try:
        n = services.evaluate(actor=request.user, campaign=campaign)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已计算 {n} 个单位的考核结果")
    return redirect("assessment:campaign-detail", code=code)


@require(MANAGE)
@require_POST
def campaign_finalize(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    try:
        services.finalize(actor=request.user, campaign=campaign)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "考核结果已定档")
    return redirect("assessment:campaign-detail", code=code)


def _party_indicators(campaign: Campaign) -> list[tuple[str, str, Decimal]]:
    return [
        (i.code, i.name, i.weight)
        for i in Indicator.objects.filter(scheme=campaign.scheme, dimension__code=rules.PARTY)
        .exclude(kind="veto")
        .order_by("order")
    ]


@require(MANAGE)
def campaign_settings(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    if not _can_manage(request, campaign):
        raise Http404
    indicators = _party_indicators(campaign)
    arules = services.settings_of(campaign)
    lr = campaign.scheme.to_level_rules()
    lines = {lv.rank: lv.min_total for lv in lr.levels}
    initial: dict[str, Any] = {
        "party_weight": services.party_weight(campaign),
        **{f"line_{r}": lines.get(r) for r in (4, 3, 2)},
        **{f"party_{r}": arules.party_lines.get(r) for r in (4, 3, 2)},
        "kpi_cap": arules.kpi_cap,
        "link_party": arules.link(rules.PARTY_GRADE_CAP) is not None,
        "link_secretary": arules.link(rules.SECRETARY_NEEDS_UNIT) is not None,
        "party_line": arules.party_line,
        "business_line": arules.business_line,
        **{f"w_{c}": w for c, _n, w in indicators},
    }
    form = SettingsForm(request.POST or None, initial=initial, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        new = rules.AssessmentRules(
            party_lines={r: d[f"party_{r}"] for r in (4, 3, 2)},
            debrief=arules.debrief,
            kpi_cap=d["kpi_cap"],
            links=(
                rules.LinkRule(rules.PARTY_GRADE_CAP, enabled=d["link_party"]),
                rules.LinkRule(rules.SECRETARY_NEEDS_UNIT, enabled=d["link_secretary"]),
            ),
            party_line=d["party_line"],
            business_line=d["business_line"],
        )
        try:
            services.update_rules(
                actor=request.user,
                campaign=campaign,
                party_weight=d["party_weight"],
                indicator_weights={c: d[f"w_{c}"] for c in form.indicator_codes},
                unit_lines={r: d[f"line_{r}"] for r in (4, 3, 2)},
                arules=new,
            )
        except DomainError as exc:
            _map_rule_errors(form, exc)
        else:
            messages.success(request, "考核规则已保存，请重新计算考核结果")
            return redirect("assessment:campaign-detail", code=code)
    return render(
        request,
        "assessment/campaign_settings.html",
        {
            "campaign": campaign,
            "form": form,
            "breadcrumbs": [
                ("融合考核", reverse("assessment:campaign-list")),
                (campaign.name, reverse("assessment:campaign-detail", args=[code])),
                ("考核规则", None),
            ],
        },
        status=400 if form.errors else 200,
    )


def _map_rule_errors(form: SettingsForm, exc: DomainError) -> None:
    if isinstance(exc, InvalidInput):
        where = {"lines": "line_2", "party_lines": "party_2", "debrief_lines": None}
        for field, msgs in exc.errors.items():
            target = where.get(field, field)
            for m in msgs:
                form.add_error(target if target in form.fields else None, m)
    else:
        add_to_form(form, exc)


def _entry(request: AuthenticatedRequest, code: UUID) -> Entry:
    return get_for_user_or_404(
        Entry.objects.select_related("campaign", "campaign__organization", "unit", "result"),
        request.user,
        perm=VIEW,
        code=code,
    )


@require(VIEW)
def entry_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    entry = _entry(request, code)
    campaign = entry.campaign
    audit.record("assessment.entry_view", actor=request.user, obj=entry)
    names = {i.code: i for i in Indicator.objects.filter(scheme=campaign.scheme).select_related("dimension")}
    evaluation = entry.breakdown.get("evaluation", {})
    counted = {i["code"]: i for i in evaluation.get("indicators", [])}
    lines = []
    for ind_code, shown in entry.breakdown.get("derived", {}).items():
        ind = names.get(ind_code)
        if ind is None:
            continue
        lines.append(
            {
                "name": ind.name,
                "dimension": ind.dimension.name,
                "weight": ind.weight,
                "veto": ind.kind == "veto",
                "value": shown.get("value"),
                "detail": shown.get("detail"),
                "url": shown.get("url"),
                "counted": counted.get(ind_code, {}).get("counted"),
                "left_out": ind.name in entry.breakdown.get("left_out", []),
            }
        )
    history = queries.unit_history(entry.unit_id, request.user)
    position, computed = queries.rank_in(entry)
    ctx = {
        "entry": entry,
        "campaign": campaign,
        "lines": lines,
        "kpis": entry.breakdown.get("kpis", []),
        "party_label": rules.grade_label(entry.party_rank),
        "secretary_label": rules.grade_label(entry.secretary_rank),
        "quadrant_label": queries.QUADRANT_LABELS.get(entry.quadrant, ""),
        "eligible": queries.eligible(entry),
        "means": queries.county_means(campaign),
        "position": position,
        "computed": computed,
        "history": history,
        "history_chart": {
            "years": [str(h.campaign.year) for h in history],
            "party": [float(h.party_score) if h.party_score is not None else None for h in history],
            "business": [float(h.business_score) if h.business_score is not None else None for h in history],
            # the page's visible table of the same years (below the chart), for 导出 Excel
            "table": data_table(
                id="history-table",
                caption="历年党建与业务得分",
                columns=["年度", "党建得分", "业务得分", "考核等次"],
                rows=[
                    [str(h.campaign.year), h.party_score, h.business_score, h.grade or None] for h in history
                ],
            ),
        },
        "party_weight": services.party_weight(campaign),
        "breadcrumbs": [
            ("融合考核", reverse("assessment:campaign-list")),
            (campaign.name, reverse("assessment:campaign-detail", args=[campaign.code])),
            (entry.unit.name, None),
        ],
    }
    return render_or_export(request, "assessment/entry_detail.html", ctx)


@require(VIEW)
def quadrant(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    campaign = campaign_for(request, code)
    entries = queries.visible_entries(request.user, campaign)
    points = queries.quadrant_points(entries)
    lines = services.quadrant_lines(
        list(Entry.objects.filter(campaign=campaign)), services.settings_of(campaign)
    )
    groups: dict[str, list[queries.Point]] = {label: [] for label in queries.QUADRANT_LABELS.values()}
    for p in points:
        groups.setdefault(p.quadrant, []).append(p)
    chart = {
        "lines": None if lines is None else [float(lines[0]), float(lines[1])],
        "series": [
            {
                "name": label,
                "data": [
                    {"name": p.name, "value": [p.business, p.party], "url": p.url, "grade": p.grade}
                    for p in pts
                ],
            }
            for label, pts in groups.items()
        ],
        "table": data_table(
            id="quadrant-table",
            caption="各单位党建与业务得分",
            columns=["单位", "业务得分", "党建得分", "象限", "考核等次"],
            rows=[
                [p.name, p.business, p.party, label, p.grade or None]
                for label, pts in groups.items()
                for p in sorted(pts, key=lambda p: p.name)
            ],
        ),
    }
    return render_or_export(
        request,
        "assessment/quadrant.html",
        {
            "campaign": campaign,
            "groups": [(label, sorted(pts, key=lambda p: p.name)) for label, pts in groups.items()],
            "lines": lines,
            "chart": chart,
            "quadrant_help": {
                Quadrant.BOTH_STRONG.label: "党建和业务都在分界线以上",
                Quadrant.PARTY_LAGGING.label: "业务强、党建弱：党建工作需加强",
                Quadrant.BUSINESS_LAGGING.label: "党建强、业务弱：党建未转化为业务成效，警惕“两张皮”",
                Quadrant.BOTH_WEAK.label: "党建和业务都在分界线以下",
            },
            "breadcrumbs": [
                ("融合考核", reverse("assessment:campaign-list")),
                (campaign.name, reverse("assessment:campaign-detail", args=[code])),
                ("融合象限", None),
            ],
        },
    )


@require(VIEW)
def campaign_export(request: AuthenticatedRequest, code: UUID, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "docx"):
        raise Http404
    campaign = campaign_for(request, code)
    entries = list(queries.visible_entries(request.user, campaign).order_by("-total", "unit__name"))
    audit.record(
        "assessment.export", actor=request.user, obj=campaign, changes={"format": fmt, "rows": len(entries)}
    )
    name = f"{campaign.name}（干部考核参考）"
    if fmt == "docx":
        return downloads.generated(exports.cadre_docx(campaign, entries), downloads.DOCX, f"{name}.docx")
    return downloads.generated(exports.results_xlsx(campaign, entries), downloads.XLSX, f"{name}.xlsx")


def _year(request: AuthenticatedRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def _units_managed(request: AuthenticatedRequest) -> list[Unit]:
    return list(orgs_queries.units_for_user(request.user, MANAGE).order_by("name"))
