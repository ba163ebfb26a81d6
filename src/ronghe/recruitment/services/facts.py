"""The rules' view of a case (its facts, the policy in force) and how its breaches are refused."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from ronghe.core import workdays
from ronghe.core.errors import InvalidInput
from ronghe.discipline import facts as discipline_facts
from ronghe.education import queries as education_queries
from ronghe.members.models import Member
from ronghe.recruitment import rules
from ronghe.recruitment.models import RecruitmentCase


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


def _label(name: str) -> str:
    return str(getattr(RecruitmentCase._meta.get_field(name), "verbose_name", name))
