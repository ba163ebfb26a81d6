"""少交/免交 (the member applies, the branch studies, the higher 党委 approves), 正当理由 for unpaid months,
and closing the 支部大会 cases the monthly run opens."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from ronghe.core import audit
from ronghe.core.errors import DomainError, TransitionNotAllowed
from ronghe.core.readcache import invalidate_home_summary
from ronghe.core.scope import paths_with, require_at
from ronghe.core.types import Actor
from ronghe.core.workflow import Process, Step
from ronghe.core.workflow import services as workflow
from ronghe.dues import rules, services
from ronghe.dues.choices import (
    CaseState,
    RecordState,
    ReliefKind,
    ReliefState,
)
from ronghe.dues.models import (
    ArrearsCase,
    ArrearsReason,
    DuesRecord,
    Relief,
)
from ronghe.members.models import Member
from ronghe.orgs.choices import APPROVING_KINDS
from ronghe.orgs.models import Organization, ancestor_paths

RELIEF = Process(
    name="dues.relief",
    noun="少交免交申请",
    state_field="state",
    steps={
        (ReliefState.APPLIED, "study"): Step(ReliefState.STUDIED, "dues.edit"),
        (ReliefState.STUDIED, "approve"): Step(ReliefState.APPROVED, "dues.approve_relief"),
        (ReliefState.STUDIED, "reject"): Step(
            ReliefState.REJECTED, "dues.approve_relief", comment_required="不批准时请填写理由"
        ),
    },
    state_labels=dict(ReliefState.choices),
    action_labels={"study": "支部研究", "approve": "批准", "reject": "不批准"},
    audit_event="dues.relief_{action}",
)


def _check_period_range(from_period: date, to_period: date) -> tuple[date, date]:
    first, last = rules.first_of_month(from_period), rules.first_of_month(to_period)
    if last < first:
        raise DomainError("截止月份不能早于起始月份", field="to_period")
    return first, last


def apply_relief(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    from_period: date,
    to_period: date,
    reason: str,
    reduced_amount: Decimal | None = None,
) -> Relief:
    """A member's application to pay less or nothing (recorded by the branch on the member's behalf)."""
    require_at(actor, "dues.edit", member.organization.path)
    first, last = _check_period_range(from_period, to_period)
    if kind not in ReliefKind.values:
        raise DomainError("请选择少交或免交", field="kind")
    if kind == ReliefKind.REDUCE and (reduced_amount is None or reduced_amount < 0):
        raise DomainError("少交党费须填写少交后每月交纳的金额", field="reduced_amount")
    if not reason.strip():
        raise DomainError("请填写党员的困难情况", field="reason")
    with transaction.atomic():
        relief = Relief.objects.create(
            member=member,
            organization_id=member.organization_id,
            kind=kind,
            from_period=first,
            to_period=last,
            reduced_amount=reduced_amount if kind == ReliefKind.REDUCE else None,
            reason=reason.strip(),
        )
        workflow.start(RELIEF, relief, by=actor)
        audit.record(
            "dues.relief_applied",
            actor=actor,
            obj=relief,
            changes={"member": member.name, "kind": kind, "from": first.isoformat(), "to": last.isoformat()},
        )
    return relief


def study_relief(*, actor: Actor, relief: Relief, comment: str = "") -> None:
    workflow.transition(RELIEF, relief, "study", by=actor, comment=comment)


def approving_committee(actor: Actor, relief: Relief) -> Organization:
    """The 上一级党委 in whose name `actor` decides: an organization above the member's branch, of kind
    机关党委 or 机关工委, where the actor holds `dues.approve_relief` (党费规定 第七条). A 党总支 or the
    branch itself cannot approve."""
    branch_path = relief.organization.path
    candidates = [
        p for p in paths_with(actor, "dues.approve_relief") if branch_path.startswith(p) and p != branch_path
    ]
    # the actor's grant may sit at the committee or higher: the nearest committee at or under it decides
    above = ancestor_paths(branch_path)[:-1]
    committees = list(
        Organization.objects.filter(path__in=above, kind__in=APPROVING_KINDS).order_by("-depth")
    )
    for org in committees:
        if any(org.path.startswith(p) for p in candidates):
            return org
    raise TransitionNotAllowed(
        "少交、免交党费须经上一级党委批准（党费规定第七条）：党支部、党总支不能审批", field="state"
    )


def decide_relief(*, actor: Actor, relief: Relief, approve: bool, comment: str = "") -> None:
    """The 上一级党委 approves or refuses a studied application; approval updates the months not yet paid."""
    committee = approving_committee(actor, relief)
    with transaction.atomic():
        workflow.transition(
            RELIEF,
            relief,
            "approve" if approve else "reject",
            by=actor,
            comment=comment,
            fields={"approved_by_org": committee, "comment": comment},
        )
        if approve:
            unpaid = DuesRecord.objects.filter(
                member_id=relief.member_id,
                state=RecordState.DUE,
                period__gte=relief.from_period,
                period__lte=relief.to_period,
            )
            if relief.kind == ReliefKind.EXEMPT:
                unpaid.update(state=RecordState.EXEMPT, amount_due=Decimal("0.00"), relief=relief)
            else:
                unpaid.filter(Q(amount_due__gt=relief.reduced_amount) | Q(amount_due__isnull=True)).update(
                    amount_due=relief.reduced_amount, relief=relief
                )
            invalidate_home_summary()  # the months were updated in bulk: the cached 收缴报表 goes
            services.late_dues_changed(
                [relief.member_id], _months(relief.from_period, relief.to_period), actor
            )


def record_reason(
    *, actor: Actor, member: Member, from_period: date, to_period: date, reason: str
) -> ArrearsReason:
    """A 正当理由 for months not paid (those months do not count as arrears)."""
    require_at(actor, "dues.edit", member.organization.path)
    first, last = _check_period_range(from_period, to_period)
    if not reason.strip():
        raise DomainError("请填写未交党费的正当理由", field="reason")
    with transaction.atomic():
        row = ArrearsReason.objects.create(
            member=member,
            organization_id=member.organization_id,
            from_period=first,
            to_period=last,
            reason=reason.strip(),
            recorded_by_id=actor.pk,
        )
        audit.record(
            "dues.reason",
            actor=actor,
            obj=row,
            changes={"member": member.name, "from": first.isoformat(), "to": last.isoformat()},
        )
        services.late_dues_changed([member.pk], _months(first, last), actor)
    return row


def _months(first: date, last: date) -> list[date]:
    return [rules.month_at(i) for i in range(rules.month_index(first), rules.month_index(last) + 1)]


def close_case(*, actor: Actor, case: ArrearsCase, decision: str, decided_on: date) -> None:
    """Record what the 支部大会 decided on an arrears case (the decision is theirs, never automatic)."""
    require_at(actor, "dues.edit", case.organization.path)
    if not decision.strip():
        raise DomainError("请填写支部大会的研究结果", field="decision")
    with transaction.atomic():
        updated = ArrearsCase.objects.filter(pk=case.pk, state=CaseState.OPEN).update(
            state=CaseState.CLOSED, decision=decision.strip(), closed_on=decided_on
        )
        if updated != 1:
            raise TransitionNotAllowed("该事项已研究，不能重复登记", field="decision")
        case.state, case.decision, case.closed_on = CaseState.CLOSED, decision.strip(), decided_on
        audit.record("dues.case_closed", actor=actor, obj=case, changes={"decision": decision.strip()})
