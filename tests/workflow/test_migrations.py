"""The three old histories (claims, status changes, transfers) arrive in the one workflow history."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ronghe.core.workflow import services as workflow
from ronghe.core.workflow.models import History
from ronghe.members import queries
from ronghe.members.models import Member
from ronghe.points import services as points
from ronghe.points.rules import CLAIM_PROCESS
from tests.factories import MemberFactory, OrganizationFactory, UserFactory

TZ = ZoneInfo("Asia/Shanghai")


def _migrate_back(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def _migrate_forward():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_claim_history_moves_row_for_row():
    branch = OrganizationFactory(name="迁移测试支部")
    scheme = points.seed_default_scheme(organization=branch, year=2026)
    member, reviewer = MemberFactory(organization=branch), UserFactory(username="reviewer")
    indicator = scheme.indicators.filter(claimable=True).order_by("id").first()
    at = datetime(2026, 3, 2, 9, tzinfo=TZ)
    try:
        old = _migrate_back(("points", "0004_memberyear_dimensions"))
        OldClaim, OldHistory = old.get_model("points", "Claim"), old.get_model("points", "ClaimHistory")
        claim = OldClaim.objects.create(
            member_id=member.pk,
            indicator_id=indicator.pk,
            occurred_on=date(2026, 3, 1),
            points=2,
            description="读书心得",
            state="rejected",
        )
        OldHistory.objects.create(claim_id=claim.pk, to_state="submitted")
        OldHistory.objects.create(
            claim_id=claim.pk,
            from_state="submitted",
            to_state="rejected",
            action="reject",
            actor_id=reviewer.pk,
            comment="材料不全",
        )
        OldHistory.objects.filter(claim_id=claim.pk).update(at=at)
    finally:
        _migrate_forward()
    rows = History.objects.filter(process=CLAIM_PROCESS.name, object_id=claim.pk).order_by("id")
    assert list(rows.values_list("from_state", "to_state", "action", "actor_id", "comment", "at")) == [
        ("", "submitted", "", None, "", at),
        ("submitted", "rejected", "reject", reviewer.pk, "材料不全", at),
    ]


@pytest.mark.django_db(transaction=True)
def test_status_changes_and_transfers_keep_their_history():
    branch = OrganizationFactory(name="迁移测试支部")
    member = MemberFactory(organization=branch, status="full", joined_on=date(2020, 7, 1))
    try:
        old = _migrate_back(("members", "0004_name_statistics"))
        OldChange, OldTransfer = (
            old.get_model("members", "StatusChange"),
            old.get_model("members", "Transfer"),
        )
        OldChange.objects.create(
            member_id=member.pk,
            action="make_full",
            from_status="probationary",
            to_status="full",
            effective_on=date(2021, 7, 1),
            reason="按期转正",
            approval_ref="甲党字〔2021〕3号",
        )
        letter = OldTransfer.objects.create(
            member_id=member.pk,
            kind="outgoing",
            status="cancelled",
            organization_id=branch.pk,
            counterpart="外省某局党支部",
            issued_on=date(2026, 3, 1),
            completed_on=date(2026, 3, 5),
        )
    finally:
        _migrate_forward()
    # the status change, with its date, reason and approval reference, is the member's history
    member = Member.objects.get(pk=member.pk)
    (change,) = queries.status_history(member)
    assert (change.action_label, change.from_label, change.to_label) == ("转正", "预备党员", "正式党员")
    assert (change.effective_on, change.comment, change.data) == (
        date(2021, 7, 1),
        "按期转正",
        {"approval_ref": "甲党字〔2021〕3号"},
    )
    # and the standing on a day before it is unwound through it
    (standing,) = queries.standings_on(Member.objects.filter(pk=member.pk), date(2021, 6, 30))
    assert standing.status == "probationary"
    # the withdrawn letter: issued, then withdrawn on its day
    transfer_rows = History.objects.filter(process="members.transfer", object_id=letter.pk).order_by("id")
    assert list(transfer_rows.values_list("from_state", "to_state", "action", "effective_on")) == [
        ("", "pending", "", date(2026, 3, 1)),
        ("pending", "cancelled", "cancel", date(2026, 3, 5)),
    ]
    assert workflow.history_for(CLAIM_PROCESS, member) == []
