"""Moving a case on after a step: 积极分子, 发展对象, admission (the Member record), 转正/延长/取消."""

from __future__ import annotations

from ronghe.accounts.models import User
from ronghe.core import crypto
from ronghe.core.workflow import services as workflow
from ronghe.members import services as members
from ronghe.members.choices import MemberStatus, StatusAction
from ronghe.members.models import Member
from ronghe.recruitment import process, rules
from ronghe.recruitment.choices import Action, FullOutcome
from ronghe.recruitment.models import RecruitmentCase
from ronghe.recruitment.services.errors import RecruitmentError
from ronghe.recruitment.services.facts import facts_of


def _advance(case: RecruitmentCase, action: str, actor: User | None, note: str) -> None:
    """Move the stage on where the action completes one, calling members for the Member record."""
    comment = note or Action(action).label
    if action == Action.ACTIVIST:
        workflow.transition(
            process.CASE_PROCESS, case, action, by=actor, effective_on=case.activist_on, comment=comment
        )
    elif action == Action.CANDIDATE:
        workflow.transition(
            process.CASE_PROCESS, case, action, by=actor, effective_on=case.candidate_on, comment=comment
        )
    elif action == Action.APPROVE:
        member = _admit(case, actor)
        workflow.transition(
            process.CASE_PROCESS,
            case,
            action,
            by=actor,
            fields={"member": member},
            effective_on=case.admitted_on,
            comment=comment,
        )
    elif action == Action.FULL:
        _full(case, actor, comment)


def _admit(case: RecruitmentCase, actor: User | None) -> Member:
    """The approved candidate becomes a 预备党员 in the roster: 入党时间 = the 支部大会 date."""
    assert case.admitted_on is not None
    return members.create_member(
        actor=actor,  # type: ignore[arg-type]
        organization=case.organization,
        status=MemberStatus.PROBATIONARY,
        id_number=crypto.decrypt(case.id_number_encrypted, "id_number"),
        event="member.admit",
        name=case.name,
        gender=case.gender,
        ethnicity=case.ethnicity,
        birth_date=case.birth_date,
        education=case.education,
        work_position=case.work_position,
        joined_on=case.admitted_on,
    )


def _full(case: RecruitmentCase, actor: User | None, comment: str) -> None:
    """转正 / 延长 / 取消 on the members status flow, dated as the rules derive it."""
    member = case.member
    if member is None:
        raise RecruitmentError("该预备党员没有党员记录，不能办理转正")
    approver = case.approver.name if case.approver else "上级党委"
    if case.extension_meeting_on is not None and case.full_meeting_on is None:
        members.change_status(
            actor=actor,  # type: ignore[arg-type]
            member=member,
            action=StatusAction.EXTEND_PROBATION,
            effective_on=case.extension_meeting_on,
            reason=comment,
            approval_ref=f"支部大会 {case.extension_meeting_on:%Y-%m-%d} 决议",
        )
        workflow.transition(
            process.CASE_PROCESS,
            case,
            "extend",
            by=actor,
            effective_on=case.extension_meeting_on,
            comment=comment,
        )
        return
    ref = f"{approver} {case.full_approved_on:%Y-%m-%d} 审批"
    if case.full_outcome == FullOutcome.FULL:
        full_on = rules.full_on(facts_of(case))
        assert full_on is not None
        members.change_status(
            actor=actor,  # type: ignore[arg-type]
            member=member,
            action=StatusAction.MAKE_FULL,
            effective_on=full_on,
            reason=comment,
            approval_ref=ref,
        )
        workflow.transition(
            process.CASE_PROCESS, case, "make_full", by=actor, effective_on=full_on, comment=comment
        )
    else:
        members.change_status(
            actor=actor,  # type: ignore[arg-type]
            member=member,
            action=StatusAction.CANCEL_PROBATION,
            effective_on=case.full_meeting_on or case.full_approved_on,  # type: ignore[arg-type]
            reason=comment,
            approval_ref=ref,
        )
        workflow.transition(
            process.CASE_PROCESS, case, "cancel", by=actor, effective_on=case.full_meeting_on, comment=comment
        )
