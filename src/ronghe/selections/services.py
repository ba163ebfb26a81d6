"""Selection use-cases: open a campaign, nominate (eligibility and quota checked), judge, rank,
联审, 公示, announce and award. 两优一先 runs on the same engine with its own categories.

Scores come from the judges' sheets (`core.judging`), combined and ranked by `core.scoring.levels` on
the campaign's own scheme; 联审 and 公示 are the core mechanisms. Services are keyword-only, one
transaction each, audited; refusals are `DomainError`s with a Chinese message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.jointreview import services as jointreview
from ronghe.core.jointreview.models import JointReview
from ronghe.core.judging import services as judging
from ronghe.core.judging.models import Panel, PanelJudge
from ronghe.core.publicity import services as publicity
from ronghe.core.publicity.choices import PublicationState
from ronghe.core.publicity.models import Publication
from ronghe.core.scope import require_at
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import IndicatorKind, SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Campaign, Dimension, Indicator, Scheme
from ronghe.core.scoring.services import next_version
from ronghe.core.workflow import services as workflow
from ronghe.discipline import facts as discipline
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.orgs.queries import judges_at, unit_of_member
from ronghe.points import services as points
from ronghe.points.choices import SourceType
from ronghe.points.services import PointsError
from ronghe.selections import defaults, rules
from ronghe.selections.choices import CampaignState, NominationState, SubjectKind
from ronghe.selections.models import Brand, Nomination, Selection
from ronghe.selections.rules import CAMPAIGN, CAMPAIGN_PROCESS, NOMINATION_PROCESS

SUBJECT_TYPE = "selections.nomination"


class SelectionError(DomainError):
    """A refused selection step; the message is shown to the user."""


# ---------------------------------------------------------------- opening


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


# ---------------------------------------------------------------- eligibility and nomination


def period_of(campaign: Campaign) -> tuple[date, date]:
    """The period a selection looks back on: its year."""
    return date(campaign.year, 1, 1), date(campaign.year, 12, 31)


def facts_for(campaign: Campaign, *, member: Member | None, organization: Organization) -> rules.Facts:
    """What the records say about a nominee: status, 处分 in force, the branch's stars, the points grade."""
    from ronghe.points.queries import grades_of
    from ronghe.ratings.queries import current_stars

    named = current_stars(organization.pk)
    stars = named.current_level if named is not None else None
    if member is None:
        return rules.Facts(stars=stars)
    start, end = period_of(campaign)
    return rules.Facts(
        status=member.status,
        sanctions=tuple(discipline.sanctions_in_force([member.pk], start, end).get(member.pk, [])),
        under_review=member.pk in discipline.members_with_cases([member.pk], start, end),
        stars=stars,
        grade=grades_of([member.pk], campaign.year).get(member.pk, ""),
    )


def check_eligibility(
    campaign: Campaign, *, member: Member | None, organization: Organization
) -> list[rules.Failure]:
    selection = campaign.selection
    start, end = period_of(campaign)
    period = f"{start.year}年度"
    facts = facts_for(campaign, member=member, organization=organization)
    return rules.eligibility_failures(
        rules.Eligibility.from_dict(selection.eligibility), facts, period=period
    )


def _subject(
    selection: Selection,
    *,
    member: Member | None,
    organization: Organization | None,
    brand: Brand | None,
    title: str,
) -> tuple[Organization, str]:
    """The nominee's organization and the name shown, by the selection's subject kind."""
    kind = selection.subject_kind
    if kind == SubjectKind.MEMBER:
        if member is None:
            raise SelectionError("请选择推荐的党员", field="member")
        if member.status not in ACTIVE_STATUSES:
            raise SelectionError(f"“{member.name}”不是在册党员，不能推荐", field="member")
        return member.organization, member.name
    if kind == SubjectKind.BRAND:
        if brand is None:
            raise SelectionError("请选择推荐的党建品牌", field="brand")
        return brand.organization, brand.name
    if organization is None:
        raise SelectionError("请选择党组织", field="organization")
    if kind == SubjectKind.ORGANIZATION:
        return organization, organization.name
    title = (title or "").strip()
    if not title:
        noun = "党课题目" if kind == SubjectKind.LECTURE else "阵地名称"
        raise SelectionError(f"请填写{noun}", field="title")
    if len(title) > 100:
        raise SelectionError("名称不能超过 100 字", field="title")
    return organization, title


def nominate(
    *,
    actor: User,
    campaign: Campaign,
    summary: str,
    member: Member | None = None,
    organization: Organization | None = None,
    brand: Brand | None = None,
    title: str = "",
) -> Nomination:
    """A unit recommends one nominee: in the nominating step, within the unit's quota, after every
    eligibility rule has passed (each failed one named). Nothing is written when any check fails."""
    if campaign.fresh_state() != CampaignState.NOMINATING:
        raise SelectionError("推荐已截止，不能再推荐")
    selection = campaign.selection
    subject_org, label = _subject(
        selection, member=member, organization=organization, brand=brand, title=title
    )
    require_at(actor, "selections.nominate", subject_org.path)
    if not subject_org.path.startswith(campaign.organization.path):
        raise SelectionError("推荐对象不在本次评选的范围内")
    if subject_org.unit_id is None:
        raise SelectionError(f"“{subject_org.name}”不属于任何单位，不能推荐", field="organization")
    summary = (summary or "").strip()
    if not summary:
        raise SelectionError("请填写推荐理由和主要事迹", field="summary")
    if len(summary) > 4000:
        raise SelectionError("推荐理由和主要事迹不能超过 4000 字", field="summary")
    failures = check_eligibility(campaign, member=member, organization=subject_org)
    if failures:
        raise InvalidInput({"__all__": [f.message for f in failures]})
    with transaction.atomic():
        # the unit's nominations, locked so two secretaries cannot both take the last place
        active = (
            Nomination.objects.select_for_update()
            .filter(campaign=campaign, unit_id=subject_org.unit_id)
            .exclude(state=NominationState.WITHDRAWN)
        )
        taken = list(active.values_list("member_id", "organization_id", "brand_id", "title"))
        unit_name = subject_org.unit.name if subject_org.unit else ""
        problem = rules.quota_problem(len(taken), selection.unit_quota, unit_name)
        if problem:
            raise SelectionError(problem)
        same = (
            (member is not None and any(t[0] == member.pk for t in taken))
            or (brand is not None and any(t[2] == brand.pk for t in taken))
            or (
                selection.subject_kind == SubjectKind.ORGANIZATION
                and any(t[1] == subject_org.pk for t in taken)
            )
            or (
                selection.subject_kind in (SubjectKind.LECTURE, SubjectKind.SITE)
                and any(t[3] == label and t[1] == subject_org.pk for t in taken)
            )
        )
        if same:
            raise SelectionError(f"“{label}”已经推荐过")
        nomination = Nomination.objects.create(
            campaign=campaign,
            unit_id=subject_org.unit_id,
            organization=subject_org,
            member=member,
            brand=brand,
            title=label,
            summary=summary,
            eligibility=rules.passed_rules(rules.Eligibility.from_dict(selection.eligibility)),
            created_by=actor,
        )
        workflow.start(NOMINATION_PROCESS, nomination, by=actor)
        audit.record(
            "selections.nominated",
            actor=actor,
            obj=nomination,
            changes={"campaign": str(campaign.code), "title": label, "unit": unit_name},
        )
    return nomination


def withdraw(*, actor: User, nomination: Nomination, comment: str) -> Nomination:
    if nomination.campaign.fresh_state() != CampaignState.NOMINATING:
        raise SelectionError("推荐已截止，不能再撤回")
    workflow.transition(NOMINATION_PROCESS, nomination, "withdraw", by=actor, comment=comment)
    return nomination


def unit_usage(campaign: Campaign, unit_id: int) -> int:
    return (
        Nomination.objects.filter(campaign=campaign, unit_id=unit_id)
        .exclude(state=NominationState.WITHDRAWN)
        .count()
    )


# ---------------------------------------------------------------- judging and ranking


def nominees(campaign: Campaign) -> QuerySet[Nomination]:
    return Nomination.objects.filter(campaign=campaign).exclude(state=NominationState.WITHDRAWN)


def start_judging(*, actor: User, campaign: Campaign) -> Campaign:
    """截止推荐: every nominee goes on the judges' panel (with its unit, for 回避)."""
    workflow.check(CAMPAIGN_PROCESS, campaign, "judge", by=actor)
    rows = list(nominees(campaign).select_related("organization"))
    if not rows:
        raise SelectionError("还没有推荐对象，不能开始评审")
    panel = panel_of(campaign)
    if not panel.judges.exists():
        raise SelectionError("请先添加评委，再开始评审")
    with transaction.atomic():
        for n in rows:
            judging.add_subject(
                panel=panel, key=str(n.pk), label=n.title, organization=n.organization, unit_id=n.unit_id
            )
        # the criteria are fixed from here on (the scheme leaves draft; no other version to archive)
        Scheme.objects.filter(pk=campaign.scheme_id, status=SchemeStatus.DRAFT).update(
            status=SchemeStatus.ACTIVE, updated_at=timezone.now()
        )
        workflow.transition(CAMPAIGN_PROCESS, campaign, "judge", by=actor, data={"nominees": len(rows)})
    return campaign


def standings(
    campaign: Campaign,
) -> list[tuple[Nomination, levels.Placing, Decimal, dict[str, Decimal | None]]]:
    """Every nominee's combined scores, total and place under the campaign's rules, from the
    sheets submitted so far (nothing written). A nominee without a sheet does not compete."""
    scheme_rules = campaign.scheme.to_rules()
    level_rules = campaign.scheme.to_level_rules()
    judged = judging.results(panel_of(campaign))
    rows = list(nominees(campaign).select_related("organization", "unit"))
    candidates: list[levels.Candidate] = []
    by_key: dict[str, tuple[Nomination, Decimal, dict[str, Decimal | None]]] = {}
    for n in rows:
        values = judged.get(str(n.pk))
        evaluation = levels.evaluate_values(scheme_rules, values or {})
        ties = tuple((values or {}).get(code) or Decimal("0") for code in level_rules.tie_breakers)
        candidates.append(levels.Candidate(str(n.pk), 0 if values else None, evaluation.total, ties))
        by_key[str(n.pk)] = (n, evaluation.total, dict(values or {}))
    placings = levels.select_winners(candidates, campaign.selection.places, level_rules.tie_rule)
    return [(by_key[p.key][0], p, by_key[p.key][1], by_key[p.key][2]) for p in placings]


def propose(
    *, actor: User, campaign: Campaign, due_on: date, departments: Sequence[Mapping[str, str]] = ()
) -> Campaign:
    """结束评分: the panel closes, every nominee gets its combined score and place, the winners (by
    the declared tie rule at the cut) go to the joint review."""
    workflow.check(CAMPAIGN_PROCESS, campaign, "propose", by=actor)
    if due_on < timezone.localdate():
        raise SelectionError("联审截止日期不能早于今天", field="due_on")
    panel = panel_of(campaign)
    counts = judging.sheet_counts(panel)
    missing = [n.title for n in nominees(campaign) if not counts.get(str(n.pk))]
    if missing:
        raise SelectionError(
            f"还有 {len(missing)} 个推荐对象没有评委评分（{'、'.join(missing[:5])}），不能结束评分"
        )
    with transaction.atomic():
        judging.close(actor=actor, panel=panel)
        rows = standings(campaign)
        updated = []
        for n, placing, total, values in rows:
            n.total = total
            n.scores = {k: None if v is None else format(v, "f") for k, v in values.items()}
            n.place = placing.place
            n.winner = placing.winner
            n.place_note = placing.note[:200]
            updated.append(n)
        Nomination.objects.bulk_update(updated, ["total", "scores", "place", "winner", "place_note"])
        winners = [n for n in updated if n.winner]
        if not winners:
            raise SelectionError("没有入选对象，不能提交联审")
        jointreview.open_review(
            actor=actor,
            kind=CAMPAIGN,
            object_id=campaign.pk,
            organization=campaign.organization,
            title=f"{campaign.name}联审",
            items=[_item(n) for n in winners],
            departments=[dict(d) for d in departments] or defaults.DEPARTMENTS,
            due_on=due_on,
            override_permission="selections.manage",
            view_permission="selections.view",
        )
        workflow.transition(
            CAMPAIGN_PROCESS,
            campaign,
            "propose",
            by=actor,
            data={"winners": len(winners), "nominees": len(rows)},
        )
    return campaign


def _item(n: Nomination) -> dict[str, str]:
    unit = n.unit.name if n.unit_id and n.unit else ""
    return {"key": str(n.pk), "label": n.title, "detail": f"{unit}；得分 {n.total}；第 {n.place} 名"}


def review_of(campaign: Campaign) -> JointReview | None:
    return jointreview.for_object(CAMPAIGN, campaign.pk).first()


def publication_of(campaign: Campaign) -> Publication | None:
    return publicity.for_object(CAMPAIGN, campaign.pk).first()


def set_aside(*, actor: User, nomination: Nomination, comment: str) -> Nomination:
    """暂缓授予 (a joint-review objection upheld): the winner leaves the list; the place stays empty."""
    if nomination.campaign.fresh_state() != CampaignState.REVIEW:
        raise SelectionError("只有联审阶段可以暂缓授予")
    if not nomination.winner:
        raise SelectionError("该对象不在入选名单中")
    workflow.transition(NOMINATION_PROCESS, nomination, "set_aside", by=actor, comment=comment)
    return nomination


def _reviews_passed(campaign: Campaign) -> bool:
    """The joint review and every 递补联审 after it passed (or were overridden)."""
    reviews = list(jointreview.for_object(CAMPAIGN, campaign.pk))
    return bool(reviews) and all(jointreview.outcome(r).passed for r in reviews)


def upheld_in_publicity(campaign: Campaign) -> set[str]:
    """The nominations (keys) with an objection upheld in the campaign's 公示 so far."""
    return set().union(*(publicity.upheld_keys(p) for p in publicity.for_object(CAMPAIGN, campaign.pk)))


def replaceable(nomination: Nomination, *, upheld: set[str] | None = None) -> bool:
    """A winner whose place a runner-up may take: set aside (联审), or with an objection upheld in
    公示, while the campaign is in either step, and not replaced yet."""
    campaign = nomination.campaign
    if campaign.state not in (CampaignState.REVIEW, CampaignState.PUBLICITY) or not nomination.winner:
        return False
    if Nomination.objects.filter(replaces=nomination).exists():
        return False
    if nomination.state == NominationState.SET_ASIDE:
        return True
    if nomination.state != NominationState.NOMINATED or campaign.state != CampaignState.PUBLICITY:
        return False
    return str(nomination.pk) in (upheld if upheld is not None else upheld_in_publicity(campaign))


def promote_runner_up(*, actor: User, nomination: Nomination, reason: str) -> Nomination:
    """递补: the 工委 gives the place of a set-aside winner (`nomination`) to the best-placed runner-up
    (`rules.next_in_line`), with a reason. Allowed during 联审 and 公示, never once announced. The
    runner-up goes through what the others went through: a 递补联审 by the same departments and, when
    the 公示 has begun, a 递补公示 of the same length; both must end before the result is announced.
    A winner with an objection upheld in 公示 is set aside first. Returns the promoted nomination."""
    campaign = nomination.campaign
    require_at(actor, "selections.manage", campaign.organization.path)
    state = campaign.fresh_state()
    if state == CampaignState.ANNOUNCED:
        raise SelectionError("评选结果已公布，不能再递补")
    if state not in (CampaignState.REVIEW, CampaignState.PUBLICITY):
        raise SelectionError("评分结束、提交联审后才能递补")
    reason = (reason or "").strip()
    if not reason:
        raise SelectionError("请填写递补的理由", field="comment")
    if len(reason) > 2000:
        raise SelectionError("递补的理由不能超过 2000 字", field="comment")
    taken = Nomination.objects.filter(replaces=nomination).first()
    if taken is not None:
        raise SelectionError(f"“{nomination.title}”的名额已由“{taken.title}”递补")
    if not replaceable(nomination):
        raise SelectionError("只有暂缓授予（或公示异议经核实成立）的入选对象，才能由其他推荐对象递补")
    with transaction.atomic():
        # the runners-up, locked: two clicks cannot promote two of them into one place
        rows = list(
            nominees(campaign)
            .select_for_update()
            .filter(state=NominationState.NOMINATED, winner=False)
            .select_related("unit")
        )
        # a concurrent promotion for the same place committed while we waited for the lock
        taken = Nomination.objects.filter(replaces=nomination).first()
        if taken is not None:
            raise SelectionError(f"“{nomination.title}”的名额已由“{taken.title}”递补")
        try:
            chosen = rules.next_in_line(rules.RunnerUp(str(n.pk), n.title, n.place) for n in rows)
        except ValueError as exc:
            raise SelectionError(str(exc)) from exc
        promoted = next(n for n in rows if str(n.pk) == chosen.key)
        if nomination.state == NominationState.NOMINATED:
            workflow.transition(
                NOMINATION_PROCESS,
                nomination,
                "set_aside",
                by=actor,
                comment="公示期间异议经核实成立，暂缓授予",
            )
        promoted.winner = True
        promoted.replaces = nomination
        promoted.place_note = f"“{nomination.title}”暂缓授予，按名次递补入选"
        promoted.save(update_fields=["winner", "replaces", "place_note", "updated_at"])
        first = jointreview.for_object(CAMPAIGN, campaign.pk).last()
        jointreview.open_review(
            actor=actor,
            kind=CAMPAIGN,
            object_id=campaign.pk,
            organization=campaign.organization,
            title=f"{campaign.name}递补联审",
            items=[_item(promoted)],
            departments=list(first.departments) if first is not None else defaults.DEPARTMENTS,
            due_on=max(first.due_on, timezone.localdate()) if first is not None else timezone.localdate(),
            override_permission="selections.manage",
            view_permission="selections.view",
        )
        if state == CampaignState.PUBLICITY:
            publicity.publish(
                actor=actor,
                kind=CAMPAIGN,
                object_id=campaign.pk,
                organization=campaign.organization,
                title=f"{campaign.name}递补人选公示",
                items=[_item(promoted)],
                working_days=campaign.publicity_days,
                view_permission="selections.view",
                handle_permission="selections.manage",
            )
        audit.record(
            "selections.nomination_promoted",
            actor=actor,
            obj=promoted,
            changes={
                "replaces": nomination.title,
                "replaces_code": str(nomination.code),
                "place": promoted.place,
                "reason": reason,
            },
        )
    return promoted


def publish(*, actor: User, campaign: Campaign, starts_on: date | None = None) -> Campaign:
    """公示 the winners once the joint review passed (or its objections were overridden with a reason)."""
    workflow.check(CAMPAIGN_PROCESS, campaign, "publish", by=actor)
    if not _reviews_passed(campaign):
        raise SelectionError("联审尚未通过：须各部门同意，或对异议作出不予采纳的决定后才能公示")
    winners = list(
        nominees(campaign).filter(winner=True, state=NominationState.NOMINATED).select_related("unit")
    )
    if not winners:
        raise SelectionError("没有可公示的入选对象")
    with transaction.atomic():
        publicity.publish(
            actor=actor,
            kind=CAMPAIGN,
            object_id=campaign.pk,
            organization=campaign.organization,
            title=f"{campaign.name}拟表彰名单公示",
            items=[_item(n) for n in winners],
            working_days=campaign.publicity_days,
            view_permission="selections.view",
            handle_permission="selections.manage",
            starts_on=starts_on,
        )
        workflow.transition(CAMPAIGN_PROCESS, campaign, "publish", by=actor)
    return campaign


def _honour_points(*, campaign: Campaign, nomination: Nomination, actor: User) -> None:
    """A member's honour feeds the points indicators sourced from "honour", on the day it is conferred
    (the ledger counts an event on its day). A points year already finalized for the member takes
    nothing more: the honour stands, the frozen ledger is left as it is."""
    try:
        with transaction.atomic():
            points.record_activity_points(
                source_type=SourceType.HONOUR,
                source_id=str(nomination.pk),
                member_ids=[nomination.member_id] if nomination.member_id else [],
                on=timezone.localdate(),
                note=f"{campaign.name}：{nomination.title}（证书编号 {nomination.certificate_no}）",
                actor=actor,
            )
    except PointsError:
        pass


def announce(*, actor: User, campaign: Campaign) -> Campaign:
    """公布结果: after the 公示 closed, each listed winner is awarded with a certificate number (an
    upheld objection sets it aside); every other nominee is recorded as not selected."""
    workflow.check(CAMPAIGN_PROCESS, campaign, "announce", by=actor)
    # the 公示 and any 递补公示 after it: all closed; what any of them listed, and what was upheld
    publications = list(publicity.for_object(CAMPAIGN, campaign.pk))
    if not publications or any(p.state != PublicationState.CLOSED for p in publications):
        raise SelectionError("公示尚未结束：公示期满且异议处理完毕、结束公示后才能公布结果")
    if not _reviews_passed(campaign):
        raise SelectionError("递补人选的联审尚未通过，不能公布结果")
    upheld = set().union(*(publicity.upheld_keys(p) for p in publications))
    if "" in upheld:
        raise SelectionError("对整个名单的异议经核实成立，不能公布结果，请重新组织评选")
    listed = {item["key"] for p in publications for item in p.items}
    now = timezone.now()
    with transaction.atomic():
        number = 0
        for n in nominees(campaign).filter(state=NominationState.NOMINATED).order_by("place", "id"):
            if str(n.pk) in upheld:
                workflow.transition(
                    NOMINATION_PROCESS, n, "set_aside", by=actor, comment="公示期间异议经核实成立，暂缓授予"
                )
            elif str(n.pk) in listed:
                number += 1
                workflow.transition(
                    NOMINATION_PROCESS,
                    n,
                    "award",
                    by=actor,
                    fields={
                        "awarded_at": now,
                        "certificate_no": f"{campaign.year}-{campaign.selection.category}-{number:03d}",
                    },
                )
                if n.member_id is not None:
                    _honour_points(campaign=campaign, nomination=n, actor=actor)
            else:
                workflow.transition(NOMINATION_PROCESS, n, "decline", by=actor)
        workflow.transition(CAMPAIGN_PROCESS, campaign, "announce", by=actor, fields={"closed_at": now})
    return campaign
