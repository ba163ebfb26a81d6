"""融合考核 use-cases: open a year's assessment, set its weights and rules, evaluate every unit,
finalize. KPIs and their results are `kpis.py`; the 述职评议 round is `debriefs.py`.

Every refusal is a `DomainError` with a Chinese message (one error contract for pages and API);
nothing is half-written (each use-case is one transaction).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from ronghe.assessment import defaults, derived, rules
from ronghe.assessment.choices import CampaignState
from ronghe.assessment.models import Entry, Settings
from ronghe.core import audit
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.scope import require_at
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Campaign, Dimension, Indicator, Result, Scheme
from ronghe.core.scoring.rules import SchemeRules
from ronghe.core.types import Actor
from ronghe.core.workflow import services as workflow
from ronghe.core.workflow.process import Process, Step
from ronghe.orgs import queries as orgs_queries
from ronghe.orgs.models import Organization, Unit

MANAGE = "assessment.manage"
VIEW = "assessment.view"
REPORT = "assessment.report"
SUBJECT_TYPE = "orgs.unit"
FINALIZED = "考核结果已定档，不能修改"

CAMPAIGN_PROCESS = Process(
    name="assessment.campaign",
    noun="融合考核",
    state_field="state",
    steps={
        (CampaignState.OPEN, "finalize"): Step(CampaignState.FINALIZED, MANAGE, denied="您没有定档的权限")
    },
    state_labels=dict(CampaignState.choices),
    action_labels={"finalize": "定档"},
    audit_event="assessment.campaign_{action}",
    refusal=FINALIZED,
)


def _dec(raw: object, field: str, label: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput({field: ["应为数字"]}, {field: label}) from None
    if not value.is_finite():
        raise InvalidInput({field: ["应为数字"]}, {field: label})
    return value


# ---------------------------------------------------------------- units in an assessment


def main_organizations(unit_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """Per unit: (id, path) of the Party organization that answers for it (`orgs.queries.lead_organizations`)."""
    return {u: (org.pk, org.path) for u, org in orgs_queries.lead_organizations(list(unit_ids)).items()}


def units_under(organization: Organization) -> list[tuple[Unit, int]]:
    """The units whose lead Party organization is in `organization`'s subtree, with that org's id."""
    from django.db.models import Q

    units = list(
        Unit.objects.filter(
            Q(organizations__path__startswith=organization.path)
            | Q(joint_organizations__path__startswith=organization.path)
        ).distinct()
    )
    mains = main_organizations([u.pk for u in units])
    return [
        (u, mains[u.pk][0]) for u in units if u.pk in mains and mains[u.pk][1].startswith(organization.path)
    ]


# ---------------------------------------------------------------- the assessment campaign


def settings_of(campaign: Campaign) -> rules.AssessmentRules:
    row = Settings.objects.filter(campaign=campaign).first()
    return rules.AssessmentRules.from_dict(row.rules if row else None)


def _require_open(campaign: Campaign) -> None:
    if campaign.state != CampaignState.OPEN:
        raise DomainError(FINALIZED, code="finalized")


def open_assessment(
    *, actor: Actor, organization: Organization, year: int, party_weight: object, name: str = ""
) -> Campaign:
    """Open `year`'s assessment of every unit under `organization` with the default scheme and the
    党建 weight the 工委 sets (required: no weight is imposed)."""
    require_at(actor, MANAGE, organization.path)
    weight = None if party_weight in (None, "") else _dec(party_weight, "party_weight", "党建权重")
    problem = rules.party_weight_problem(weight)
    if problem:
        raise InvalidInput({"party_weight": [problem]}, {"party_weight": "党建权重"})
    assert weight is not None
    if Campaign.objects.filter(
        purpose=SchemePurpose.UNIT_ASSESSMENT, organization=organization, year=year
    ).exists():
        raise DomainError(f"{organization.name}已有 {year} 年度融合考核", field="year", code="exists")
    units = units_under(organization)
    with transaction.atomic():
        scheme = Scheme.objects.create(
            name=f"{year}年度{defaults.DEFAULT_NAME}",
            purpose=SchemePurpose.UNIT_ASSESSMENT,
            organization=organization,
            year=year,
            status=SchemeStatus.ACTIVE,
            floor=Decimal(0),
            ceiling=Decimal(100),
            level_rules=defaults.LEVEL_RULES.to_dict(),
            description="党建部分由平台记录自动得出，业务部分来自业务系统报送的目标任务完成值。",
        )
        share = weight / 100
        dims = {
            code: Dimension.objects.create(
                scheme=scheme,
                code=code,
                name=label,
                order=i,
                weight=share if code == rules.PARTY else 1 - share,
            )
            for i, (code, label) in enumerate(defaults.DIMENSIONS)
        }
        Indicator.objects.bulk_create(
            Indicator(
                scheme=scheme,
                dimension=dims[dim],
                code=code,
                name=label,
                kind=kind,
                points=Decimal(0),
                weight=w,
                floor=floor,
                ceiling=ceiling,
                order=i,
            )
            for i, (code, dim, label, kind, w, floor, ceiling) in enumerate(defaults.INDICATORS)
        )
        campaign = Campaign.objects.create(
            purpose=SchemePurpose.UNIT_ASSESSMENT,
            name=name.strip() or f"{year}年度机关党建与业务融合考核",
            year=year,
            scheme=scheme,
            organization=organization,
            state=CampaignState.OPEN,
            created_by_id=actor.pk,
        )
        Settings.objects.create(campaign=campaign, rules=rules.AssessmentRules().to_dict())
        Entry.objects.bulk_create(
            Entry(campaign=campaign, unit=unit, organization_id=org_id) for unit, org_id in units
        )
        workflow.start(CAMPAIGN_PROCESS, campaign, by=actor)
        audit.record(
            "assessment.open",
            actor=actor,
            obj=campaign,
            changes={"year": year, "party_weight": weight, "units": len(units)},
        )
    return campaign


def party_weight(campaign: Campaign) -> Decimal:
    dim = Dimension.objects.get(scheme=campaign.scheme, code=rules.PARTY)
    return (dim.weight * 100).quantize(rules.CENT)


def update_rules(
    *,
    actor: Actor,
    campaign: Campaign,
    party_weight: object,
    indicator_weights: Mapping[str, object],
    unit_lines: Mapping[int, object],
    arules: rules.AssessmentRules,
) -> None:
    """Change the weights, the unit grade lines and the assessment's own rules before it is final.
    The 党建 indicators' weights must add up to 1, so the 党建 score stays on 0–100."""
    require_at(actor, MANAGE, campaign.organization.path)
    _require_open(campaign)
    errors: dict[str, list[str]] = {}
    weight = None if party_weight in (None, "") else _dec(party_weight, "party_weight", "党建权重")
    if problem := rules.party_weight_problem(weight):
        errors["party_weight"] = [problem]
    inds = {i.code: i for i in Indicator.objects.filter(scheme=campaign.scheme).select_related("dimension")}
    new_weights: dict[str, Decimal] = {}
    for code, raw in indicator_weights.items():
        if code not in inds:
            continue
        w = _dec(raw, f"w_{code}", inds[code].name)
        if w < 0 or w > 1:
            errors[f"w_{code}"] = ["权重应在 0–1 之间"]
        new_weights[code] = w
    party_sum = sum(
        (
            new_weights.get(c, i.weight)
            for c, i in inds.items()
            if i.dimension.code == rules.PARTY and i.kind != "veto"
        ),
        Decimal(0),
    )
    if not errors and party_sum != 1:
        errors["__all__"] = [f"党建各项指标的权重之和应为 1（现为 {levels.plain(party_sum)}）"]
    lines = {int(r): _dec(v, f"line_{r}", "等次分数线") for r, v in unit_lines.items()}
    ordered = [lines[r] for r in sorted(lines, reverse=True)]
    if any(a <= b for a, b in zip(ordered, ordered[1:], strict=False)):
        errors["lines"] = ["等次分数线应从高到低依次递减"]
    for name, mapping in (("party_lines", arules.party_lines), ("debrief_lines", arules.debrief.lines)):
        vals = [mapping[r] for r in sorted(mapping, reverse=True)]
        if any(a <= b for a, b in zip(vals, vals[1:], strict=False)):
            errors[name] = ["等次分数线应从高到低依次递减"]
    if arules.kpi_cap < 100:
        errors["kpi_cap"] = ["超额完成计分上限不能低于 100%"]
    if errors:
        raise InvalidInput(
            errors,
            {
                "party_weight": "党建权重",
                "lines": "考核等次",
                "kpi_cap": "超额完成计分上限",
                "party_lines": "党建等次",
                "debrief_lines": "述职评议等次",
            },
        )
    assert weight is not None
    with transaction.atomic():
        scheme = campaign.scheme
        share = weight / 100
        Dimension.objects.filter(scheme=scheme, code=rules.PARTY).update(weight=share)
        Dimension.objects.filter(scheme=scheme, code=rules.BUSINESS).update(weight=1 - share)
        for code, w in new_weights.items():
            Indicator.objects.filter(pk=inds[code].pk).update(weight=w)
        lr = scheme.to_level_rules()
        scheme.level_rules = levels.LevelRules(
            model=lr.model,
            levels=tuple(
                levels.Level(lv.rank, lv.label, lines.get(lv.rank, lv.min_total)) for lv in lr.levels
            ),
            caps=lr.caps,
            veto_max_rank=lr.veto_max_rank,
        ).to_dict()
        scheme.save(update_fields=["level_rules", "updated_at"])
        Settings.objects.filter(campaign=campaign).update(rules=arules.to_dict())
        audit.record(
            "assessment.rules_update",
            actor=actor,
            obj=campaign,
            changes={
                "party_weight": weight,
                "weights": new_weights,
                "lines": lines,
                "rules": arules.to_dict(),
            },
        )


def level_rules_for(scheme: Scheme, arules: rules.AssessmentRules) -> levels.LevelRules:
    """The scheme's level rules with the linking rule's cap added (shown as a reason in each result)."""
    import dataclasses

    base = scheme.to_level_rules()
    labels = {lv.rank: lv.label for lv in base.levels}
    return dataclasses.replace(base, caps=base.caps + rules.link_caps(arules, labels))


def evaluate(*, actor: Actor, campaign: Campaign, today: date | None = None) -> int:
    """Compute every unit's entry from the platform's records and the KPI results; may be run again
    until the assessment is finalized. A fixed number of queries plus two bulk writes."""
    require_at(actor, MANAGE, campaign.organization.path)
    _require_open(campaign)
    now = timezone.now()
    arules = settings_of(campaign)
    scheme = campaign.scheme
    scheme_rules = scheme.to_rules()
    lr = level_rules_for(scheme, arules)
    labels = {lv.rank: lv.label for lv in lr.levels}
    entries = list(Entry.objects.filter(campaign=campaign).select_related("unit"))
    unit_ids = [e.unit_id for e in entries]
    debriefs = derived.debrief_ranks(unit_ids, campaign.year)
    party = derived.party_values(unit_ids, campaign.year, arules, today=today, debriefs=debriefs)
    kpis = derived.kpi_lines(unit_ids, campaign.year)
    # The rules every unit is scored by, stored with each result (one dict: the rows are written as JSON).
    snapshot = scheme_rules.to_snapshot() | {"levels": lr.to_dict(), "assessment": arules.to_dict()}
    results = []
    for e in entries:
        shown = {
            code: {"value": _s(v.value), "detail": v.detail, "url": v.url}
            for code, v in party.get(e.unit_id, {}).items()
        }
        values: dict[str, Decimal | None] = {code: v.value for code, v in party.get(e.unit_id, {}).items()}
        business, kpi_scores = rules.business_score(kpis.get(e.unit_id, []), arules.kpi_cap)
        values[rules.KPI_INDICATOR] = business
        shown[rules.KPI_INDICATOR] = {
            "value": _s(business),
            "detail": f"{len(kpi_scores)} 项业务指标加权完成率" if kpi_scores else "本年度未设业务指标",
            "url": "",
        }
        unit_rules, left_out = (
            rules.without_missing(scheme_rules, values) if arules.skip_missing else (scheme_rules, [])
        )
        evaluation = levels.evaluate_values(unit_rules, values)
        outcome = levels.level_for(unit_rules, lr, evaluation)
        party_dim = evaluation.dimensions.get(rules.PARTY)
        business_dim = evaluation.dimensions.get(rules.BUSINESS)
        e.party_score = None if party_dim is None else rules.q(party_dim)
        e.business_score = None if business is None or business_dim is None else rules.q(business_dim)
        # a veto (违纪违法案件) is a fact, not Party-building data: it alone does not make the side complete
        no_party = all(
            values.get(i.code) is None
            for i in scheme_rules.indicators
            if i.dimension == rules.PARTY and i.kind != "veto"
        )
        incomplete = rules.incomplete(no_party, business is None)
        if no_party:
            e.party_score = None
        e.total = None if incomplete else evaluation.total
        e.party_rank = rules.party_rank(e.party_score, arules)
        e.rank = None if incomplete else outcome.rank
        e.grade = "" if incomplete else outcome.label
        e.capped_by = [] if incomplete else list(outcome.capped_by)
        e.secretary_rank, e.secretary_note = rules.secretary_rank(
            debriefs.get(e.unit_id), e.rank, arules, labels
        )
        e.values = {k: _s(v) for k, v in values.items()}
        e.breakdown = {
            "evaluation": evaluation.to_dict(),
            "level": outcome.to_dict(),
            "derived": shown,
            "kpis": [s.to_dict() for s in kpi_scores],
            "debrief_rank": debriefs.get(e.unit_id),
            "left_out": left_out,
            "incomplete": incomplete,
        }
        e.computed_at = now
        results.append(
            Result(
                scheme=scheme,
                organization_id=e.organization_id,
                subject_type=SUBJECT_TYPE,
                subject_id=str(e.unit.code),
                period=str(campaign.year),
                total=evaluation.total,
                grade=e.grade,
                breakdown=e.breakdown,
                snapshot=snapshot,
            )
        )
    _place_in_quadrants(entries, arules)
    with transaction.atomic():
        Result.objects.bulk_create(
            results,
            update_conflicts=True,
            unique_fields=["scheme", "subject_type", "subject_id", "period"],
            update_fields=["organization", "total", "grade", "breakdown", "snapshot", "computed_at"],
            batch_size=500,
        )
        stored = dict(
            Result.objects.filter(
                scheme=scheme, subject_type=SUBJECT_TYPE, period=str(campaign.year)
            ).values_list("subject_id", "pk")
        )
        for e in entries:
            e.result_id = stored.get(str(e.unit.code))
        # Written as an upsert on the id (every entry exists): one INSERT … ON CONFLICT per 500 rows;
        # `bulk_update`'s CASE per field and row cost more to build in Django than the whole evaluation.
        Entry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=[
                "values",
                "breakdown",
                "party_score",
                "business_score",
                "total",
                "party_rank",
                "rank",
                "grade",
                "capped_by",
                "secretary_rank",
                "secretary_note",
                "quadrant",
                "result",
                "computed_at",
            ],
            batch_size=500,
        )
        audit.record("assessment.evaluate", actor=actor, obj=campaign, changes={"units": len(entries)})
    return len(entries)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def quadrant_lines(entries: Sequence[Entry], arules: rules.AssessmentRules) -> tuple[Decimal, Decimal] | None:
    """The quadrant's lines: the configured ones, else the mean of the units with both scores."""
    both = [e for e in entries if e.party_score is not None and e.business_score is not None]
    if not both:
        return None
    p = arules.party_line
    b = arules.business_line
    if p is None:
        p = rules.q(sum((e.party_score for e in both if e.party_score is not None), Decimal(0)) / len(both))
    if b is None:
        b = rules.q(
            sum((e.business_score for e in both if e.business_score is not None), Decimal(0)) / len(both)
        )
    return p, b


def _place_in_quadrants(entries: Sequence[Entry], arules: rules.AssessmentRules) -> None:
    lines = quadrant_lines(entries, arules)
    for e in entries:
        if lines is None or e.party_score is None or e.business_score is None:
            e.quadrant = ""
        else:
            e.quadrant = rules.quadrant(e.party_score, e.business_score, *lines)


def finalize(*, actor: Actor, campaign: Campaign) -> None:
    """定档: the results become final; every later change is refused."""
    if not Entry.objects.filter(campaign=campaign, computed_at__isnull=False).exists():
        raise DomainError("尚未计算考核结果，不能定档", code="not_evaluated")
    with transaction.atomic():
        workflow.transition(
            CAMPAIGN_PROCESS, campaign, "finalize", by=actor, fields={"closed_at": timezone.now()}
        )
        Settings.objects.filter(campaign=campaign).update(
            finalized_at=timezone.now(), finalized_by_id=actor.pk
        )


def reproduce(entry: Entry) -> tuple[Decimal | None, int | None]:
    """Re-evaluate an entry from its stored values and the stored rules (not the scheme's current ones)."""
    if entry.result is None:
        raise DomainError("该单位尚未计算考核结果")
    if entry.breakdown.get("incomplete"):
        return None, None
    snapshot = entry.result.snapshot
    scheme_rules = SchemeRules.from_snapshot(snapshot)
    lr = levels.LevelRules.from_dict(snapshot.get("levels"))
    values = {k: levels.parse_value(v) for k, v in entry.values.items()}
    arules = rules.AssessmentRules.from_dict(snapshot.get("assessment"))
    if arules.skip_missing:
        scheme_rules, _ = rules.without_missing(scheme_rules, values)
    evaluation = levels.evaluate_values(scheme_rules, values)
    return evaluation.total, levels.level_for(scheme_rules, lr, evaluation).rank
