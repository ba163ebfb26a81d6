"""What the rules read: permission names, the 细则's limits, the local `Policy`, a person's `Facts`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

CASE = "recruitment.case"  # evidence and audit kind of a case
EDIT = "recruitment.edit"
APPROVE = "recruitment.approve"

MIN_AGE = 18
APPROVAL_MONTHS = 3
APPROVAL_MONTHS_MAX = 6
EXTENSION_MONTHS = (6, 12)
FULL_APPROVAL_MONTHS = 3
TALK_MONTHS = 1
# Only a 党委 (工委) approves an admission; a 党总支, a 党支部 or a 党组 never does (domain-rules §3 step 17).


@dataclass(frozen=True)
class Policy:
    """Configurable local practice ([C] in domain-rules §3), with the suggested defaults.

    `publicity_stages`: the stages whose decision is published (公示) — activist, candidate, admission
    (拟接收), full (拟转正). `publicity_days`: its length in working days (core.workdays: holidays and
    调休 counted). `activist_year_from`: the activist's year counts from the 支委会 decision
    ("activist_on", the default) or from the 备案 ("activist_filed_on"). `min_application_months`:
    how old an application must be before the applicant becomes an activist (0: no minimum).
    """

    publicity_stages: frozenset[str] = frozenset({"activist", "candidate", "admission", "full"})
    publicity_days: int = 5
    activist_year_from: str = "activist_on"
    min_application_months: int = 0
    training_days: int = 3
    training_hours: int = 24


DEFAULT_POLICY = Policy()


def policy_from(settings_value: dict[str, object] | None) -> Policy:
    """The policy from the `RONGHE_RECRUITMENT` setting (keys as `Policy` fields), else the defaults."""
    if not settings_value:
        return DEFAULT_POLICY
    values: dict[str, Any] = dict(settings_value)
    if "publicity_stages" in values:
        values["publicity_stages"] = frozenset(values["publicity_stages"])
    return replace(DEFAULT_POLICY, **values)


@dataclass(frozen=True)
class Breach:
    field: str  # the fact (model field) the rule is about
    message: str  # Chinese, naming the rule


@dataclass(frozen=True)
class Person:
    """A member as an introducer or 培养联系人 sees it: their name, status, and whether they are under
    留党察看 without restored rights (from `discipline.facts`; False unless told)."""

    name: str
    status: str
    on_probation_sanction: bool = False


@dataclass(frozen=True)
class Facts:
    """One person's recorded dates and decisions (the key dates of domain-rules §3)."""

    birth_date: date | None = None
    applied_on: date | None = None
    talked_on: date | None = None
    activist_on: date | None = None
    activist_filed_on: date | None = None
    contacts: tuple[Person, ...] = ()
    candidate_on: date | None = None
    candidate_filed_on: date | None = None
    introducers: tuple[Person, ...] = ()
    political_review_on: date | None = None
    political_review_result: str = ""
    training_start: date | None = None
    training_end: date | None = None
    training_hours: int | None = None
    # 学时 of the person's education records (classes attended, approved external training) since they
    # became a 发展对象; None when the person has no record in the system (only the typed figure counts).
    recorded_hours: Decimal | None = None
    committee_review_on: date | None = None
    pre_review_on: date | None = None
    form_issued_on: date | None = None
    admitted_on: date | None = None
    voters_expected: int | None = None
    voters_present: int | None = None
    votes_yes: int | None = None
    written_yes: int = 0
    higher_talk_on: date | None = None
    approved_on: date | None = None
    approver_kind: str = ""
    approval_delay_reason: str = ""
    filed_on: date | None = None
    oath_on: date | None = None
    full_applied_on: date | None = None
    extension_meeting_on: date | None = None
    extension_months: int | None = None
    full_meeting_on: date | None = None
    full_outcome: str = ""
    full_voters_expected: int | None = None
    full_voters_present: int | None = None
    full_votes_yes: int | None = None
    full_approved_on: date | None = None
    archived_on: date | None = None
    publicity: dict[str, tuple[date, date]] = field(default_factory=dict)


# The dated steps in the order they happen (the order rule checks each against the latest before it).
ORDER: tuple[tuple[str, str], ...] = (
    ("applied_on", "递交入党申请书"),
    ("talked_on", "派人谈话"),
    ("activist_on", "确定入党积极分子"),
    ("activist_filed_on", "积极分子报上级党委备案"),
    ("candidate_on", "确定发展对象"),
    ("candidate_filed_on", "发展对象报上级党委备案"),
    ("political_review_on", "政治审查"),
    ("committee_review_on", "支部委员会审查"),
    ("pre_review_on", "上级党委预审"),
    ("form_issued_on", "发放入党志愿书"),
    ("admitted_on", "支部大会讨论接收"),
    ("higher_talk_on", "上级党委派人谈话"),
    ("approved_on", "上级党委审批"),
    ("filed_on", "组织部门备案"),
    ("oath_on", "入党宣誓"),
    ("full_applied_on", "提出转正申请"),
    ("extension_meeting_on", "支部大会延长预备期"),
    ("full_meeting_on", "支部大会讨论转正"),
    ("full_approved_on", "上级党委审批转正"),
    ("archived_on", "材料归档"),
)
DATE_LABELS = dict(ORDER)
# Dated steps checked only against the one they follow (the 组织部门's 备案 may be filed after the oath).
AFTER_ONLY = {"filed_on": "approved_on"}
PUBLICITY_LABELS = {
    "activist": "确定入党积极分子",
    "candidate": "确定发展对象",
    "admission": "拟接收预备党员",
    "full": "预备党员转正",
}
