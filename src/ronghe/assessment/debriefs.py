"""书记抓党建述职评议: a round per year, one 述职 per unit, the attendees' secret vote on their phones
(`core/voting`), the committee's final grade."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ronghe.assessment import rules
from ronghe.assessment.choices import RoundState
from ronghe.assessment.models import Debrief, DebriefRound
from ronghe.assessment.services import MANAGE, main_organizations
from ronghe.core import audit
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.scope import require_at
from ronghe.core.types import Actor
from ronghe.core.voting import services as voting
from ronghe.core.workflow import services as workflow
from ronghe.core.workflow.process import Process, Step
from ronghe.orgs.models import Officer, Organization, Unit

ROUND_KIND = "assessment.debrief_round"

ROUND_PROCESS = Process(
    name="assessment.debrief_round",
    noun="述职评议",
    state_field="state",
    steps={
        (RoundState.PREPARING, "open_vote"): Step(RoundState.VOTING, MANAGE),
        (RoundState.VOTING, "count"): Step(RoundState.COUNTED, MANAGE),
        (RoundState.COUNTED, "finalize"): Step(RoundState.FINALIZED, MANAGE),
    },
    state_labels=dict(RoundState.choices),
    action_labels={"open_vote": "开始测评", "count": "结束测评并计票", "finalize": "确定等次"},
    audit_event="assessment.round_{action}",
)


def secretaries_of(units: Sequence[Unit], today: date | None = None) -> dict[int, tuple[str, str]]:
    """Per unit: (name, post) of its main organization's current secretary, when one is on record."""
    today = today or timezone.localdate()
    mains = main_organizations([u.pk for u in units])
    holding = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gt=today))
    by_org = dict(
        Officer.objects.filter(
            holding, organization_id__in=[m[0] for m in mains.values()], post="secretary"
        ).values_list("organization_id", "member__name")
    )
    return {u: (by_org[m[0]], "党组织书记") for u, m in mains.items() if m[0] in by_org}


def create_round(
    *,
    actor: Actor,
    organization: Organization,
    year: int,
    title: str,
    held_on: date,
    secretaries: Sequence[tuple[Unit, str, str]],
) -> DebriefRound:
    """A 述职评议 round with one 述职 per (unit, secretary's name, post)."""
    require_at(actor, MANAGE, organization.path)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["请填写名称"]
    if held_on.year != year:
        errors["held_on"] = [f"述职日期应在 {year} 年内"]
    if not secretaries:
        errors["units"] = ["请至少选择一个单位"]
    mains = main_organizations([u.pk for u, _n, _p in secretaries])
    for unit, name, _post in secretaries:
        if unit.pk not in mains or not mains[unit.pk][1].startswith(organization.path):
            errors.setdefault("units", []).append(f"单位“{unit.name}”不在本级管理范围内")
        if not (name or "").strip():
            errors.setdefault("units", []).append(f"请填写“{unit.name}”的述职人")
    if len({u.pk for u, _n, _p in secretaries}) != len(secretaries):
        errors.setdefault("units", []).append("同一单位只能述职一次")
    if errors:
        raise InvalidInput(errors, {"title": "名称", "held_on": "述职日期", "units": "述职单位"})
    with transaction.atomic():
        rnd = DebriefRound.objects.create(
            organization=organization,
            year=year,
            title=title,
            held_on=held_on,
            rules=rules.DebriefRules().to_dict(),
            created_by_id=actor.pk,
        )
        Debrief.objects.bulk_create(
            Debrief(
                round=rnd,
                unit=u,
                organization_id=mains[u.pk][0],
                secretary=n.strip(),
                post=(p or "").strip(),
                order=i,
            )
            for i, (u, n, p) in enumerate(secretaries)
        )
        workflow.start(ROUND_PROCESS, rnd, by=actor)
        audit.record("assessment.round_create", actor=actor, obj=rnd, changes={"debriefs": len(secretaries)})
    return rnd


def open_vote(*, actor: Actor, rnd: DebriefRound, minutes: int) -> DebriefRound:
    """Start the secret 测评: one ballot with every secretary as a subject, options 好/较好/一般/差."""
    debriefs = list(rnd.debriefs.select_related("unit"))
    with transaction.atomic():
        ballot = voting.open_ballot(
            actor=actor,
            kind=ROUND_KIND,
            object_id=rnd.pk,
            organization=rnd.organization,
            title=f"{rnd.title} 民主测评",
            subjects=[
                {"key": str(d.pk), "label": f"{d.secretary}（{d.unit.name}{d.post}）"} for d in debriefs
            ],
            options=rules.OPTIONS,
            minutes=minutes,
            manage_permission=MANAGE,
        )
        workflow.transition(ROUND_PROCESS, rnd, "open_vote", by=actor, fields={"ballot": ballot})
    return rnd


def count_votes(*, actor: Actor, rnd: DebriefRound) -> DebriefRound:
    """Close the ballot and give each secretary the score and grade of the votes (the 测评 grade)."""
    if rnd.ballot is None:
        raise DomainError("尚未开始测评")
    drules = rules.DebriefRules.from_dict(rnd.rules)
    with transaction.atomic():
        workflow.transition(ROUND_PROCESS, rnd, "count", by=actor)
        if rnd.ballot.state == "open":
            voting.close(actor=actor, ballot=rnd.ballot)
        counts = voting.counts(rnd.ballot)
        debriefs = list(rnd.debriefs.all())
        for d in debriefs:
            d.counts = counts.get(str(d.pk), {})
            d.vote_score, d.vote_rank = rules.debrief_outcome(d.counts, drules)
            d.final_rank = d.vote_rank
        Debrief.objects.bulk_update(debriefs, ["counts", "vote_score", "vote_rank", "final_rank"])
    return rnd


def set_final_grade(*, actor: Actor, debrief: Debrief, rank: int, reason: str) -> Debrief:
    """The committee's final grade; a grade other than the vote's needs a reason."""
    rnd = debrief.round
    require_at(actor, MANAGE, rnd.organization.path)
    if rnd.state != RoundState.COUNTED:
        raise DomainError("只有计票后、确定等次前可以调整等次", code="state")
    if rank not in rules.GRADE_LABELS:
        raise DomainError("请选择等次", field="rank")
    reason = (reason or "").strip()
    if rank != debrief.vote_rank and not reason:
        raise DomainError("与测评等次不同时，请填写调整理由", field="reason")
    with transaction.atomic():
        before = debrief.final_rank
        debrief.final_rank, debrief.final_reason = rank, reason[:300]
        debrief.save(update_fields=["final_rank", "final_reason"])
        audit.record(
            "assessment.debrief_grade",
            actor=actor,
            obj=debrief,
            changes={"final_rank": [before, rank], "reason": reason},
        )
    return debrief


def finalize_round(*, actor: Actor, rnd: DebriefRound) -> DebriefRound:
    if rnd.debriefs.filter(final_rank__isnull=True).exists():
        raise DomainError("还有述职人没有等次（无人投票时请直接评定）")
    workflow.transition(ROUND_PROCESS, rnd, "finalize", by=actor)
    return rnd
