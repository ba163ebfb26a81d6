"""联审 and 递补: the winners go to the joint review; a set-aside place passes to the next in line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.jointreview import services as jointreview
from ronghe.core.jointreview.models import JointReview
from ronghe.core.judging import services as judging
from ronghe.core.publicity import services as publicity
from ronghe.core.scope import require_at
from ronghe.core.scoring.models import Campaign
from ronghe.core.workflow import services as workflow
from ronghe.selections import defaults, rules
from ronghe.selections.choices import CampaignState, NominationState
from ronghe.selections.models import Nomination
from ronghe.selections.rules import CAMPAIGN, CAMPAIGN_PROCESS, NOMINATION_PROCESS
from ronghe.selections.services.errors import SelectionError
from ronghe.selections.services.judging import standings
from ronghe.selections.services.nominations import nominees
from ronghe.selections.services.opening import panel_of


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
