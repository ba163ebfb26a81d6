"""The evaluation of many branches at once (`services.preview`, the 工委's overview and the bench's
评星 workload): its statements do not grow with the branches, and each branch gets what it gets alone."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ronghe.orgs.choices import OrgKind
from ronghe.ratings import services
from tests.factories import MemberFactory, OrganizationFactory
from tests.ratings.flow import open_campaign


def _branches(cast, n: int) -> list[int]:  # noqa: ANN001
    """`n` sibling branches under 乙局总支, each with members (one a 预备党员) and a 党小组."""
    ids = []
    for i in range(n):
        branch = OrganizationFactory(
            name=f"批量支部{i}", parent=cast.org_b, kind=OrgKind.BRANCH, last_election_on=date(2024, 1, 1)
        )
        for _ in range(1 + i % 3):
            MemberFactory(organization=branch)
        MemberFactory(organization=branch, status="probationary")
        OrganizationFactory(name=f"批量小组{i}", parent=branch, kind=OrgKind.GROUP)
        ids.append(branch.pk)
    return ids


def _statements(campaign, ids: list[int]) -> tuple[int, dict]:  # noqa: ANN001
    with CaptureQueriesContext(connection) as captured:
        outcome = services.preview(campaign, ids)
    return len(captured.captured_queries), outcome


def test_previewing_more_branches_takes_no_more_statements(cast, people):  # noqa: ANN001
    ids = _branches(cast, 6)
    campaign = open_campaign(cast)
    services.preview(campaign, ids[:1])  # warm what is read once per process (policies, settings)
    two, few = _statements(campaign, ids[:2])
    six, many = _statements(campaign, ids)
    assert six == two, f"{two} statements for 2 branches, {six} for 6"
    assert len(many) == 6
    # one batch gives each branch what it gets evaluated alone
    for pk in ids:
        alone = services.preview(campaign, [pk])[pk]
        assert many[pk] == alone
    assert all(many[pk] == few[pk] for pk in ids[:2])
