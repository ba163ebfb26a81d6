"""Two reviewers approving one claim at the same moment: exactly one approval (PostgreSQL only)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from ronghe.core.errors import Conflict
from ronghe.core.models import AuditEntry
from ronghe.core.workflow.models import History
from ronghe.points import services
from ronghe.points.models import Claim, PointsEntry
from tests.points.conftest import YEAR


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrency"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_give_exactly_one(cast, ind, time_machine):
    # given one submitted claim, loaded by two reviewers' requests
    time_machine.move_to(date(YEAR, 11, 24))
    claim = services.submit_claim(
        actor=cast.member_a,
        member=cast.member_a_record,
        indicator=ind("article"),
        occurred_on=date(YEAR, 3, 1),
        points="3",
        description="撰写学习心得一篇",
    )
    reviewers = [cast.secretary_a, cast.committee_admin]
    start = threading.Barrier(len(reviewers))
    outcomes: list[str] = []

    def approve(user) -> None:
        mine = Claim.objects.select_related("member__organization").get(pk=claim.pk)
        try:
            start.wait()
            services.transition_claim(claim=mine, action="approve", actor=user)
            outcomes.append("approved")
        except Conflict:
            outcomes.append("conflict")
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    # when both approve at once
    threads = [threading.Thread(target=approve, args=(u,)) for u in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then one wins, the other is told someone else decided, and one approval is recorded
    assert sorted(outcomes) == ["approved", "conflict"]
    assert Claim.objects.get(pk=claim.pk).state == "approved"
    assert PointsEntry.objects.filter(source_type="claim", source_id=str(claim.pk)).count() == 1
    assert History.objects.filter(process="points.claim", object_id=claim.pk, action="approve").count() == 1
    assert AuditEntry.objects.filter(event="points.claim_approve").count() == 1
