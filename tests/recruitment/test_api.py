"""GET /api/v1/recruitment/cases, /cases/{code}, /pipeline — scoped like the pages."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tests.recruitment import flow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 2), tick=False):
        yield


def test_cases_list_and_pipeline(client_for, cast):
    flow.apply(cast, name="甲", applied_on=date(2025, 12, 1))
    client = client_for(cast.secretary_a)
    [row] = client.get("/api/v1/recruitment/cases").json()
    assert (row["name"], row["stage"], row["next_action"], row["due_on"], row["late"]) == (
        "甲",
        "applicant",
        "派人谈话",
        "2026-01-01",
        True,
    )
    pipeline = client.get("/api/v1/recruitment/pipeline").json()
    assert (pipeline["counts"]["applicant"], pipeline["late"], pipeline["total"]) == (1, 1, 1)
    assert client.get("/api/v1/recruitment/cases", {"stage": "activist"}).json() == []
    assert client.get("/api/v1/recruitment/cases", {"stage": "nonsense"}).status_code == 422


def test_case_detail_with_derived_dates(client_for, cast):
    case = flow.through(cast, flow.apply(cast), "full")
    data = client_for(cast.secretary_a).get(f"/api/v1/recruitment/cases/{case.code}").json()
    assert (data["joined_on"], data["probation_ends_on"], data["full_on"], data["stage"]) == (
        "2024-08-16",
        "2025-08-16",
        "2025-08-16",
        "full",
    )
    assert data["steps"][14] == {
        "number": 15,
        "title": "支部大会讨论",
        "actor": "支部党员大会",
        "done_on": "2024-08-16",
        "documents": ["支部大会会议记录"],
    }
    assert data["breaches"] == []


def test_outsider_and_member(client_for, cast):
    case = flow.apply(cast)
    assert client_for(cast.outsider_b).get(f"/api/v1/recruitment/cases/{case.code}").status_code == 404
    assert client_for(cast.outsider_b).get("/api/v1/recruitment/cases").json() == []
    assert client_for(cast.member_a).get("/api/v1/recruitment/pipeline").status_code == 403
