"""People already in the pipeline: an imported case, saved after the same rules as the forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from ronghe.accounts.models import User
from ronghe.core import audit, crypto
from ronghe.core.idnumbers import mask_id_number, parse_id_number
from ronghe.core.scope import require_at
from ronghe.core.workflow import services as workflow
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.recruitment import process
from ronghe.recruitment.choices import Action, Stage
from ronghe.recruitment.models import RecruitmentCase
from ronghe.recruitment.services.applications import _record_steps
from ronghe.recruitment.services.errors import RecruitmentError
from ronghe.recruitment.services.facts import _refuse, breaches, facts_of

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
