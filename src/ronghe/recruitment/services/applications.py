"""Registering an application (step 1), and the step rows every recorded action leaves."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from ronghe.accounts.models import User
from ronghe.core import audit, crypto
from ronghe.core.idnumbers import IdentifierError, mask_id_number, parse_id_number
from ronghe.core.scope import require_at
from ronghe.core.workflow import services as workflow
from ronghe.members.models import Member
from ronghe.orgs.choices import BRANCH_KINDS
from ronghe.orgs.models import Organization
from ronghe.recruitment import process, rules, steps
from ronghe.recruitment.models import RecruitmentCase, RecruitmentStep
from ronghe.recruitment.services.errors import RecruitmentError
from ronghe.recruitment.services.facts import _refuse, breaches, facts_of


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
