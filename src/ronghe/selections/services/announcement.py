"""公示 and 公布: the winners are published, then awarded (with honour points) or declined."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core.publicity import services as publicity
from ronghe.core.publicity.choices import PublicationState
from ronghe.core.publicity.models import Publication
from ronghe.core.scoring.models import Campaign
from ronghe.core.workflow import services as workflow
from ronghe.points import services as points
from ronghe.points.choices import SourceType
from ronghe.points.services import PointsError
from ronghe.selections.choices import NominationState
from ronghe.selections.models import Nomination
from ronghe.selections.rules import CAMPAIGN, CAMPAIGN_PROCESS, NOMINATION_PROCESS
from ronghe.selections.services.errors import SelectionError
from ronghe.selections.services.nominations import nominees
from ronghe.selections.services.review import _item, _reviews_passed


def publication_of(campaign: Campaign) -> Publication | None:
    return publicity.for_object(CAMPAIGN, campaign.pk).first()


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
