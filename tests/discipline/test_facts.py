"""The fact interface: sanctions in force, without any detail of the case."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from ronghe.discipline import facts
from ronghe.discipline.choices import CaseSource, CaseState, SanctionKind
from ronghe.discipline.models import Case
from ronghe.orgs.choices import OfficerPost
from ronghe.orgs.models import Officer
from tests.discipline.conftest import make_sanction
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_sanction_in_force_is_a_fact_without_details(cast):
    # given a 严重警告 from 2026-03-01 (eighteen months: to 2027-08-31)
    make_sanction(cast.member_a_record, SanctionKind.SERIOUS_WARNING, date(2026, 3, 1))
    # when another module asks about 2026
    got = facts.sanctions_in_force(
        [cast.member_a_record.pk, cast.member_b_record.pk], date(2026, 1, 1), date(2026, 12, 31)
    )
    # then only the sanctioned member is named, with the kind, label and period and nothing else
    assert got == {
        cast.member_a_record.pk: [
            facts.SanctionFact(
                "serious_warning", "严重警告", "party", date(2026, 3, 1), date(2027, 8, 31), False
            )
        ]
    }
    assert [f.name for f in dataclasses.fields(facts.SanctionFact)] == [
        "kind",
        "label",
        "category",
        "starts_on",
        "ends_on",
        "major",
    ]


@pytest.mark.parametrize(
    ("start", "end", "found"),
    [
        pytest.param(date(2026, 2, 28), date(2026, 2, 28), False, id="day_before_start_case"),
        pytest.param(date(2026, 3, 1), date(2026, 3, 1), True, id="first_day_case"),
        pytest.param(date(2027, 2, 28), date(2027, 2, 28), True, id="last_day_case"),
        pytest.param(date(2027, 3, 1), date(2027, 12, 31), False, id="after_end_case"),
    ],
)
def test_in_force_boundaries(cast, start, end, found):
    make_sanction(cast.member_a_record, SanctionKind.WARNING, date(2026, 3, 1))  # 12 months: to 2027-02-28
    got = facts.sanctions_in_force([cast.member_a_record.pk], start, end)
    assert (cast.member_a_record.pk in got) is found


def test_handling_is_left_out_unless_asked(cast):
    make_sanction(cast.member_a_record, SanctionKind.ADMONITION, date(2026, 5, 1))
    ids = [cast.member_a_record.pk]
    assert facts.sanctions_in_force(ids, date(2026, 1, 1), date(2026, 12, 31)) == {}
    got = facts.sanctions_in_force(ids, date(2026, 1, 1), date(2026, 12, 31), include_handling=True)
    assert [(f.label, f.ends_on, f.is_disciplinary) for f in got[ids[0]]] == [
        ("诫勉", date(2026, 10, 31), False)
    ]


def test_probation_blocks_until_restored(cast):
    make_sanction(cast.member_a_record, SanctionKind.PROBATION, date(2025, 6, 1))  # one year: to 2026-05-31
    ids = [cast.member_a_record.pk]
    assert facts.members_on_probation(ids, date(2026, 5, 31)) == {cast.member_a_record.pk}
    assert facts.members_on_probation(ids, date(2026, 6, 1)) == set()


def test_organization_sanctions_name_the_committee_members_only(cast):
    # given a 班子成员 of branch A with a 处分 and a plain member of branch B with one
    officer = MemberFactory(name="赵委员", organization=cast.branch_a)
    Officer.objects.create(
        organization=cast.branch_a, member=officer, post=OfficerPost.ORGANIZATION, started_on=date(2024, 1, 1)
    )
    make_sanction(officer, SanctionKind.WARNING, date(2026, 4, 1))
    make_sanction(cast.member_b_record, SanctionKind.WARNING, date(2026, 4, 1))
    # when
    got = facts.organization_sanctions([cast.branch_a.pk, cast.branch_b.pk], 2026)
    # then
    assert list(got) == [cast.branch_a.pk]
    assert [f.label for f in got[cast.branch_a.pk]] == ["警告"]
    assert facts.organization_sanctions([cast.branch_a.pk], 2025) == {}


def test_major_sanction_counts(cast):
    make_sanction(cast.member_a_record, SanctionKind.PROBATION, date(2026, 4, 1))
    make_sanction(cast.member_b_record, SanctionKind.WARNING, date(2026, 4, 1))
    assert facts.major_sanction_counts([cast.branch_a.pk, cast.branch_b.pk], 2026) == {cast.branch_a.pk: 1}


def test_members_with_cases_skip_dismissed_clues(cast):
    # given an open clue on A's member and a dismissed one (了结) on B's
    for member, state in (
        (cast.member_a_record, CaseState.VERIFYING),
        (cast.member_b_record, CaseState.CONCLUDED),
    ):
        Case.objects.create(
            organization=member.organization,
            member=member,
            source=CaseSource.LETTER,
            received_on=date(2026, 5, 1),
            summary="反映问题",
            state=state,
        )
    ids = [cast.member_a_record.pk, cast.member_b_record.pk]
    assert facts.members_with_cases(ids, date(2026, 1, 1), date(2026, 12, 31)) == {cast.member_a_record.pk}
    assert facts.members_with_cases(ids, date(2025, 1, 1), date(2025, 12, 31)) == set()
