"""The bench's floors for 党内统计 and the annual report run (the bench itself is not part of the test run)."""

from __future__ import annotations

import pytest
from bench.floors import annual_report_facts, party_statistics_floor
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_party_statistics_floor_groups_the_subtrees_members(cast):
    response = party_statistics_floor(RequestFactory().get("/", {"path": cast.org_a.path}))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 1  # 张甲 (and anyone else under 甲局总支)


def test_annual_report_floor_reads_the_facts(cast):
    assert annual_report_facts(cast.committee.path, 2026) >= 0
