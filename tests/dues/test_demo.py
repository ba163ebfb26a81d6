"""The demo county has a year of 党费 with a few arrears and cases for the 支部大会."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.demo.generator import build_county
from ronghe.dues import queries
from ronghe.dues.models import ArrearsCase, DuesRecord, VoluntaryPayment
from ronghe.members.models import Member

pytestmark = pytest.mark.django_db


def test_demo_has_a_year_of_dues_and_a_few_arrears():
    county = build_county(n_members=300, seed=7, today=date(2026, 11, 24), until="demo_dues")
    assert DuesRecord.objects.filter(period__year=2026, state="paid").count() > 2000
    assert DuesRecord.objects.filter(timing="prepaid").exists()
    assert DuesRecord.objects.filter(state="exempt").exists()
    facts = queries.arrears_by_member(Member.objects.all(), date(2026, 11, 24))
    warnings = [a for a in facts.values() if a.level == "warning"]
    cases = [a for a in facts.values() if a.level == "case"]
    assert 1 <= len(warnings) <= 30 and 1 <= len(cases) <= 15
    assert ArrearsCase.objects.count() == len(cases)
    assert VoluntaryPayment.objects.filter(remit_to_central=True).count() == 1
    rates = queries.branch_collection_rate(county.branches, 2026, date(2026, 11, 24))
    assert all(r is None or 50 <= r <= 100 for r in rates.values())
