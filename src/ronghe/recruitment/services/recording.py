"""Recording a form's steps on a case: who may, which fields, the rules, the 公示 it opens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit, workdays
from ronghe.core.errors import InvalidInput
from ronghe.core.publicity import services as publicity
from ronghe.core.scope import has_perm_at, require_at
from ronghe.members.models import Member
from ronghe.recruitment import process, rules
from ronghe.recruitment.choices import Action, FullOutcome
from ronghe.recruitment.models import RecruitmentCase
from ronghe.recruitment.services.applications import _record_steps
from ronghe.recruitment.services.errors import RecruitmentError
from ronghe.recruitment.services.facts import _label, _refuse, breaches, facts_of
from ronghe.recruitment.services.stages import _advance

REQUIRED: dict[str, tuple[str, ...]] = {
    Action.TALK: ("talked_on",),
    Action.ACTIVIST: ("activist_on", "activist_filed_on"),
    Action.CANDIDATE: ("candidate_on", "candidate_filed_on"),
    Action.REVIEW: ("political_review_on", "political_review_result", "training_start", "training_end"),
    Action.PRE_REVIEW: ("committee_review_on", "pre_review_on", "form_issued_on"),
    Action.MEETING: ("admitted_on", "voters_expected", "voters_present", "votes_yes"),
    Action.APPROVE: ("higher_talk_on", "approved_on", "approver"),
    Action.OATH: ("oath_on",),
    Action.FULL: ("full_applied_on", "full_meeting_on", "full_outcome"),
    Action.ARCHIVE: ("archived_on",),
}
# Fields each action may write (its form's fields).
FIELDS: dict[str, tuple[str, ...]] = {
    Action.TALK: ("talked_on", "talker"),
    Action.ACTIVIST: ("activist_on", "activist_filed_on"),
    Action.CANDIDATE: ("candidate_on", "candidate_filed_on"),
    Action.REVIEW: (
        "political_review_on",
        "political_review_result",
        "training_start",
        "training_end",
        "training_hours",
    ),
    Action.PRE_REVIEW: ("committee_review_on", "pre_review_on", "form_issued_on"),
    Action.MEETING: ("admitted_on", "voters_expected", "voters_present", "votes_yes", "written_yes"),
    Action.APPROVE: ("higher_talk_on", "approved_on", "approver", "approval_delay_reason", "filed_on"),
    Action.OATH: ("oath_on",),
    Action.FULL: (
        "full_applied_on",
        "full_meeting_on",
        "full_outcome",
        "full_voters_expected",
        "full_voters_present",
        "full_votes_yes",
        "extension_months",
        "full_approved_on",
    ),
    Action.ARCHIVE: ("archived_on",),
}
PUBLICITY_OF: dict[str, str] = {
    Action.ACTIVIST: "activist",
    Action.CANDIDATE: "candidate",
    Action.APPROVE: "admission",
    Action.FULL: "full",
}
# Actions the 党委 takes (its approval): the rest are the branch's.
APPROVING_ACTIONS = frozenset({Action.APPROVE, Action.FULL})


def permission_for(action: str) -> str:
    return rules.APPROVE if action in APPROVING_ACTIONS else rules.EDIT


def allowed_actions(case: RecruitmentCase) -> tuple[str, ...]:
    actions = process.ACTIONS_BY_STAGE.get(case.stage, ())
    if case.archived_on is not None:
        return ()
    return actions


@transaction.atomic
def record_step(
    *,
    actor: User | None,
    case: RecruitmentCase,
    action: str,
    values: Mapping[str, Any],
    contacts: Iterable[Member] | None = None,
    introducers: Iterable[Member] | None = None,
    publicity: tuple[date, date] | None = None,
    note: str = "",
    today: date | None = None,
) -> RecruitmentCase:
    """Record one form's steps on a case, refusing any date that breaks a §3 rule (nothing is written),
    and move the case on: 积极分子, 发展对象, 预备党员 (creating the Member), 转正/延长/取消 (on members' flow)."""
    case = (
        RecruitmentCase.objects.select_for_update(of=("self",))
        .select_related("organization", "approver")
        .get(pk=case.pk)
    )
    if actor is not None:
        require_at(actor, permission_for(action), case.organization.path)
    if action not in allowed_actions(case):
        raise RecruitmentError(
            f"当前阶段为“{case.get_stage_display()}”，不能办理“{Action(action).label}”", "__all__"
        )
    unknown = set(values) - set(FIELDS[action])
    if unknown:
        raise RecruitmentError(f"不能填写的字段：{'、'.join(sorted(unknown))}")
    missing = {n: [f"请填写{_label(n)}"] for n in REQUIRED[action] if values.get(n) in (None, "")}
    if action == Action.FULL and values.get("full_outcome") == FullOutcome.EXTEND:
        missing.pop("full_approved_on", None)
        if values.get("extension_months") in (None, ""):
            missing["extension_months"] = ["请填写延长预备期的月数（6至12个月）"]
    elif action == Action.FULL and values.get("full_approved_on") in (None, ""):
        missing["full_approved_on"] = [f"请填写{_label('full_approved_on')}"]
    if action == Action.ACTIVIST and contacts is not None and not list(contacts):
        missing["contacts"] = ["请选择1至2名培养联系人"]
    if missing:
        raise InvalidInput(missing)

    approver = values.get("approver")
    if approver is not None and not case.organization.path.startswith(approver.path):
        raise RecruitmentError("审批党委：应为本支部的上级党组织", "approver")
    before_facts = facts_of(case)
    before = {b.message for b in breaches(before_facts, today)}
    updated = dict(values)
    if action == Action.FULL and values.get("full_outcome") == FullOutcome.EXTEND:
        if case.extension_meeting_on is not None:
            raise InvalidInput(
                {"full_outcome": ["预备期只能延长一次（党章第七条）：延长期满只能转正或取消预备党员资格"]}
            )
        # the 支部大会 that extended: its date is kept apart, the 转正 meeting comes after the extension
        updated["extension_meeting_on"] = updated.pop("full_meeting_on")
        updated["full_outcome"] = ""
        for name in ("full_voters_expected", "full_voters_present", "full_votes_yes", "full_approved_on"):
            updated[name] = None
    for name, value in updated.items():
        setattr(case, name, value)
    if publicity is not None and action in PUBLICITY_OF:
        case.publicity = {**case.publicity, PUBLICITY_OF[action]: [str(publicity[0]), str(publicity[1])]}
    contacts_list = list(contacts) if contacts is not None else None
    introducers_list = list(introducers) if introducers is not None else None
    facts = facts_of(case, contacts=contacts_list, introducers=introducers_list)
    new = [b for b in breaches(facts, today) if b.message not in before]
    if new:
        _refuse(new)
    fields = list(updated)
    if publicity is not None:
        fields.append("publicity")
    case.save(update_fields=[*fields, "updated_at"])
    if contacts_list is not None:
        case.contacts.set(contacts_list)
    if introducers_list is not None:
        case.introducers.set(introducers_list)
    _record_steps(case, action, actor, note)
    if publicity is not None and actor is not None and action in PUBLICITY_OF:
        _publish(case, PUBLICITY_OF[action], publicity, actor, today or timezone.localdate())
    audit.record(
        f"recruitment.step_{action}",
        actor=actor,
        obj=case,
        changes={n: str(getattr(case, n)) for n in fields if n != "publicity"},
    )
    _advance(case, action, actor, note)
    return case


def _publish(case: RecruitmentCase, stage: str, period: tuple[date, date], actor: User, today: date) -> None:
    """A 公示 still running (it ends today or later) goes on the platform's 公示 (core.publicity): anyone
    in the branch's scope may object there and the branch handles each objection. One already over is
    only recorded by its dates."""
    start, end = period
    if end < today:
        return
    days, _fallback = workdays.count_working_days(start - timedelta(days=1), end, workdays.load_table())
    label = rules.PUBLICITY_LABELS[stage]
    publicity.publish(
        actor=actor,
        kind=rules.CASE,
        object_id=case.pk,
        organization=case.organization,
        title=f"{case.organization.name}{label}公示：{case.name}",
        items=[
            {
                "key": f"{case.pk}-{stage}",
                "label": case.name,
                "detail": f"{label}（{case.organization.name}）",
            }
        ],
        working_days=max(days, 1),
        view_permission="recruitment.view",
        handle_permission=rules.EDIT,
        starts_on=start,
    )


def can_record(actor: User, case: RecruitmentCase, action: str) -> bool:
    return has_perm_at(actor, permission_for(action), case.organization.path)


def require_record(actor: User, case: RecruitmentCase, action: str) -> None:
    if not can_record(actor, case, action):
        raise PermissionDenied("您没有执行此操作的权限")
