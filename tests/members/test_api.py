import re
from datetime import date
from uuid import UUID

import pytest

from ronghe.core.idnumbers import make_id_number
from ronghe.core.models import AuditEntry
from ronghe.members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
FULL_ID = re.compile(r"\d{17}[\dX]")


def test_list_is_scoped_and_masked(client_for, cast):
    response = client_for(cast.secretary_a).get("/api/v1/members")
    data = response.json()
    assert [m["name"] for m in data["items"]] == ["张甲"]
    assert data["items"][0]["phone"] == "138****8000"
    assert not FULL_ID.search(response.content.decode())


def test_list_filters(client_for, cast):
    client = client_for(cast.committee_admin)
    data = client.get("/api/v1/members", {"organization": str(cast.org_b.code)}).json()
    assert [m["name"] for m in data["items"]] == ["李乙"]
    assert client.get("/api/v1/members", {"q": "无此人"}).json()["count"] == 0


def test_reveal_needs_right_and_is_audited(client_for, cast):
    url = f"/api/v1/members/{cast.member_a_record.code}"
    assert client_for(cast.secretary_a).get(url, {"reveal": "true"}).status_code == 403
    data = client_for(cast.committee_admin).get(url, {"reveal": "true"}).json()
    assert data["phone"] == "13800138000" and FULL_ID.fullmatch(data["id_number"])
    assert AuditEntry.objects.filter(event="member.unmask", outcome="success").count() == 1
    masked = client_for(cast.committee_admin).get(url).json()
    assert "*" in masked["id_number"]


def test_create_and_validation(client_for, cast):
    client = client_for(cast.secretary_a)
    payload = {
        "organization_code": str(cast.branch_a.code),
        "name": "钱新",
        "gender": "男",
        "id_number": make_id_number("110105", date(1990, 1, 2), 3, "男"),
        "joined_on": "2015-07-01",
        "full_on": "2016-07-01",
    }
    response = client.post("/api/v1/members", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["birth_date"] == "1990-01-02"
    bad = client.post(
        "/api/v1/members",
        {
            **payload,
            "name": "孙错",
            "gender": "女",
            "id_number": make_id_number("110105", date(1990, 1, 2), 4, "男"),
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json() == {
        "detail": "性别：与公民身份号码不一致：号码第17位表示性别为男",
        "errors": {"gender": ["与公民身份号码不一致：号码第17位表示性别为男"]},
    }
    assert not Member.objects.filter(name="孙错").exists()


def test_patch_member(client_for, cast):
    response = client_for(cast.secretary_a).patch(
        f"/api/v1/members/{cast.member_a_record.code}",
        {"party_post": "组织委员"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Member.objects.get(pk=cast.member_a_record.pk).party_post == "组织委员"


def test_patch_outsider_404(client_for, cast):
    response = client_for(cast.outsider_b).patch(
        f"/api/v1/members/{cast.member_a_record.code}", {"name": "改"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Member.objects.get(pk=cast.member_a_record.pk).name == "张甲"


def test_page_and_api_reach_the_service_through_one_mapping(cast):
    """The page and the API share `MemberForm.service_kwargs`: every field the form has reaches the service."""
    from ronghe.members.forms import MemberForm

    data = {
        "organization": str(cast.branch_a.code),
        "status": "full",
        "name": "钱新",
        "gender": "男",
        "ethnicity": "汉族",
        "birth_date": "1990-01-02",
        "joined_on": "2015-07-01",
        "full_on": "2016-07-01",
    }
    create = MemberForm(data, user=cast.secretary_a)
    update = MemberForm(data, instance=cast.member_a_record, user=cast.secretary_a)
    assert create.is_valid(), create.errors
    assert update.is_valid(), update.errors
    assert set(create.service_kwargs()) == set(create.fields)
    assert set(update.service_kwargs()) == set(update.fields)
    assert (update.service_kwargs()["id_number"], update.service_kwargs()["phone"]) == (None, None)


def test_fast_json_is_what_the_schema_validates_to(client_for, cast):
    """The list and the detail are written without ninja's validation (issue 19 item 3): the body is the
    JSON the schema gives for the same rows (what ninja wrote before), None and dates included."""
    from ronghe.members.api import MemberOut, _out

    MemberFactory(name="预备王", organization=cast.branch_a, status="probationary", full_on=None)
    client = client_for(cast.committee_admin)
    response = client.get("/api/v1/members", {"limit": 5})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    members = Member.objects.select_related("organization").in_bulk(
        [item["code"] for item in body["items"]], field_name="code"
    )
    expected = [
        MemberOut.model_validate(_out(members[UUID(i["code"])])).model_dump(mode="json")
        for i in body["items"]
    ]
    assert body == {"count": 3, "items": expected}
    assert any(item["full_on"] is None and item["party_standing"] is None for item in body["items"])
    detail = client.get(f"/api/v1/members/{cast.member_a_record.code}").json()
    member = Member.objects.select_related("organization").get(pk=cast.member_a_record.pk)
    assert detail == MemberOut.model_validate(_out(member)).model_dump(mode="json")
    assert detail["status_display"] == "正式党员" and detail["organization_name"] == "甲局第一党支部"
    assert detail["birth_date"] == date(1985, 5, 20).isoformat()
