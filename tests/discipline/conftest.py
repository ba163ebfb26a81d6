"""Discipline fixtures: a 纪检 reviewer in subtree A and one in B, and a sanction recorded directly."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.accounts.choices import Role
from ronghe.accounts.models import User
from ronghe.discipline import rules
from ronghe.discipline.choices import CaseSource, CaseState
from ronghe.discipline.models import Case, Sanction
from ronghe.members.models import Member
from tests.factories import UserFactory, grant


@pytest.fixture
def jijian_a(cast) -> User:  # noqa: ANN001
    user = UserFactory(username="jijian_a")
    grant(user, Role.DISCIPLINE_REVIEWER, cast.org_a)
    return user


@pytest.fixture
def jijian_b(cast) -> User:  # noqa: ANN001
    user = UserFactory(username="jijian_b")
    grant(user, Role.DISCIPLINE_REVIEWER, cast.org_b)
    return user


def make_sanction(
    member: Member, kind: str, starts_on: date, ends_on: date | None = None, *, summary: str = "违规收受礼金"
) -> Sanction:
    """A finished case ending in `kind` for `member` (ends_on defaults to the kind's period)."""
    case = Case.objects.create(
        organization=member.organization,
        member=member,
        source=CaseSource.LETTER,
        received_on=starts_on,
        summary=summary,
        state=CaseState.CLOSED,
        finished_on=starts_on,
    )
    return Sanction.objects.create(
        case=case,
        member=member,
        organization=member.organization,
        category=rules.KINDS[kind].category,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on if ends_on is not None else rules.calculate_ends_on(kind, starts_on),
    )
