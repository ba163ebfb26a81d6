"""The 25 steps of 发展党员 (发展细则; domain-rules §3) as data: who acts, the documents each leaves,
the date it stores and the form that records it; when a step was done and its time rule. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ronghe.members.rules import add_years
from ronghe.recruitment.choices import Action, Stage
from ronghe.recruitment.rules import (
    APPROVAL_MONTHS,
    APPROVAL_MONTHS_MAX,
    DEFAULT_POLICY,
    FULL_APPROVAL_MONTHS,
    TALK_MONTHS,
    Facts,
    Policy,
    add_months,
    probation_end,
)
from ronghe.recruitment.rules.dates import _d


@dataclass(frozen=True)
class StepInfo:
    """One of the 25 steps: its number, title, who acts, the documents it leaves, the date it stores,
    and the form (`Action`) that records it."""

    number: int
    title: str
    stage: str
    actor: str
    documents: tuple[str, ...]
    date_field: str
    action: str


STEPS: tuple[StepInfo, ...] = (
    StepInfo(1, "递交入党申请书", Stage.APPLICANT, "入党申请人", ("入党申请书",), "applied_on", ""),
    StepInfo(2, "党组织派人谈话", Stage.APPLICANT, "党支部（派人）", ("谈话记录",), "talked_on", Action.TALK),
    StepInfo(
        3,
        "推荐和确定入党积极分子",
        Stage.ACTIVIST,
        "支部委员会",
        ("推荐材料", "支委会会议记录"),
        "activist_on",
        Action.ACTIVIST,
    ),
    StepInfo(
        4,
        "积极分子报上级党委备案",
        Stage.ACTIVIST,
        "党支部",
        ("备案表",),
        "activist_filed_on",
        Action.ACTIVIST,
    ),
    StepInfo(5, "指定培养联系人", Stage.ACTIVIST, "支部委员会", (), "activist_on", Action.ACTIVIST),
    StepInfo(
        6, "培养教育考察", Stage.ACTIVIST, "党支部、培养联系人", ("培养教育考察登记表", "思想汇报"), "", ""
    ),
    StepInfo(
        7,
        "确定发展对象",
        Stage.CANDIDATE,
        "支部委员会",
        ("支委会会议记录", "征求意见材料"),
        "candidate_on",
        Action.CANDIDATE,
    ),
    StepInfo(
        8,
        "发展对象报上级党委备案",
        Stage.CANDIDATE,
        "党支部",
        ("备案表",),
        "candidate_filed_on",
        Action.CANDIDATE,
    ),
    StepInfo(9, "确定入党介绍人", Stage.CANDIDATE, "支部委员会", (), "candidate_on", Action.CANDIDATE),
    StepInfo(
        10,
        "进行政治审查",
        Stage.CANDIDATE,
        "党支部（上级党委）",
        ("政审材料", "政审结论"),
        "political_review_on",
        Action.REVIEW,
    ),
    StepInfo(
        11,
        "开展集中培训",
        Stage.CANDIDATE,
        "基层党委或县级组织部门",
        ("培训结业证明",),
        "training_end",
        Action.REVIEW,
    ),
    StepInfo(
        12,
        "支部委员会审查",
        Stage.CANDIDATE,
        "支部委员会",
        ("支委会会议记录",),
        "committee_review_on",
        Action.PRE_REVIEW,
    ),
    StepInfo(
        13, "上级党委预审", Stage.CANDIDATE, "上级党委", ("预审意见",), "pre_review_on", Action.PRE_REVIEW
    ),
    StepInfo(
        14,
        "填写入党志愿书",
        Stage.CANDIDATE,
        "发展对象（入党介绍人指导）",
        ("入党志愿书",),
        "form_issued_on",
        Action.PRE_REVIEW,
    ),
    StepInfo(
        15,
        "支部大会讨论",
        Stage.CANDIDATE,
        "支部党员大会",
        ("支部大会会议记录",),
        "admitted_on",
        Action.MEETING,
    ),
    StepInfo(
        16,
        "上级党委派人谈话",
        Stage.CANDIDATE,
        "党委委员或组织员",
        ("谈话记录",),
        "higher_talk_on",
        Action.APPROVE,
    ),
    StepInfo(
        17, "上级党委审批", Stage.CANDIDATE, "党委（工委）", ("审批意见",), "approved_on", Action.APPROVE
    ),
    StepInfo(
        18, "再上一级党委组织部门备案", Stage.PROBATIONARY, "党委", ("备案表",), "filed_on", Action.APPROVE
    ),
    StepInfo(19, "编入党支部和党小组", Stage.PROBATIONARY, "党支部", (), "oath_on", Action.OATH),
    StepInfo(20, "入党宣誓", Stage.PROBATIONARY, "党委或党支部", ("宣誓记录",), "oath_on", Action.OATH),
    StepInfo(21, "继续教育考察", Stage.PROBATIONARY, "党支部", ("预备党员考察登记表", "思想汇报"), "", ""),
    StepInfo(
        22, "提出转正申请", Stage.PROBATIONARY, "预备党员", ("转正申请书",), "full_applied_on", Action.FULL
    ),
    StepInfo(
        23,
        "支部大会讨论转正",
        Stage.PROBATIONARY,
        "支部党员大会",
        ("支部大会会议记录",),
        "full_meeting_on",
        Action.FULL,
    ),
    StepInfo(
        24,
        "上级党委审批转正",
        Stage.PROBATIONARY,
        "党委（工委）",
        ("审批意见",),
        "full_approved_on",
        Action.FULL,
    ),
    StepInfo(25, "材料归档", Stage.FULL, "党委", ("归档清单",), "archived_on", Action.ARCHIVE),
)
DOCUMENTS: tuple[str, ...] = tuple(dict.fromkeys(d for s in STEPS for d in s.documents))


def step_done(step: StepInfo, facts: Facts, observed: Iterable[date] = ()) -> date | None:
    """The date a step was done, from the facts (None while it waits). Steps 6 and 21 (考察 of the
    activist, of the 预备党员) are continuous: the latest 考察 or 思想汇报 of their period."""
    if step.date_field:
        value: date | None = getattr(facts, step.date_field)
        return value
    days = sorted(observed)
    if step.number == 6:
        end = facts.candidate_on or facts.admitted_on
        days = [d for d in days if end is None or d <= end]
    else:
        days = [d for d in days if facts.approved_on is not None and d >= facts.approved_on]
    return days[-1] if days else None


def step_deadline(step: StepInfo, facts: Facts, policy: Policy = DEFAULT_POLICY) -> str:
    """The step's time rule for this person, in words: "不晚于 2025-04-10" (the talk, the approvals),
    "不早于 2024-06-01" (发展对象 after a year, 转正 after the 预备期), or "" where §3 sets none."""
    if step.number == 2 and facts.applied_on:
        return f"不晚于 {_d(add_months(facts.applied_on, TALK_MONTHS))}"
    if step.number == 7:
        start = getattr(facts, policy.activist_year_from)
        return f"不早于 {_d(add_years(start, 1))}" if start else ""
    if step.number == 17 and facts.admitted_on:
        return f"不晚于 {_d(add_months(facts.admitted_on, APPROVAL_MONTHS))}（特殊情况不超过 {_d(add_months(facts.admitted_on, APPROVAL_MONTHS_MAX))}）"
    if step.number == 23 and facts.admitted_on:
        return f"不早于 {_d(probation_end(facts.admitted_on, facts.extension_months))}"
    if step.number == 24 and facts.full_meeting_on:
        return f"不晚于 {_d(add_months(facts.full_meeting_on, FULL_APPROVAL_MONTHS))}"
    return ""
