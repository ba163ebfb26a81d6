"""The demo county's 纪检: cases in every state, a branch's rating vetoed and a member under 警告."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.demo.generator import build_county
from ronghe.discipline import facts
from ronghe.discipline.choices import CaseState
from ronghe.discipline.demo import blocked_member
from ronghe.discipline.models import Case, Committee, Risk, Sanction
from ronghe.ratings.choices import EntryState
from ronghe.ratings.models import Entry

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 24)


def test_demo_discipline_gates_a_rating_and_a_member():
    county = build_county(400, seed=5, today=TODAY, until="demo_ratings")
    states = set(Case.objects.values_list("state", flat=True))
    assert states >= {
        CaseState.RECEIVED,
        CaseState.VERIFYING,
        CaseState.CONCLUDED,
        CaseState.DECIDED,
        CaseState.CLOSED,
    }
    assert Committee.objects.exists()
    assert Risk.objects.filter(next_review_on__lt=TODAY).count() == 2
    # the 班子成员's 严重警告 vetoes their branch in last year's named campaign
    capped = Sanction.objects.get(kind="serious_warning")
    vetoed = Entry.objects.get(campaign__year=2025, organization=capped.organization)
    assert vetoed.state == EntryState.NAMED
    assert vetoed.level is None
    assert vetoed.breakdown["derived"]["discipline_case"]["detail"] == "班子成员受处分（一票否决）"
    # the blocked member is under a 警告 today
    member = blocked_member(county)
    got = facts.sanctions_in_force([member.pk], TODAY, TODAY)
    assert [f.label for f in got[member.pk]] == ["警告"]
