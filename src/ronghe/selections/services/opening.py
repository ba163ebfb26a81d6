"""Opening a campaign: its own criteria scheme, the campaign and selection rows, its judges' panel."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import InvalidInput
from ronghe.core.judging import services as judging
from ronghe.core.judging.models import Panel, PanelJudge
from ronghe.core.scope import require_at
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import IndicatorKind, SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Campaign, Dimension, Indicator, Scheme
from ronghe.core.scoring.services import next_version
from ronghe.core.workflow import services as workflow
from ronghe.orgs.models import Organization
from ronghe.orgs.queries import judges_at, unit_of_member
from ronghe.selections import defaults, rules
from ronghe.selections.choices import CampaignState
from ronghe.selections.models import Selection
from ronghe.selections.rules import CAMPAIGN, CAMPAIGN_PROCESS
from ronghe.selections.services.errors import SelectionError


def criteria_scheme(
    *, organization: Organization, year: int, name: str, aggregation: str, tie_rule: str, actor: User | None
) -> Scheme:
    """The campaign's own criteria: the default entered indicators, the aggregation of the judges'
    sheets and the declared tie rule (ties compared on 事迹与成效 first)."""
    if aggregation not in levels.AGGREGATIONS:
        raise SelectionError("请选择评委评分的汇总方法", field="aggregation")
    if tie_rule not in levels.TIE_RULES:
        raise SelectionError("请选择名额边界上并列时的处理规则", field="tie_rule")
    level_rules = levels.LevelRules(
        aggregation=aggregation, tie_rule=tie_rule, tie_breakers=(defaults.CRITERIA[0][0],)
    )
    scheme = Scheme.objects.create(
        name=f"{name}评审标准",
        purpose=SchemePurpose.SELECTION,
        organization=organization,
        year=year,
        version=next_version(purpose=SchemePurpose.SELECTION, organization=organization, year=year),
        # a draft while units nominate, so the 工委 may still edit the criteria; fixed when judging opens
        status=SchemeStatus.DRAFT,
        floor=Decimal("0"),
        ceiling=sum((c[2] for c in defaults.CRITERIA), Decimal("0")),
        level_rules=level_rules.to_dict(),
    )
    dim = Dimension.objects.create(scheme=scheme, code="judged", name="评委评分")
    Indicator.objects.bulk_create(
        [
            Indicator(
                scheme=scheme,
                dimension=dim,
                code=code,
                name=label,
                kind=IndicatorKind.ENTERED,
                points=Decimal("0"),
                weight=Decimal("1"),
                floor=Decimal("0"),
                ceiling=top,
                order=i,
            )
            for i, (code, label, top) in enumerate(defaults.CRITERIA)
        ]
    )
    audit.record("scoring.scheme_seeded", actor=actor, obj=scheme, changes={"year": year})
    return scheme


def open_campaign(
    *,
    actor: User,
    organization: Organization,
    year: int,
    category: str,
    places: int,
    unit_quota: int,
    timetable: Mapping[str, date | None],
    aggregation: str = levels.TRIMMED_MEAN,
    tie_rule: str = levels.TIES_EXCLUDE,
    eligibility: rules.Eligibility | None = None,
    publicity_days: int = 5,
    name: str = "",
) -> Campaign:
    """Open one category's selection over the node's subtree, with its criteria scheme and its panel."""
    require_at(actor, "selections.manage", organization.path)
    cat = defaults.BY_CODE.get(category)
    errors: dict[str, list[str]] = {}
    if cat is None:
        errors["category"] = ["请选择评选类别"]
    if not 1 <= places <= 100:
        errors["places"] = ["评选名额应为 1–100 个"]
    if not 1 <= unit_quota <= 20:
        errors["unit_quota"] = ["每单位推荐名额应为 1–20 个"]
    if not 1 <= publicity_days <= 30:
        errors["publicity_days"] = ["公示期应为 1–30 个工作日"]
    for key, message in rules.timetable_problems(timetable).items():
        errors[key] = [message]
    if errors:
        raise InvalidInput(errors, {"category": "评选类别", "places": "评选名额", "unit_quota": "推荐名额"})
    assert cat is not None
    title = name.strip() or f"{year}年度{cat.group}·{cat.name}评选"
    if Campaign.objects.filter(
        purpose=SchemePurpose.SELECTION, organization=organization, year=year, selection__category=cat.code
    ).exists():
        raise SelectionError(f"{organization.name} {year} 年度的“{cat.name}”评选已经开启", field="category")
    chosen = eligibility if eligibility is not None else rules.Eligibility.from_dict(cat.eligibility)
    with transaction.atomic():
        scheme = criteria_scheme(
            organization=organization,
            year=year,
            name=title,
            aggregation=aggregation,
            tie_rule=tie_rule,
            actor=actor,
        )
        campaign = Campaign.objects.create(
            purpose=SchemePurpose.SELECTION,
            name=title,
            year=year,
            scheme=scheme,
            organization=organization,
            state=CampaignState.NOMINATING,
            timetable={k: v.isoformat() for k, v in timetable.items() if v},
            publicity_days=publicity_days,
            created_by=actor,
        )
        Selection.objects.create(
            campaign=campaign,
            category=cat.code,
            category_name=cat.name,
            subject_kind=cat.subject_kind,
            places=places,
            unit_quota=unit_quota,
            eligibility=chosen.to_dict(),
        )
        workflow.start(CAMPAIGN_PROCESS, campaign, by=actor)
        judging.open_panel(
            actor=actor,
            kind=CAMPAIGN,
            object_id=campaign.pk,
            organization=organization,
            title=f"{title}评审组",
            indicators=judging.judged_indicators(scheme.to_rules()),
            method=aggregation,
            manage_permission="selections.manage",
        )
        audit.record(
            "selections.campaign_opened",
            actor=actor,
            obj=campaign,
            changes={"category": cat.code, "places": places, "unit_quota": unit_quota, **chosen.to_dict()},
        )
    return campaign


def panel_of(campaign: Campaign) -> Panel:
    return Panel.objects.get(kind=CAMPAIGN, object_id=campaign.pk)


def add_judge(*, actor: User, campaign: Campaign, judge: User) -> PanelJudge:
    """Name a judge; their own unit (for 回避) is their member record's unit."""
    return judging.add_judge(
        actor=actor, panel=panel_of(campaign), judge=judge, unit_id=unit_of_member(judge.member_id)
    )


def judge_candidates(campaign: Campaign) -> QuerySet[User]:
    """Accounts holding the 评委 role at the campaign's node or above, not yet on its panel."""
    return judges_at(campaign.organization.path, seated=panel_of(campaign).judges.values("judge_id"))
