"""A double tap on 提交申报 or 通过 records one claim, one decision and one audit row (issue 22)."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.core.errors import Conflict
from ronghe.core.models import AuditEntry
from ronghe.points import services
from ronghe.points.models import Claim, PointsEntry
from tests.points.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(YEAR, 11, 24))


def _submit(cast, ind, **over):
    data = {
        "actor": cast.member_a,
        "member": cast.member_a_record,
        "indicator": ind("article"),
        "occurred_on": date(YEAR, 3, 1),
        "points": "3",
        "description": "撰写学习心得一篇",
    } | over
    return services.submit_claim(**data)


def test_the_same_claim_sent_twice_is_one_claim(cast, scheme, ind):
    first = _submit(cast, ind)
    again = _submit(cast, ind)
    assert again.pk == first.pk
    assert Claim.objects.count() == 1
    assert AuditEntry.objects.filter(event="points.claim_submitted").count() == 1


def test_a_different_claim_the_same_day_is_a_second_claim(cast, scheme, ind):
    _submit(cast, ind)
    _submit(cast, ind, description="撰写第二篇学习心得")
    assert Claim.objects.count() == 2


def test_the_same_claim_after_a_decision_is_a_new_claim(cast, scheme, ind):
    first = _submit(cast, ind)
    services.transition_claim(claim=first, action="reject", actor=cast.secretary_a, comment="缺少材料")
    again = _submit(cast, ind)
    assert again.pk != first.pk


def test_approve_tapped_twice_is_one_approval(cast, scheme, ind):
    claim = _submit(cast, ind)
    # both requests loaded the claim while it was still waiting
    tap_one, tap_two = Claim.objects.get(pk=claim.pk), Claim.objects.get(pk=claim.pk)
    services.transition_claim(claim=tap_one, action="approve", actor=cast.secretary_a)
    with pytest.raises(Conflict):
        services.transition_claim(claim=tap_two, action="approve", actor=cast.secretary_a)
    assert PointsEntry.objects.filter(source_type="claim", source_id=str(claim.pk)).count() == 1
    assert AuditEntry.objects.filter(event="points.claim_approve").count() == 1
