"""A person taken through the 发展党员 steps with realistic dates (helpers for the tests)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ronghe.members.models import Member
from ronghe.recruitment import services
from ronghe.recruitment.choices import Action, FullOutcome, ReviewResult
from ronghe.recruitment.models import RecruitmentCase
from tests.factories import MemberFactory, valid_id_number

TODAY = date(2026, 3, 2)


def people(cast) -> tuple[Member, Member]:  # noqa: ANN001
    """Two 正式党员 of branch A to act as contact and introducers."""
    other = Member.objects.filter(organization=cast.branch_a, name="王介绍").first() or MemberFactory(
        name="王介绍", organization=cast.branch_a
    )
    return cast.member_a_record, other


def apply(
    cast, *, born: date = date(2000, 5, 10), applied_on: date = date(2023, 3, 1), name: str = "赵申请"
) -> RecruitmentCase:  # noqa: ANN001
    return services.create_case(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        name=name,
        id_number=valid_id_number(born, "女"),
        applied_on=applied_on,
        education="大学本科",
    )


STEPS: list[tuple[str, dict[str, Any]]] = [
    (Action.TALK, {"values": {"talked_on": date(2023, 3, 20), "talker": "张甲"}}),
    (
        Action.ACTIVIST,
        {
            "values": {"activist_on": date(2023, 6, 1), "activist_filed_on": date(2023, 6, 10)},
            "publicity": (date(2023, 6, 2), date(2023, 6, 8)),
        },
    ),
    (
        Action.CANDIDATE,
        {
            "values": {"candidate_on": date(2024, 6, 3), "candidate_filed_on": date(2024, 6, 12)},
            "publicity": (date(2024, 6, 4), date(2024, 6, 11)),
        },
    ),
    (
        Action.REVIEW,
        {
            "values": {
                "political_review_on": date(2024, 7, 1),
                "political_review_result": ReviewResult.PASSED,
                "training_start": date(2024, 7, 8),
                "training_end": date(2024, 7, 10),
                "training_hours": 24,
            }
        },
    ),
    (
        Action.PRE_REVIEW,
        {
            "values": {
                "committee_review_on": date(2024, 7, 15),
                "pre_review_on": date(2024, 7, 25),
                "form_issued_on": date(2024, 7, 26),
            }
        },
    ),
    (
        Action.MEETING,
        {
            "values": {
                "admitted_on": date(2024, 8, 16),
                "voters_expected": 10,
                "voters_present": 8,
                "votes_yes": 8,
                "written_yes": 0,
            }
        },
    ),
]


def approve_values(cast) -> dict[str, Any]:  # noqa: ANN001
    return {
        "values": {
            "higher_talk_on": date(2024, 9, 2),
            "approved_on": date(2024, 9, 20),
            "approver": cast.committee,
            "filed_on": date(2024, 9, 25),
        },
        "publicity": (date(2024, 8, 19), date(2024, 8, 23)),
    }


FULL = {
    "values": {
        "full_applied_on": date(2025, 7, 20),
        "full_meeting_on": date(2025, 8, 18),
        "full_outcome": FullOutcome.FULL,
        "full_voters_expected": 11,
        "full_voters_present": 9,
        "full_votes_yes": 9,
        "full_approved_on": date(2025, 9, 5),
    },
    "publicity": (date(2025, 8, 19), date(2025, 8, 25)),
}


def through(cast, case: RecruitmentCase, until: str, start: str = Action.TALK) -> RecruitmentCase:  # noqa: ANN001
    """Record the steps from `start` up to and including `until` (Actions) as the secretary (the 党委
    for the approvals)."""
    contact, other = people(cast)
    order = [a for a, _ in STEPS] + [Action.APPROVE, Action.OATH, Action.FULL]
    if start == Action.OATH:
        case = services.record_step(
            actor=cast.secretary_a,
            case=case,
            action=Action.OATH,
            today=TODAY,
            values={"oath_on": date(2024, 10, 12)},
        )
        return (
            case
            if until == Action.OATH
            else services.record_step(
                actor=cast.committee_admin, case=case, action=Action.FULL, today=TODAY, **FULL
            )
        )
    assert start in order
    for action, kwargs in STEPS:
        extra: dict[str, Any] = {}
        if action == Action.ACTIVIST:
            extra["contacts"] = [contact]
        if action == Action.CANDIDATE:
            extra["introducers"] = [contact, other]
        case = services.record_step(
            actor=cast.secretary_a, case=case, action=action, today=TODAY, **kwargs, **extra
        )
        if action == until:
            return case
    case = services.record_step(
        actor=cast.committee_admin, case=case, action=Action.APPROVE, today=TODAY, **approve_values(cast)
    )
    if until == Action.APPROVE:
        return case
    case = services.record_step(
        actor=cast.secretary_a,
        case=case,
        action=Action.OATH,
        today=TODAY,
        values={"oath_on": date(2024, 10, 12)},
    )
    if until == Action.OATH:
        return case
    return services.record_step(
        actor=cast.committee_admin, case=case, action=Action.FULL, today=TODAY, **FULL
    )
