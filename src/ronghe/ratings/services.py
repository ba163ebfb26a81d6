"""Star-rating use-cases: open a campaign, self-assess and apply, check, evaluate, joint review,
公示, name, re-check, 摘星, and the follow-up of ≤3★ branches.

Every score, star and level comes from `core.scoring.levels` on the campaign's scheme; judges'
sheets, 联审, 公示, evidence and improvement plans are the core mechanisms. Services are keyword-only,
one transaction each, audited; refusals are `DomainError`s with a Chinese message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.evidence import services as evidence
from ronghe.core.jointreview import services as jointreview
from ronghe.core.judging import services as judging
from ronghe.core.judging.models import Panel
from ronghe.core.publicity import services as publicity
from ronghe.core.rectification import services as rectification
from ronghe.core.scope import require_at
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import IndicatorKind, SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Campaign, Dimension, Indicator, Result, Scheme
from ronghe.core.scoring.rules import SchemeRules
from ronghe.core.scoring.services import next_version
from ronghe.core.workflow import services as workflow
from ronghe.discipline import facts as discipline_facts
from ronghe.orgs.choices import BRANCH_KINDS
from ronghe.orgs.models import Organization, subtree_filter
from ronghe.orgs.queries import judges_at, unit_of_member
from ronghe.ratings import defaults, derived, rules
from ronghe.ratings.choices import CampaignState, EntryState, RecheckState, StarChangeKind
from ronghe.ratings.models import Entry, Recheck, StarChange
from ronghe.ratings.rules import CAMPAIGN, CAMPAIGN_PROCESS, ENTRY, ENTRY_PROCESS, RECHECK_PROCESS

SUBJECT_TYPE = "orgs.organization"


class RatingError(DomainError):
    """A refused rating step; the message is shown to the user."""


# ---------------------------------------------------------------- the scheme


def seed_default_scheme(*, organization: Organization, year: int, actor: User | None = None) -> Scheme:
    """The default star-rating scheme (defaults.py) at a node for a year, active."""
    from ronghe.core.scoring.services import activate_scheme

    with transaction.atomic():
        scheme = Scheme.objects.create(
            name=f"{year}年度{defaults.DEFAULT_NAME}",
            purpose=SchemePurpose.BRANCH_STARS,
            organization=organization,
            year=year,
            version=next_version(purpose=SchemePurpose.BRANCH_STARS, organization=organization, year=year),
            status=SchemeStatus.DRAFT,
            floor=Decimal("0"),
            ceiling=Decimal("110"),
            description="五颗星各有评定条件（默认条件待工委确认后修改）；群众满意度低于 60% 最高二星；"
            "班子成员受党纪政务处分的不参加本年度评定；五星名额不超过参评支部的 15%。",
            level_rules=defaults.LEVEL_RULES.to_dict(),
        )
        dims = {
            code: Dimension.objects.create(scheme=scheme, code=code, name=name, order=i, weight=weight)
            for i, (code, name, weight) in enumerate(defaults.DIMENSIONS)
        }
        Indicator.objects.bulk_create(
            [
                Indicator(
                    scheme=scheme,
                    dimension=dims[dim],
                    code=code,
                    name=name,
                    kind=kind,
                    points=Decimal("0"),
                    weight=weight,
                    floor=floor,
                    ceiling=ceiling,
                    sources=[source] if source else [],
                    order=i,
                )
                for i, (code, dim, name, kind, weight, floor, ceiling, source) in enumerate(
                    defaults.INDICATORS
                )
            ]
        )
        audit.record("scoring.scheme_seeded", actor=actor, obj=scheme, changes={"year": year})
        activate_scheme(scheme=scheme, actor=actor)
    return scheme


def active_scheme(organization: Organization, year: int) -> Scheme | None:
    """The active star-rating scheme of the node or its nearest ancestor for the year."""
    from ronghe.orgs.models import ancestor_paths

    paths = ancestor_paths(organization.path)
    schemes = Scheme.objects.filter(
        purpose=SchemePurpose.BRANCH_STARS,
        status=SchemeStatus.ACTIVE,
        year=year,
        organization__path__in=paths,
    ).select_related("organization")
    return max(schemes, key=lambda s: len(s.organization.path), default=None)


# ---------------------------------------------------------------- opening a campaign


def open_campaign(
    *,
    actor: User,
    organization: Organization,
    year: int,
    scheme: Scheme,
    timetable: Mapping[str, date | None],
    quotas: Sequence[levels.Quota] | None = None,
    publicity_days: int = 5,
    name: str = "",
) -> Campaign:
    """Open a year's campaign over every branch of the node's subtree; last year's 5★ are put up
    for re-check; the judges' panel opens over the scheme's entered indicators."""
    require_at(actor, "ratings.manage", organization.path)
    if scheme.purpose != SchemePurpose.BRANCH_STARS or scheme.status != SchemeStatus.ACTIVE:
        raise RatingError("请选择已启用的支部评星方案", field="scheme")
    if scheme.year != year:
        raise RatingError(f"所选方案是 {scheme.year} 年度的，与活动年度不符", field="scheme")
    if not organization.path.startswith(scheme.organization.path):
        raise RatingError("所选方案不适用于本组织", field="scheme")
    problems = rules.timetable_problems(dict(timetable))
    if problems:
        raise InvalidInput({k: [v] for k, v in problems.items()})
    if not 1 <= publicity_days <= 30:
        raise RatingError("公示期应为 1–30 个工作日", field="publicity_days")
    if Campaign.objects.filter(
        purpose=SchemePurpose.BRANCH_STARS, organization=organization, year=year
    ).exists():
        raise RatingError(f"{organization.name} {year} 年度的评星活动已经开启", field="year")
    branches = list(
        Organization.objects.filter(subtree_filter(organization.path), kind__in=BRANCH_KINDS, is_active=True)
        .select_related("unit")
        .order_by("path")
    )
    if not branches:
        raise RatingError("本组织下没有党支部，无法开展评星")
    scheme_rules = scheme.to_rules()
    level_rules = scheme.to_level_rules()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            purpose=SchemePurpose.BRANCH_STARS,
            name=name.strip() or f"{year}年度支部评星定级",
            year=year,
            scheme=scheme,
            organization=organization,
            state=CampaignState.OPEN,
            timetable={k: v.isoformat() for k, v in timetable.items() if v},
            quotas=[q.to_dict() for q in quotas] if quotas is not None else [],
            publicity_days=publicity_days,
            created_by=actor,
        )
        Entry.objects.bulk_create(
            [Entry(campaign=campaign, organization=b) for b in branches], batch_size=1000
        )
        workflow.start(CAMPAIGN_PROCESS, campaign, by=actor)
        judging.open_panel(
            actor=actor,
            kind=CAMPAIGN,
            object_id=campaign.pk,
            organization=organization,
            title=f"{campaign.name}评审组",
            indicators=judging.judged_indicators(scheme_rules),
            method=level_rules.aggregation,
            manage_permission="ratings.manage",
        )
        previous = Campaign.objects.filter(
            purpose=SchemePurpose.BRANCH_STARS,
            organization=organization,
            year=year - 1,
            state=CampaignState.NAMED,
        ).first()
        if previous is not None:
            five = Entry.objects.filter(campaign=previous, state=EntryState.NAMED, current_level=5)
            Recheck.objects.bulk_create(
                [Recheck(campaign=campaign, previous=e, organization_id=e.organization_id) for e in five]
            )
        audit.record(
            "ratings.campaign_opened",
            actor=actor,
            obj=campaign,
            changes={"branches": len(branches), "scheme": str(scheme.code)},
        )
    return campaign


def add_judge(*, actor: User, campaign: Campaign, judge: User, unit_id: int | None = None) -> Any:
    """Name a judge for the campaign; their own unit (for 回避) is their member record's unit unless given."""
    if unit_id is None:
        unit_id = unit_of_member(judge.member_id)
    return judging.add_judge(actor=actor, panel=panel_of(campaign), judge=judge, unit_id=unit_id)


def judge_candidates(campaign: Campaign) -> QuerySet[User]:
    """Accounts holding the 评委 role at the campaign's node or above, not yet on its panel."""
    return judges_at(campaign.organization.path, seated=panel_of(campaign).judges.values("judge_id"))


def panel_of(campaign: Campaign) -> Panel:
    return Panel.objects.get(kind=CAMPAIGN, object_id=campaign.pk)


def _require_open(campaign: Campaign) -> None:
    if campaign.fresh_state() != CampaignState.OPEN:
        label = dict(CampaignState.choices).get(campaign.state, campaign.state)
        raise RatingError(f"评星活动处于“{label}”阶段，不能再修改申报和评定")


# ---------------------------------------------------------------- self-assessment and 初审


def save_self_assessment(
    *,
    actor: User,
    entry: Entry,
    applied_level: int | None,
    self_scores: Mapping[str, Decimal | None],
    summary: str,
) -> Entry:
    """The branch's self-assessment: the level it applies for, its own scores and a summary."""
    require_at(actor, "ratings.apply", entry.organization.path)
    _require_open(entry.campaign)
    if entry.state not in (EntryState.DRAFT, EntryState.RETURNED):
        raise RatingError(f"“{entry.get_state_display()}”状态的申报不能修改自评")
    errors: dict[str, list[str]] = {}
    problem = rules.applied_level_problem(applied_level)
    if problem:
        errors["applied_level"] = [problem]
    scheme_rules = entry.campaign.scheme.to_rules()
    entered = {i["code"] for i in judging.judged_indicators(scheme_rules)}
    scores = {k: v for k, v in self_scores.items() if k in entered and v is not None}
    for code, message in levels.value_problems(scheme_rules, scores).items():
        errors[f"score_{code}"] = [message]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        entry.applied_level = applied_level
        entry.self_scores = {k: format(v, "f") for k, v in scores.items()}
        entry.self_summary = summary.strip()
        entry.save(update_fields=["applied_level", "self_scores", "self_summary", "updated_at"])
        audit.record(
            "ratings.self_assessment_saved",
            actor=actor,
            obj=entry,
            changes={"applied_level": applied_level, "self_scores": entry.self_scores},
        )
    return entry


def apply(*, actor: User, entry: Entry) -> Entry:
    """自评申星: the self-assessment goes to the unit's 初审; it needs a level, a summary and evidence."""
    _require_open(entry.campaign)
    workflow.check(ENTRY_PROCESS, entry, "apply", by=actor)
    problem = rules.applied_level_problem(entry.applied_level)
    if problem:
        raise RatingError(problem, field="applied_level")
    if not entry.self_summary:
        raise RatingError("请填写自评情况", field="self_summary")
    if not evidence.count_for(ENTRY, [entry.pk]).get(entry.pk):
        raise RatingError("申报星级须至少提交一份佐证材料（文件或会议、活动记录）", field="evidence")
    workflow.transition(ENTRY_PROCESS, entry, "apply", by=actor, data={"applied_level": entry.applied_level})
    return entry


def check(*, actor: User, entry: Entry, approve: bool, comment: str = "") -> Entry:
    """初审 by the unit's Party organization: pass to the 工委's evaluation, or return with a reason."""
    _require_open(entry.campaign)
    with transaction.atomic():
        workflow.transition(
            ENTRY_PROCESS, entry, "approve" if approve else "return", by=actor, comment=comment
        )
        if approve:
            judging.add_subject(
                panel=panel_of(entry.campaign),
                key=str(entry.pk),
                label=entry.organization.name,
                organization=entry.organization,
                unit_id=entry.organization.unit_id,
            )
    return entry


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Evaluated:
    values: dict[str, Decimal | None]
    derived: dict[str, dict[str, Any]]
    evaluation: Any
    outcome: levels.LevelOutcome


def entry_values(
    scheme_rules: SchemeRules,
    sources: Mapping[str, str],
    derived_values: Mapping[str, derived.DerivedValue],
    judged: Mapping[str, Decimal | None],
    vetoes: Mapping[str, bool],
) -> tuple[dict[str, Decimal | None], dict[str, dict[str, Any]]]:
    """One value per indicator: derived from records, combined from the judges' sheets, or a veto."""
    values: dict[str, Decimal | None] = {}
    shown: dict[str, dict[str, Any]] = {}
    for ind in scheme_rules.indicators:
        if ind.kind == IndicatorKind.VETO:
            values[ind.code] = Decimal("1") if vetoes.get(ind.code) else Decimal("0")
        elif ind.kind == IndicatorKind.ENTERED:
            values[ind.code] = judged.get(ind.code)
        else:
            source = sources.get(ind.code, "")
            dv = derived_values.get(source)
            values[ind.code] = dv.value if dv is not None else None
            shown[ind.code] = {
                "source": source,
                "value": None if dv is None or dv.value is None else format(dv.value, "f"),
                "detail": dv.detail if dv is not None else "暂无数据",
                "url": dv.url if dv is not None else "",
            }
    return values, shown


# The veto indicator fed by discipline's fact (ratings/defaults.py): a 班子成员 with a 处分 in force.
DISCIPLINE_VETO = "discipline_case"
DISCIPLINE_VETO_DETAIL = "班子成员受处分（一票否决）"


def discipline_vetoes(organization_id: int, year: int, veto_codes: set[str]) -> dict[str, dict[str, Any]]:
    """The vetoes the records decide, as shown on the entry: `discipline_case` when a member of the
    branch's committee had a 处分 (党纪 or 政务) in force in the year (`discipline.facts`). Only that
    it did — never who, which kind, or the case. The 工委's manual veto on the evaluation form adds to
    it and cannot lift it."""
    if DISCIPLINE_VETO not in veto_codes:
        return {}
    if not discipline_facts.organization_sanctions([organization_id], year):
        return {}
    return {
        DISCIPLINE_VETO: {"source": "discipline", "value": "1", "detail": DISCIPLINE_VETO_DETAIL, "url": ""}
    }


def _indicator_sources(scheme: Scheme) -> dict[str, str]:
    return {code: (src[0] if src else "") for code, src in scheme.indicators.values_list("code", "sources")}


def evaluate(
    *, actor: User, entry: Entry, vetoes: Mapping[str, bool] | None = None, comment: str = ""
) -> Entry:
    """评定: the judges' combined scores, the derived values and any veto give the total and the
    level before quotas; stored with the scheme snapshot so it can be reproduced."""
    campaign = entry.campaign
    _require_open(campaign)
    workflow.check(ENTRY_PROCESS, entry, "evaluate", by=actor)
    panel = panel_of(campaign)
    counts = judging.sheet_counts(panel)
    if not counts.get(str(entry.pk)):
        raise RatingError("还没有评委为该支部提交评分表，不能评定")
    scheme = campaign.scheme
    scheme_rules = scheme.to_rules()
    level_rules = campaign.level_rules()
    judged = judging.results(panel).get(str(entry.pk), {})
    derived_values = derived.branch_values(campaign.year, [entry.organization_id]).get(
        entry.organization_id, {}
    )
    veto_codes = {i.code for i in scheme_rules.indicators if i.kind == IndicatorKind.VETO}
    chosen = {k: bool(v) for k, v in (vetoes or {}).items() if k in veto_codes}
    from_facts = discipline_vetoes(entry.organization_id, campaign.year, veto_codes)
    chosen.update(dict.fromkeys(from_facts, True))
    values, shown = entry_values(scheme_rules, _indicator_sources(scheme), derived_values, judged, chosen)
    shown.update(from_facts)
    with transaction.atomic():
        _store_evaluation(entry, scheme, scheme_rules, level_rules, values, shown, counts[str(entry.pk)])
        workflow.transition(
            ENTRY_PROCESS,
            entry,
            "evaluate",
            by=actor,
            comment=comment,
            data={
                "total": entry.total,
                "score_level": entry.score_level,
                "vetoes": chosen,
                "vetoes_from_records": sorted(from_facts),
            },
        )
    return entry


def _store_evaluation(
    entry: Entry,
    scheme: Scheme,
    scheme_rules: SchemeRules,
    level_rules: levels.LevelRules,
    values: dict[str, Decimal | None],
    shown: dict[str, dict[str, Any]],
    sheets: int,
) -> None:
    evaluation = levels.evaluate_values(scheme_rules, values)
    outcome = levels.level_for(scheme_rules, level_rules, evaluation)
    breakdown = {
        "evaluation": evaluation.to_dict(),
        "level": outcome.to_dict(),
        "derived": shown,
        "values": {k: None if v is None else format(v, "f") for k, v in values.items()},
        "sheets": sheets,
    }
    snapshot = scheme_rules.to_snapshot() | {"levels": level_rules.to_dict()}
    result, _ = Result.objects.update_or_create(
        scheme=scheme,
        subject_type=SUBJECT_TYPE,
        subject_id=str(entry.organization_id),
        period=str(entry.campaign.year),
        defaults={
            "organization_id": entry.organization_id,
            "total": evaluation.total,
            "grade": outcome.label,
            "breakdown": breakdown,
            "snapshot": snapshot,
        },
    )
    entry.values = breakdown["values"]
    entry.breakdown = breakdown
    entry.total = evaluation.total
    entry.score_level = outcome.score_rank
    entry.level = outcome.rank
    entry.stars = outcome.star_names
    entry.result = result
    entry.save(
        update_fields=[
            "values",
            "breakdown",
            "total",
            "score_level",
            "level",
            "stars",
            "result",
            "updated_at",
        ]
    )


def preview(
    campaign: Campaign, organization_ids: Sequence[int] | None = None
) -> dict[int, levels.LevelOutcome]:
    """What every branch (or the given ones) would get now, without writing: derived values in one
    batch, the judges' combined scores so far, vetoes not yet decided. The 工委's overview before the
    evaluation, and the engine's cost at scale (bench)."""
    scheme_rules = campaign.scheme.to_rules()
    level_rules = campaign.level_rules()
    if organization_ids is None:
        organization_ids = list(
            Entry.objects.filter(campaign=campaign).values_list("organization_id", flat=True)
        )
    keys = dict(
        Entry.objects.filter(campaign=campaign, organization_id__in=organization_ids).values_list(
            "organization_id", "pk"
        )
    )
    judged = judging.results(panel_of(campaign))
    derived_all = derived.branch_values(campaign.year, list(organization_ids), links=False)  # levels only
    sources = _indicator_sources(campaign.scheme)
    out: dict[int, levels.LevelOutcome] = {}
    for org_id in organization_ids:
        values, _shown = entry_values(
            scheme_rules, sources, derived_all.get(org_id, {}), judged.get(str(keys.get(org_id)), {}), {}
        )
        out[org_id] = levels.level_for(
            scheme_rules, level_rules, levels.evaluate_values(scheme_rules, values)
        )
    return out


def reproduce(entry: Entry) -> tuple[Decimal, int | None]:
    """Re-evaluate an entry from its stored values and the stored rules (not the scheme's current ones)."""
    if entry.result is None:
        raise RatingError("该支部尚未评定")
    snapshot = entry.result.snapshot
    scheme_rules = SchemeRules.from_snapshot(snapshot)
    level_rules = levels.LevelRules.from_dict(snapshot.get("levels"))
    values = {k: levels.parse_value(v) for k, v in entry.values.items()}
    evaluation = levels.evaluate_values(scheme_rules, values)
    return evaluation.total, levels.level_for(scheme_rules, level_rules, evaluation).rank


# ---------------------------------------------------------------- quotas, what-if, 联审, 公示, naming


def _candidates(
    entries: Iterable[Entry], scheme_rules: SchemeRules, level_rules: levels.LevelRules
) -> list[levels.Candidate]:
    out = []
    for e in entries:
        values = {k: levels.parse_value(v) for k, v in e.values.items()}
        evaluation = levels.evaluate_values(scheme_rules, values)
        outcome = levels.level_for(scheme_rules, level_rules, evaluation)
        ties = tuple(values.get(code) or Decimal("0") for code in level_rules.tie_breakers)
        out.append(levels.Candidate(str(e.pk), outcome.rank, evaluation.total, ties))
    return out


def simulate(campaign: Campaign, level_rules: levels.LevelRules | None = None) -> levels.QuotaOutcome:
    """Levels of every evaluated entry after caps and quotas, under the campaign's rules or others
    (the what-if before naming: change a threshold or a quota, see who moves)."""
    level_rules = level_rules or campaign.level_rules()
    scheme_rules = campaign.scheme.to_rules()
    entries = Entry.objects.filter(campaign=campaign, state=EntryState.EVALUATED).only("pk", "values")
    return levels.apply_quotas(level_rules, _candidates(entries, scheme_rules, level_rules))


def propose(
    *, actor: User, campaign: Campaign, due_on: date, departments: Sequence[Mapping[str, str]] = ()
) -> Campaign:
    """提交联审: quotas applied over the evaluated branches, the list goes to the joint review."""
    workflow.check(CAMPAIGN_PROCESS, campaign, "propose", by=actor)
    waiting = Entry.objects.filter(
        campaign=campaign, state__in=[EntryState.SUBMITTED, EntryState.CHECKED]
    ).count()
    if waiting:
        raise RatingError(f"还有 {waiting} 个支部的申报未完成初审或评定，完成后才能提交联审")
    if due_on < timezone.localdate():
        raise RatingError("联审截止日期不能早于今天", field="due_on")
    outcome = simulate(campaign)
    if not outcome.ranks:
        raise RatingError("还没有已评定的支部，不能提交联审")
    notes = {p.key: p.reason for p in outcome.pushed}
    with transaction.atomic():
        entries = list(
            Entry.objects.filter(campaign=campaign, state=EntryState.EVALUATED).select_related("organization")
        )
        for e in entries:
            e.level = outcome.ranks[str(e.pk)]
            e.quota_note = notes.get(str(e.pk), "")[:300]
        Entry.objects.bulk_update(entries, ["level", "quota_note"], batch_size=1000)
        level_rules = campaign.level_rules()
        jointreview.open_review(
            actor=actor,
            kind=CAMPAIGN,
            object_id=campaign.pk,
            organization=campaign.organization,
            title=f"{campaign.name}联审",
            items=[_item(e, level_rules) for e in entries],
            departments=[dict(d) for d in departments] or defaults.DEPARTMENTS,
            due_on=due_on,
            override_permission="ratings.manage",
            view_permission="ratings.view",
        )
        judging.close(actor=actor, panel=panel_of(campaign))
        workflow.transition(
            CAMPAIGN_PROCESS, campaign, "propose", by=actor, data={"pushed": len(outcome.pushed)}
        )
    return campaign


def _item(entry: Entry, level_rules: levels.LevelRules) -> dict[str, str]:
    detail = f"总分 {entry.total}；{level_rules.label(entry.level)}"
    if entry.stars:
        detail += "（" + "、".join(entry.stars) + "）"
    return {"key": str(entry.pk), "label": entry.organization.name, "detail": detail}


def set_aside(*, actor: User, entry: Entry, comment: str) -> Entry:
    """暂缓命名 (a joint-review objection or a problem found): the branch is left off the list."""
    if entry.campaign.fresh_state() not in (CampaignState.OPEN, CampaignState.REVIEW):
        raise RatingError("公示开始后不能再调整名单")
    workflow.transition(ENTRY_PROCESS, entry, "set_aside", by=actor, comment=comment)
    return entry


def restore(*, actor: User, entry: Entry, comment: str) -> Entry:
    if entry.campaign.fresh_state() not in (CampaignState.OPEN, CampaignState.REVIEW):
        raise RatingError("公示开始后不能再调整名单")
    workflow.transition(ENTRY_PROCESS, entry, "restore", by=actor, comment=comment)
    return entry


def review_of(campaign: Campaign) -> Any:
    return jointreview.for_object(CAMPAIGN, campaign.pk).first()


def publication_of(campaign: Campaign) -> Any:
    return publicity.for_object(CAMPAIGN, campaign.pk).first()


def publish(*, actor: User, campaign: Campaign, starts_on: date | None = None) -> Campaign:
    """公示 the list once the joint review passed (or its objections were overridden with a reason)."""
    workflow.check(CAMPAIGN_PROCESS, campaign, "publish", by=actor)
    review = review_of(campaign)
    if review is None or not jointreview.outcome(review).passed:
        raise RatingError("联审尚未通过：须各部门同意，或对异议作出不予采纳的决定后才能公示")
    level_rules = campaign.level_rules()
    entries = Entry.objects.filter(campaign=campaign, state=EntryState.EVALUATED).select_related(
        "organization"
    )
    with transaction.atomic():
        publicity.publish(
            actor=actor,
            kind=CAMPAIGN,
            object_id=campaign.pk,
            organization=campaign.organization,
            title=f"{campaign.name}结果公示",
            items=[_item(e, level_rules) for e in entries],
            working_days=campaign.publicity_days,
            view_permission="ratings.view",
            handle_permission="ratings.manage",
            starts_on=starts_on,
        )
        workflow.transition(CAMPAIGN_PROCESS, campaign, "publish", by=actor)
    return campaign


def name(*, actor: User, campaign: Campaign) -> Campaign:
    """命名授星: after the 公示 closed, every listed branch is named at its level (an upheld objection
    leaves that branch aside); results are frozen; ≤3★ branches enter the follow-up."""
    workflow.check(CAMPAIGN_PROCESS, campaign, "name", by=actor)
    publication = publication_of(campaign)
    if publication is None or publication.state != "closed":
        raise RatingError("公示尚未结束：公示期满且异议处理完毕、结束公示后才能命名")
    upheld = publicity.upheld_keys(publication)
    now = timezone.now()
    with transaction.atomic():
        for entry in Entry.objects.filter(campaign=campaign, state=EntryState.EVALUATED).select_related(
            "organization"
        ):
            if str(entry.pk) in upheld:
                workflow.transition(
                    ENTRY_PROCESS, entry, "set_aside", by=actor, comment="公示期间异议经核实成立，暂缓命名"
                )
                continue
            workflow.transition(
                ENTRY_PROCESS,
                entry,
                "name",
                by=actor,
                fields={"current_level": entry.level, "named_at": now},
                data={"level": entry.level, "stars": entry.stars},
            )
        workflow.transition(CAMPAIGN_PROCESS, campaign, "name", by=actor, fields={"closed_at": now})
    return campaign


# ---------------------------------------------------------------- 复核, 摘星, follow-up


def decide_recheck(
    *, actor: User, recheck: Recheck, keep: bool, comment: str = "", star: str = ""
) -> Recheck:
    """复核 of last year's 5★: keep, or take one star away (with the reason, and which star)."""
    if keep:
        workflow.transition(RECHECK_PROCESS, recheck, "keep", by=actor, comment=comment)
        return recheck
    with transaction.atomic():
        workflow.transition(RECHECK_PROCESS, recheck, "reduce", by=actor, comment=comment)
        _take_star(
            actor=actor, entry=recheck.previous, star=star, decision=comment, kind=StarChangeKind.RECHECK
        )
    return recheck


def remove_star(
    *, actor: User, entry: Entry, star: str, decision: str, decided_on: date | None = None
) -> StarChange:
    """年中摘星 for a serious failure: one star off a named branch, with the decision, audited."""
    require_at(actor, "ratings.manage", entry.campaign.organization.path)
    if not decision.strip():
        raise RatingError("请填写摘星决定或理由", field="decision")
    with transaction.atomic():
        return _take_star(
            actor=actor, entry=entry, star=star, decision=decision, kind=StarChangeKind.REMOVED, on=decided_on
        )


def _take_star(
    *, actor: User, entry: Entry, star: str, decision: str, kind: str, on: date | None = None
) -> StarChange:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.state != EntryState.NAMED or not entry.current_level:
        raise RatingError("该支部没有可摘除的星")
    if entry.stars and star not in entry.stars:
        raise RatingError("请选择要摘除的星", field="star")
    before = entry.current_level
    entry.current_level = before - 1
    if star:
        entry.stars = [s for s in entry.stars if s != star]
    entry.save(update_fields=["current_level", "stars", "updated_at"])
    change = StarChange.objects.create(
        entry=entry,
        kind=kind,
        from_level=before,
        to_level=before - 1,
        star=star,
        decision=decision.strip(),
        decided_on=on or timezone.localdate(),
        by=actor,
    )
    audit.record(
        "ratings.star_removed",
        actor=actor,
        obj=entry,
        changes={"level": [before, before - 1], "star": star, "kind": kind, "decision": decision.strip()},
    )
    return change


def needs_follow_up(entry: Entry) -> bool:
    return entry.state == EntryState.NAMED and (entry.current_level or 0) <= rules.FOLLOW_UP_MAX_LEVEL


def start_follow_up(
    *, actor: User, entry: Entry, leader: str, measures: str, owner: str, due_on: date, title: str = ""
) -> Any:
    """A ≤3★ branch: link the responsible leader and write the improvement plan (an 整改 item the 工委 checks)."""
    if not needs_follow_up(entry):
        raise RatingError("只有已命名且为三星及以下的支部需要制定提升计划")
    if not leader.strip():
        raise RatingError("请填写联系领导", field="leader")
    with transaction.atomic():
        entry.leader = leader.strip()
        entry.save(update_fields=["leader", "updated_at"])
        item = rectification.create_item(
            actor=actor,
            kind=ENTRY,
            object_id=entry.pk,
            organization=entry.organization,
            title=title.strip() or f"{entry.campaign.year}年度星级提升计划",
            measures=measures,
            owner=owner,
            leader=leader.strip(),
            due_on=due_on,
            owner_permission="ratings.apply",
            issuer_permission="ratings.manage",
        )
    return item


# ---------------------------------------------------------------- reads


def late_entries(
    campaign: Campaign, qs: QuerySet[Entry] | None = None, today: date | None = None
) -> QuerySet[Entry]:
    states = rules.late_states(campaign.timetable, today or timezone.localdate())
    qs = qs if qs is not None else Entry.objects.filter(campaign=campaign)
    return qs.filter(state__in=states) if states and campaign.state == CampaignState.OPEN else qs.none()


def history_of(organization: Organization) -> list[Entry]:
    """The branch's stars over the years (named entries, newest first, with their star changes)."""
    return list(
        Entry.objects.filter(organization=organization, state=EntryState.NAMED)
        .select_related("campaign")
        .prefetch_related("star_changes")
        .order_by("-campaign__year")
    )


def previous_levels(campaign: Campaign) -> dict[int, int | None]:
    """Last year's named level of each branch (for 晋位升级)."""
    rows = Entry.objects.filter(
        campaign__purpose=SchemePurpose.BRANCH_STARS,
        campaign__organization_id=campaign.organization_id,
        campaign__year=campaign.year - 1,
        state=EntryState.NAMED,
    ).values_list("organization_id", "current_level")
    return dict(rows)


def recheck_pending(campaign: Campaign) -> QuerySet[Recheck]:
    return Recheck.objects.filter(campaign=campaign, state=RecheckState.PENDING)
