import json

import pytest

from ronghe.orglife import services
from ronghe.orglife.models import Meeting
from ronghe.points import services as points_services
from ronghe.points.models import PointsEntry
from tests.orglife.conftest import at

pytestmark = pytest.mark.django_db


def _payload(cast, members, absent=(), **extra):
    body = {
        "organization_code": str(cast.branch_a.code),
        "kind": "general_meeting",
        "title": "API 党员大会",
        "held_at": "2026-11-20T09:00:00+08:00",
        "attendance": [{"member_code": str(m.code), "status": "present"} for m in members]
        + [{"member_code": str(m.code), "status": "absent"} for m in absent],
    }
    body.update(extra)
    return json.dumps(body)


def test_create_list_detail_attendance(cast, branch_members, client_for):
    full, prob = branch_members
    client = client_for(cast.secretary_a)
    response = client.post(
        "/api/v1/orglife/meetings", _payload(cast, full, absent=prob), content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["state"] == "held"
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


def test_the_api_records_what_the_page_records(cast, branch_members, client_for):
    # given
    full, prob = branch_members
    host, recorder = full[1], full[2]
    body = _payload(
        cast,
        full,
        absent=prob,
        ends_at="2026-11-20T11:00:00+08:00",
        host_code=str(host.code),
        recorder_code=str(recorder.code),
        remarks="张甲发言",
        sitting_in="王列席 甲局办公室\n赵列席",
        requires_sign_out=True,
    )
    # when
    response = client_for(cast.secretary_a).post(
        "/api/v1/orglife/meetings", body, content_type="application/json"
    )
    # then
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get(code=response.json()["code"])
    assert (meeting.host_id, meeting.recorder_id, meeting.remarks, meeting.requires_sign_out) == (
        host.pk,
        recorder.pk,
        "张甲发言",
        True,
    )
    assert sorted((s.name, s.affiliation) for s in meeting.sitting_ins.all()) == [
        ("王列席", "甲局办公室"),
        ("赵列席", ""),
    ]


def test_a_host_who_is_not_expected_is_refused(cast, branch_members, client_for):
    full, _ = branch_members
    body = _payload(cast, full, host_code=str(cast.member_b_record.code))
    response = client_for(cast.secretary_a).post(
        "/api/v1/orglife/meetings", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "主持人须为本次会议应到人员",
        "errors": {"host_code": ["主持人须为本次会议应到人员"]},
    }
    assert Meeting.objects.count() == 0


def test_an_end_without_time_zone_is_422_not_500(cast, branch_members, client_for):
    full, _ = branch_members
    body = _payload(cast, full, ends_at="2026-11-20T11:00:00")
    response = client_for(cast.secretary_a).post(
        "/api/v1/orglife/meetings", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "结束时间须带时区", "errors": {"ends_at": ["结束时间须带时区"]}}
    assert Meeting.objects.count() == 0


def test_an_excused_member_without_reason_is_refused_like_on_the_page(cast, branch_members, client_for):
    full, _ = branch_members
    body = json.loads(_payload(cast, full))
    body["attendance"][0]["status"] = "excused"
    response = client_for(cast.secretary_a).post(
        "/api/v1/orglife/meetings", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "出席情况：张甲 请假，须填写请假原因",
        "errors": {"__all__": ["出席情况：张甲 请假，须填写请假原因"]},
    }
    assert Meeting.objects.count() == 0


def test_a_held_meeting_with_unlisted_members_is_refused(cast, branch_members, client_for):
    # given a meeting that has taken place, with the 2 probationary members left out of the list
    full, _ = branch_members
    response = client_for(cast.secretary_a).post(
        "/api/v1/orglife/meetings", _payload(cast, full), content_type="application/json"
    )
    # then nobody is marked absent by default: the record cannot be completed
    assert response.status_code == 422
    assert response.json()["detail"] == "还有 2 名应到人员未标记出席情况，请标记后再保存"
    assert Meeting.objects.count() == 0


def _tallies(client):
    return {
        r["organization"]: (r["met"], r["overdue"], r["due_soon"], r["not_due"])
        for r in client.get("/api/v1/orglife/compliance?year=2026").json()
    }


def test_a_meeting_created_ahead_changes_nothing_until_it_is_held(
    cast, branch_members, client_for, time_machine
):
    # given the default points scheme, ten days before a theme day
    points_services.seed_default_scheme(organization=cast.committee, year=2026)
    full, prob = branch_members
    time_machine.move_to(at(2026, 11, 10, 9, 0), tick=False)
    client = client_for(cast.secretary_a)
    before = _tallies(client)
    body = _payload(cast, [], kind="theme_day", title="主题党日", ends_at="2026-11-20T11:00:00+08:00")
    # marking anyone present ahead is refused
    early = client.post(
        "/api/v1/orglife/meetings",
        _payload(cast, full[:1], kind="theme_day", title="主题党日"),
        content_type="application/json",
    )
    assert early.status_code == 422
    assert early.json()["detail"].startswith("会议尚未开始，不能登记出席或缺席")
    # when it is created through the API with nobody marked
    response = client.post("/api/v1/orglife/meetings", body, content_type="application/json")
    # then it is planned: compliance and points are unchanged
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert response.json()["state"] == "planned"
    assert _tallies(client) == before
    assert not PointsEntry.objects.exists()
    assert {r["status"] for r in client.get(f"/api/v1/orglife/meetings/{code}/attendance").json()} == {
        "unmarked"
    }
    # when the day comes and it starts, with members still unmarked
    time_machine.move_to(at(2026, 11, 20, 9, 10), tick=False)
    client = client_for(cast.secretary_a)  # ten days on, the session has expired
    assert client.get(f"/api/v1/orglife/meetings/{code}").json()["state"] == "planned"
    started = _tallies(client)["甲局第一党支部"]
    # when the secretary marks the others and 张甲 checks in last
    meeting = Meeting.objects.get(code=code)
    for row in meeting.attendances.exclude(member=cast.member_a_record):
        services.correct_attendance(
            actor=cast.secretary_a, attendance=row, status="present", reason="", note="现场点名"
        )
    assert not PointsEntry.objects.exists()
    services.open_checkin(actor=cast.secretary_a, meeting=meeting)
    services.check_in(user=cast.member_a, code=Meeting.objects.get(pk=meeting.pk).checkin_code)
    # then it is held, counts in compliance and everyone's points arrive without an edit
    assert client.get(f"/api/v1/orglife/meetings/{code}").json()["state"] == "held"
    met, *_ = _tallies(client)["甲局第一党支部"]
    assert met == started[0] + 1  # November's 主题党日 is done only now
    assert PointsEntry.objects.filter(source_id=str(meeting.pk)).count() == len(full) + len(prob)
