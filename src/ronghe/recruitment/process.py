"""The 发展党员 process on core/workflow (申请人 → 积极分子 → 发展对象 → 预备党员 → 正式党员), the forms
each stage may use, and what the branch does next for a person, by when (due or late). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ronghe.core.workflow import Process, Step
from ronghe.members.rules import add_years
from ronghe.recruitment.choices import Action, Stage
from ronghe.recruitment.rules import (
    APPROVAL_MONTHS,
    APPROVE,
    EDIT,
    TALK_MONTHS,
    Facts,
    add_months,
    probation_end,
)

# ------------------------------------------------------------------ the process

CASE_PROCESS = Process(
    name="recruitment.case",
    noun="发展党员纪实",
    state_field="stage",
    steps={
        (Stage.APPLICANT, Action.ACTIVIST): Step(Stage.ACTIVIST, EDIT),
        (Stage.ACTIVIST, Action.CANDIDATE): Step(Stage.CANDIDATE, EDIT),
        (Stage.CANDIDATE, Action.APPROVE): Step(Stage.PROBATIONARY, APPROVE),
        (Stage.PROBATIONARY, "make_full"): Step(Stage.FULL, APPROVE),
        (Stage.PROBATIONARY, "extend"): Step(Stage.PROBATIONARY, EDIT),
        (Stage.PROBATIONARY, "cancel"): Step(Stage.CANCELLED, APPROVE),
    },
    state_labels=dict(Stage.choices),
    action_labels={
        **dict(Action.choices),
        "make_full": "转正",
        "extend": "延长预备期",
        "cancel": "取消预备党员资格",
    },
    audit_event="recruitment.case_{action}",
    conflict="该发展对象的阶段已被他人变更，请刷新后查看",
    refusal="当前阶段为“{state}”，不能办理“{action}”",
)

# Which form each stage may use (beyond the stage change itself).
ACTIONS_BY_STAGE: dict[str, tuple[str, ...]] = {
    Stage.APPLICANT: (Action.TALK, Action.ACTIVIST),
    Stage.ACTIVIST: (Action.CANDIDATE,),
    Stage.CANDIDATE: (Action.REVIEW, Action.PRE_REVIEW, Action.MEETING, Action.APPROVE),
    Stage.PROBATIONARY: (Action.OATH, Action.FULL),
    Stage.FULL: (Action.ARCHIVE,),
    Stage.CANCELLED: (Action.ARCHIVE,),
}


# ------------------------------------------------------------------ what is due, what is late


@dataclass(frozen=True)
class NextAction:
    action: str  # an Action, or "" when nothing waits
    label: str
    due_on: date | None
    late: bool


def _overdue_observation(
    start: date | None, last_assessment: date | None, last_report: date | None, today: date, kind: str
) -> NextAction | None:
    """A 考察 every 6 months and a 思想汇报 every quarter, counted from the later of the stage's start
    and the last record (a record from an earlier stage does not count for this one)."""
    if start is None:
        return None
    since = max(start, last_assessment or start)
    if today > add_months(since, 6):
        return NextAction("assessment", f"半年一次的{kind}", add_months(since, 6), True)
    since_report = max(start, last_report or start)
    if today > add_months(since_report, 3):
        return NextAction("report", "每季度的思想汇报", add_months(since_report, 3), True)
    return None


def next_action(
    stage: str,
    facts: Facts,
    today: date,
    *,
    last_assessment: date | None = None,
    last_report: date | None = None,
) -> NextAction:
    """What the branch does next for one person, by when, and whether it is late.

    申请人: the talk within a month; 积极分子: a 考察 every 6 months and a 思想汇报 every quarter, then
    发展对象 once the year is over; 发展对象: the review, training, 预审, 支部大会, then the 党委's approval
    within 3 months of the 支部大会; 预备党员: the oath, the same 考察 and 思想汇报 from the approval while
    the 预备期 runs, then 转正 when it ends (late one month after); 正式党员: archive the materials ([C] within a week).
    """
    if stage == Stage.APPLICANT:
        if facts.talked_on is None and facts.applied_on:
            due = add_months(facts.applied_on, TALK_MONTHS)
            return NextAction(Action.TALK, "派人谈话", due, today > due)
        return NextAction(Action.ACTIVIST, "确定入党积极分子", None, False)
    if stage == Stage.ACTIVIST:
        overdue = _overdue_observation(facts.activist_on, last_assessment, last_report, today, "培养考察")
        if overdue is not None:
            return overdue
        ready = add_years(facts.activist_on, 1) if facts.activist_on else None
        return NextAction(Action.CANDIDATE, "确定发展对象", ready, False)
    if stage == Stage.CANDIDATE:
        if facts.admitted_on is not None:
            due = add_months(facts.admitted_on, APPROVAL_MONTHS)
            return NextAction(Action.APPROVE, "上级党委审批", due, today > due)
        if facts.political_review_on is None or facts.training_start is None:
            return NextAction(Action.REVIEW, "政治审查和集中培训", None, False)
        if facts.form_issued_on is None:
            return NextAction(Action.PRE_REVIEW, "支委会审查、预审和志愿书", None, False)
        return NextAction(Action.MEETING, "支部大会讨论接收", None, False)
    if stage == Stage.PROBATIONARY and facts.admitted_on is not None:
        if facts.oath_on is None:
            return NextAction(
                Action.OATH,
                "入党宣誓",
                facts.approved_on and add_months(facts.approved_on, 3),
                bool(facts.approved_on and today > add_months(facts.approved_on, 3)),
            )
        end = probation_end(facts.admitted_on, facts.extension_months)
        # step 21: the 预备党员's 考察 and 思想汇报 go on while the 预备期 runs (after it, 转正 comes first)
        if today <= end:
            overdue = _overdue_observation(facts.approved_on, last_assessment, last_report, today, "教育考察")
            if overdue is not None:
                return overdue
        return NextAction(Action.FULL, "讨论转正", end, today > add_months(end, 1))
    if stage in (Stage.FULL, Stage.CANCELLED) and facts.archived_on is None:
        return NextAction(Action.ARCHIVE, "材料归档", None, False)
    return NextAction("", "", None, False)
