"""`evaluate`: every rule over one person's facts, in one list of breaches."""

from __future__ import annotations

from datetime import date

from ronghe.core import workdays
from ronghe.recruitment.choices import FullOutcome
from ronghe.recruitment.rules.admission import (
    check_approval,
    check_full,
    check_pre_review,
    check_publicity,
    check_vote,
)
from ronghe.recruitment.rules.application import (
    check_activist_year,
    check_age,
    check_application_age,
    check_contacts,
    check_introducers,
    check_order,
    check_political_review,
    check_talk,
    check_training,
)
from ronghe.recruitment.rules.dates import _d
from ronghe.recruitment.rules.facts import DEFAULT_POLICY, ORDER, Breach, Facts, Policy


def evaluate(
    facts: Facts,
    policy: Policy = DEFAULT_POLICY,
    today: date | None = None,
    table: workdays.Table | None = None,
) -> list[Breach]:
    """Every rule of domain-rules §3 over one person's facts. Dates in the future are refused too."""
    out: list[Breach] = []
    if today is not None:
        for name, label in ORDER:
            day = getattr(facts, name)
            if day is not None and day > today:
                out.append(Breach(name, f"{label} {_d(day)} 不能晚于今天"))
    single = [
        check_age(facts.birth_date, facts.applied_on),
        check_talk(facts.applied_on, facts.talked_on),
        check_application_age(facts.applied_on, facts.activist_on, policy.min_application_months),
        check_activist_year(facts, policy),
        check_political_review(facts),
        check_pre_review(facts),
    ]
    out += [b for b in single if b is not None]
    out += check_order(facts)
    out += check_contacts(facts.contacts, facts.activist_on)
    out += check_introducers(facts.introducers, facts.candidate_on)
    out += check_training(facts, policy)
    if facts.admitted_on is not None:
        vote = check_vote(
            expected=facts.voters_expected,
            present=facts.voters_present,
            yes=facts.votes_yes,
            written_yes=facts.written_yes,
            field_name="votes_yes",
            what="支部大会讨论接收预备党员",
        )
        if vote:
            out.append(vote)
    out += check_approval(facts)
    out += check_full(facts)
    if facts.full_meeting_on is not None and facts.full_outcome in (FullOutcome.FULL, FullOutcome.CANCEL):
        vote = check_vote(
            expected=facts.full_voters_expected,
            present=facts.full_voters_present,
            yes=facts.full_votes_yes,
            written_yes=0,
            field_name="full_votes_yes",
            what="支部大会讨论转正",
        )
        if vote:
            out.append(vote)
    reached = {
        "activist": facts.activist_on,
        "candidate": facts.candidate_on,
        "admission": facts.approved_on,  # 拟接收: between the 支部大会 and the approval
        "full": facts.full_approved_on,
    }
    for stage, day in reached.items():
        if day is not None:
            publicity = check_publicity(stage, facts.publicity.get(stage), policy, table)
            if publicity:
                out.append(publicity)
    return out
