"""发展党员 use-cases: register an application, record each step, the 考察 records; admission creates
the Member record and 转正 continues on the members status flow (`members.services.change_status`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit, crypto, workdays
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.idnumbers import IdentifierError, mask_id_number, parse_id_number
from ronghe.core.publicity import services as publicity
from ronghe.core.scope import has_perm_at, require_at
from ronghe.core.workflow import services as workflow
from ronghe.discipline import facts as discipline_facts
from ronghe.education import queries as education_queries
from ronghe.members import services as members
from ronghe.members.choices import MemberStatus, StatusAction
from ronghe.members.models import Member
from ronghe.orgs.choices import BRANCH_KINDS
from ronghe.orgs.models import Organization
from ronghe.recruitment import process, rules, steps
from ronghe.recruitment.choices import Action, FullOutcome, ObservationKind, Stage
from ronghe.recruitment.models import Observation, RecruitmentCase, RecruitmentStep


class RecruitmentError(DomainError):
    """A refused 发展党员 change, with a Chinese message naming the rule or the field."""


def policy() -> rules.Policy:
    """The local practice in force (`RONGHE_RECRUITMENT` setting), else domain-rules' defaults."""
    return rules.policy_from(getattr(settings, "RONGHE_RECRUITMENT", None))


def person(member: Member, on_probation: Iterable[int] = ()) -> rules.Person:
    """A member as an introducer or contact; `on_probation` are the members under 留党察看 whose rights
    are not yet restored (`discipline.facts.members_on_probation`: the fact only, no case detail)."""
    return rules.Person(member.name, member.status, member.pk in set(on_probation))


def _publicity(raw: Mapping[str, Any]) -> dict[str, tuple[date, date]]:
    out = {}
    for stage, pair in (raw or {}).items():
        if pair and len(pair) == 2 and pair[0] and pair[1]:
            start, end = (p if isinstance(p, date) else date.fromisoformat(p) for p in pair)
            out[stage] = (start, end)
    return out


def facts_of(
    case: RecruitmentCase,
    *,
    contacts: Iterable[Member] | None = None,
    introducers: Iterable[Member] | None = None,
) -> rules.Facts:
    """The rules' view of a case (the given contacts/introducers replace the stored ones)."""
    skip = {"contacts", "introducers", "publicity", "approver_kind"}
    names = {f for f in rules.Facts.__dataclass_fields__ if f not in skip and hasattr(case, f)}
    values: dict[str, Any] = {n: getattr(case, n) for n in names}
    values["written_yes"] = case.written_yes or 0
    values["approval_delay_reason"] = case.approval_delay_reason or ""
    if case.pk:
        contacts = case.contacts.all() if contacts is None else contacts
        introducers = case.introducers.all() if introducers is None else introducers
    introducers = list(introducers or ())
    # 留党察看 on the day the introducers are settled (the 发展对象 date), else today.
    probation = discipline_facts.members_on_probation(
        [m.pk for m in introducers], case.candidate_on or timezone.localdate()
    )
    if case.member_id:
        values["recorded_hours"] = recorded_training(case).total
    return rules.Facts(
        **values,
        contacts=tuple(person(m) for m in contacts or ()),
        introducers=tuple(person(m, probation) for m in introducers),
        approver_kind=case.approver.kind if case.approver_id and case.approver else "",
        publicity=_publicity(case.publicity),
    )


def recorded_training(case: RecruitmentCase) -> education_queries.HoursSources:
    """The person's 学时 in the education records (classes attended, approved external training) from
    the 发展对象 date up to the 支部大会, for the ≥ 24 学时 rule (细则 第十七条)."""
    assert case.member_id is not None
    return education_queries.hours_sources(case.member_id, since=case.candidate_on, until=case.admitted_on)


def breaches(facts: rules.Facts, today: date | None = None) -> list[rules.Breach]:
    return rules.evaluate(facts, policy(), today or timezone.localdate(), workdays.load_table())


def _field_label(name: str) -> str:
    if name.startswith("publicity_"):
        return f"{rules.PUBLICITY_LABELS.get(name[len('publicity_') :], '')}公示"
    return _label(name)


def _refuse(found: list[rules.Breach]) -> None:
    """Refuse with every breach on its field; the joined message names each field in Chinese."""
    errors: dict[str, list[str]] = {}
    for b in found:
        errors.setdefault(b.field, []).append(b.message)
    raise InvalidInput(errors, labels={name: _field_label(name) for name in errors})


def _record_steps(case: RecruitmentCase, action: str, actor: User | None, note: str) -> None:
    """One RecruitmentStep row for each of the 25 steps the action recorded (dated from the case)."""
    for step in steps.STEPS:
        if step.action != action and not (step.number == 1 and action == ""):
            continue
        done = getattr(case, step.date_field) if step.date_field else None
        if done is None:
            continue
        RecruitmentStep.objects.update_or_create(
            case=case, number=step.number, defaults={"done_on": done, "note": note, "recorded_by": actor}
        )


# ------------------------------------------------------------------ applications


@transaction.atomic
def create_case(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    id_number: str,
    applied_on: date,
    education: str = "",
    work_position: str = "",
    ethnicity: str = "汉族",
    note: str = "",
    today: date | None = None,
) -> RecruitmentCase:
    """Register an application (step 1) at a branch: the person's age is checked from the ID number."""
    if actor is not None:
        require_at(actor, rules.EDIT, organization.path)
    if organization.kind not in BRANCH_KINDS:
        raise RecruitmentError("党组织：入党申请应向党支部提出，请选择党支部", "organization")
    if not name.strip():
        raise RecruitmentError("姓名：请填写姓名", "name")
    try:
        info = parse_id_number(id_number)
    except IdentifierError as exc:
        raise RecruitmentError(f"公民身份号码：{exc}", "id_number") from exc
    index = crypto.blind_index(info.number, "id_number")
    indexes = crypto.blind_indexes(info.number, "id_number")  # + the previous MAC key's, mid-rotation
    if RecruitmentCase.objects.filter(id_number_index__in=indexes).exists():
        raise RecruitmentError("公民身份号码：此人已有发展党员纪实，不能重复登记", "id_number")
    if Member.objects.filter(id_number_index__in=indexes).exists():
        raise RecruitmentError("公民身份号码：此人已是党员，不能再登记入党申请", "id_number")
    case = RecruitmentCase(
        organization=organization,
        name=name.strip(),
        gender=info.sex,
        birth_date=info.birth_date,
        id_number_encrypted=crypto.encrypt(info.number, "id_number"),
        id_number_index=index,
        id_number_masked=mask_id_number(info.number),
        applied_on=applied_on,
        education=education,
        work_position=work_position.strip(),
        ethnicity=ethnicity or "汉族",
    )
    found = breaches(facts_of(case), today)
    if found:
        _refuse(found)
    case.save()
    _record_steps(case, "", actor, note)
    workflow.start(process.CASE_PROCESS, case, by=actor, effective_on=applied_on)
    audit.record(
        "recruitment.case_create",
        actor=actor,
        obj=case,
        changes={"name": case.name, "applied_on": str(applied_on), "id_number": case.id_number_masked},
    )
    return case


# ------------------------------------------------------------------ the steps

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


def _label(name: str) -> str:
    return str(getattr(RecruitmentCase._meta.get_field(name), "verbose_name", name))


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


# ------------------------------------------------------------------ 考察 and 思想汇报

OBSERVED_STAGES = frozenset({Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY})


@transaction.atomic
def add_observation(
    *, actor: User | None, case: RecruitmentCase, kind: str, on: date, content: str, today: date | None = None
) -> Observation:
    """A 培养考察 record (every 6 months) or a 思想汇报 (every quarter) of an activist or 预备党员."""
    if actor is not None:
        require_at(actor, rules.EDIT, case.organization.path)
    if case.stage not in OBSERVED_STAGES:
        raise RecruitmentError(f"“{case.get_stage_display()}”阶段不记录培养考察和思想汇报")
    if kind not in ObservationKind.values:
        raise RecruitmentError("类型：请选择培养考察或思想汇报", "kind")
    if not content.strip():
        raise RecruitmentError("内容：请填写考察意见或汇报内容", "content")
    today = today or timezone.localdate()
    if on > today:
        raise RecruitmentError("日期：不能晚于今天", "on")
    if case.activist_on and on < case.activist_on:
        raise RecruitmentError(f"日期：不能早于确定为入党积极分子的 {case.activist_on:%Y-%m-%d}", "on")
    row = Observation.objects.create(case=case, kind=kind, on=on, content=content.strip(), recorded_by=actor)
    audit.record(
        "recruitment.observation_create", actor=actor, obj=case, changes={"kind": kind, "on": str(on)}
    )
    return row


def can_record(actor: User, case: RecruitmentCase, action: str) -> bool:
    return has_perm_at(actor, permission_for(action), case.organization.path)


def require_record(actor: User, case: RecruitmentCase, action: str) -> None:
    if not can_record(actor, case, action):
        raise PermissionDenied("您没有执行此操作的权限")


# ------------------------------------------------------------------ people already in the pipeline

IMPORTED_FACTS = (
    "applied_on",
    "talked_on",
    "activist_on",
    "activist_filed_on",
    "candidate_on",
    "candidate_filed_on",
    "political_review_on",
    "political_review_result",
    "training_start",
    "training_end",
    "training_hours",
    "committee_review_on",
    "pre_review_on",
    "form_issued_on",
)


def case_from(
    *,
    organization: Organization,
    name: str,
    id_number: str,
    education: str,
    work_position: str,
    facts: Mapping[str, Any],
    publicity: Mapping[str, list[str]],
) -> RecruitmentCase:
    """An unsaved case for a person already in the pipeline: the stage follows the latest decision
    recorded (发展对象, 积极分子, else 申请人)."""
    info = parse_id_number(id_number)
    case = RecruitmentCase(
        organization=organization,
        name=name,
        gender=info.sex,
        birth_date=info.birth_date,
        id_number_encrypted=crypto.encrypt(info.number, "id_number"),
        id_number_index=crypto.blind_index(info.number, "id_number"),
        id_number_masked=mask_id_number(info.number),
        education=education,
        work_position=work_position,
        publicity=dict(publicity),
        **{k: v for k, v in facts.items() if v not in (None, "")},
    )
    case.stage = (
        Stage.CANDIDATE if case.candidate_on else Stage.ACTIVIST if case.activist_on else Stage.APPLICANT
    )
    return case


@transaction.atomic
def import_case(
    *,
    actor: User | None,
    case: RecruitmentCase,
    contacts: Iterable[Member],
    introducers: Iterable[Member],
    source: str,
) -> RecruitmentCase:
    """Save an imported case after the same rules as the forms; its steps and start are recorded."""
    if actor is not None:
        require_at(actor, "recruitment.import", case.organization.path)
    contacts, introducers = list(contacts), list(introducers)
    found = breaches(facts_of(case, contacts=contacts, introducers=introducers))
    if found:
        _refuse(found)
    indexes = [case.id_number_index]
    if crypto.mac_moving():
        indexes = crypto.blind_indexes(crypto.decrypt(case.id_number_encrypted, "id_number"), "id_number")
    if RecruitmentCase.objects.filter(id_number_index__in=indexes).exists():
        raise RecruitmentError("公民身份号码：此人已有发展党员纪实，不能重复导入", "id_number")
    case.save()
    case.contacts.set(contacts)
    case.introducers.set(introducers)
    for action in ("", *Action.values):
        _record_steps(case, action, actor, f"导入：{source}")
    workflow.start(
        process.CASE_PROCESS, case, by=actor, effective_on=case.applied_on, comment=f"导入：{source}"
    )
    audit.record(
        "recruitment.case_import",
        actor=actor,
        obj=case,
        changes={"name": case.name, "stage": case.stage, "source": source},
    )
    return case
