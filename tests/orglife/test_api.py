import json

import pytest

from ronghe.orglife.models import Meeting

pytestmark = pytest.mark.django_db


def _payload(cast, members, **extra):
    body = {
        "organization_code": str(cast.branch_a.code),
        "kind": "general_meeting",
        "title": "API 党员大会",
        "held_at": "2026-11-20T09:00:00+08:00",
        "attendance": [{"member_code": str(m.code), "status": "present"} for m in members],
    }
    body.update(extra)
    return json.dumps(body)


def test_create_list_detail_attendance(cast, branch_members, client_for):
    full, prob = branch_members
    client = client_for(cast.secretary_a)
    response = client.post("/api/v1/orglife/meetings", _payload(cast, full), content_type="application/json")
    assert response.status_code == 201
    code = response.json()["code"]
    assert [m["code"] for m in client.get("/api/v1/orglife/meetings").json()] == [code]
    rows = client.get(f"/api/v1/orglife/meetings/{code}/attendance").json()
    assert len(rows) == 12
    assert {r["status"] for r in rows if not r["is_voter"]} == {"absent"}


def test_outsider_gets_404_and_nothing_is_written(cast, branch_members, client_for):
    full, _ = branch_members
    response = client_for(cast.outsider_b).post(
        "/api/v1/orglife/meetings", _payload(cast, full), content_type="application/json"
    )
    assert response.status_code == 404
    assert Meeting.objects.count() == 0


def test_plain_member_gets_403(cast, branch_members, client_for):
    full, _ = branch_members
    response = client_for(cast.member_a).post(
        "/api/v1/orglife/meetings", _payload(cast, full), content_type="application/json"
    )
    assert response.status_code == 403
    assert Meeting.objects.count() == 0


def test_member_of_another_branch_in_attendance_is_refused(cast, branch_members, client_for):
    response = client_for(cast.secretary_a).post(
        "/api/v1/orglife/meetings", _payload(cast, [cast.member_b_record]), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "出席名单中有不属于该党组织的党员"
    assert Meeting.objects.count() == 0


def test_compliance_is_scoped(cast, branch_members, client_for):
    rows = client_for(cast.outsider_b).get("/api/v1/orglife/compliance?year=2026").json()
    assert {r["organization"] for r in rows} == {"乙局第一党支部"}
    rows = client_for(cast.committee_admin).get("/api/v1/orglife/compliance?year=2026").json()
    assert {r["organization"] for r in rows} == {"甲局第一党支部", "乙局第一党支部"}
