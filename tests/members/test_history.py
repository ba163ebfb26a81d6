"""members_of(organization, on=date): the roster on a past day, from transfers and status changes."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.members import services
from ronghe.members.queries import members_of
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def names(org, on):
    return {s.member.name: s.status for s in members_of(org, on=on)}


def test_internal_transfer_counts_from_its_date(cast):
    mover = MemberFactory(organization=cast.branch_a, name="调动")
    services.transfer_internal(
        actor=cast.committee_admin, member=mover, to_organization=cast.branch_b, on_date=date(2026, 6, 1)
    )
    # the day before the transfer: still in A; on the day: in B
    assert "调动" in names(cast.branch_a, date(2026, 5, 31))
    assert "调动" not in names(cast.branch_b, date(2026, 5, 31))
    assert "调动" not in names(cast.branch_a, date(2026, 6, 1))
    assert names(cast.branch_b, date(2026, 6, 1))["调动"] == "full"


def test_probationary_until_made_full(cast):
    p = MemberFactory(
        organization=cast.branch_a,
        name="预备",
        status="probationary",
        joined_on=date(2025, 3, 1),
        full_on=None,
    )
    services.change_status(
        actor=cast.committee_admin,
        member=p,
        action="make_full",
        effective_on=date(2026, 3, 1),
        reason="预备期满",
        approval_ref="党员大会决议",
    )
    assert names(cast.branch_a, date(2026, 2, 28))["预备"] == "probationary"
    assert names(cast.branch_a, date(2026, 3, 1))["预备"] == "full"
    # before joining: not on the roster at all
    assert "预备" not in names(cast.branch_a, date(2025, 2, 28))


def test_imported_full_member_was_probationary_before_full_on(cast):
    MemberFactory(
        organization=cast.branch_a, name="导入", joined_on=date(2025, 7, 1), full_on=date(2026, 7, 1)
    )
    assert names(cast.branch_a, date(2026, 6, 30))["导入"] == "probationary"
    assert names(cast.branch_a, date(2026, 7, 1))["导入"] == "full"


def test_outgoing_letter_leaves_on_receipt_and_suspension_ends_membership(cast):
    leaver = MemberFactory(organization=cast.branch_a, name="转出")
    letter = services.issue_outgoing_letter(
        actor=cast.committee_admin, member=leaver, counterpart="外县某支部", issued_on=date(2026, 4, 1)
    )
    services.transition_transfer(
        actor=cast.committee_admin, transfer=letter, action="confirm", on_date=date(2026, 4, 20)
    )
    assert names(cast.branch_a, date(2026, 4, 19))["转出"] == "full"
    assert "转出" not in names(cast.branch_a, date(2026, 4, 20))
    stopped = MemberFactory(organization=cast.branch_a, name="停止")
    services.change_status(
        actor=cast.committee_admin,
        member=stopped,
        action="suspend",
        effective_on=date(2026, 5, 1),
        reason="长期不参加组织生活",
        approval_ref="决定",
    )
    assert "停止" in names(cast.branch_a, date(2026, 4, 30))
    assert "停止" not in names(cast.branch_a, date(2026, 5, 1))


def test_incoming_member_counts_from_arrival(cast):
    services.receive_incoming(
        actor=cast.committee_admin,
        organization=cast.branch_a,
        counterpart="外县某支部",
        issued_on=date(2026, 9, 1),
        name="转入",
        gender="女",
        birth_date=date(1990, 1, 1),
        joined_on=date(2015, 1, 1),
        full_on=date(2016, 1, 1),
    )
    assert "转入" not in names(cast.branch_a, date(2026, 8, 31))
    assert "转入" in names(cast.branch_a, date(2026, 9, 1))


def test_constant_queries(cast, django_assert_num_queries):
    for i in range(5):
        MemberFactory(organization=cast.branch_a, name=f"多{i}")
    with django_assert_num_queries(3):
        members_of(cast.branch_a, on=date(2026, 1, 1))
    for i in range(10):
        MemberFactory(organization=cast.branch_a, name=f"再{i}")
    with django_assert_num_queries(3):
        members_of(cast.branch_a, on=date(2026, 1, 1))
