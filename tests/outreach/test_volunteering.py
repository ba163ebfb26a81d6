"""志愿服务: publish, sign up, the phone check-in (the same as meetings and training), hours and points."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ronghe.core.errors import DomainError
from ronghe.outreach import volunteering
from ronghe.outreach.models import VolunteerActivity, VolunteerRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 5, 9, 8, 30, tzinfo=TZ)


def _activity(cast, hours="3"):
    return volunteering.create_activity(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={
            "title": "社区环境整治",
            "place": "幸福社区",
            "starts_at": START,
            "ends_at": START + timedelta(hours=3),
            "hours": hours,
        },
    )


def test_hours_longer_than_the_activity_are_refused(cast):
    with pytest.raises(DomainError, match=r"服务时长不能超过活动时长（3\.0 小时）"):
        _activity(cast, hours="4")
    assert not VolunteerActivity.objects.exists()


def test_sign_up_check_in_and_the_member_record(cast, client_for):
    activity = _activity(cast)
    volunteering.sign_up(user=cast.member_a, activity=activity, now=START - timedelta(days=1))
    with pytest.raises(DomainError, match="您已报名本次活动"):
        volunteering.sign_up(user=cast.member_a, activity=activity, now=START - timedelta(days=1))
    volunteering.open_checkin(actor=cast.secretary_a, activity=activity, now=START)
    with pytest.raises(DomainError, match="不在活动签到时间内"):
        volunteering.check_in(user=cast.member_a, code=activity.checkin_code, now=START - timedelta(hours=1))
    record = volunteering.check_in(
        user=cast.member_a, code=activity.checkin_code, now=START + timedelta(minutes=5)
    )
    assert (record.hours, record.year) == (Decimal("3.0"), 2026)
    with pytest.raises(DomainError, match="您已签到，不能重复签到"):
        volunteering.check_in(
            user=cast.member_a, code=activity.checkin_code, now=START + timedelta(minutes=6)
        )
    rows, total = volunteering.member_record(cast.member_a_record.pk, 2026)
    assert total == Decimal("3.0") and [r.activity for r in rows] == [activity]


def test_only_members_of_the_organizing_branch_check_in(cast):
    activity = _activity(cast)
    volunteering.open_checkin(actor=cast.secretary_a, activity=activity, now=START)
    b_user = UserFactory(username="mem_b", member=cast.member_b_record)
    with pytest.raises(DomainError, match="您不是组织本次活动的党组织的党员"):
        volunteering.check_in(user=b_user, code=activity.checkin_code, now=START)
    assert not VolunteerRecord.objects.exists()


def test_a_member_checks_in_on_the_phone_and_sees_the_hours(cast, client_for):
    from tests.outreach.samples import sample_activity

    activity = sample_activity(cast)
    client = client_for(cast.member_a)
    response = client.post(reverse("outreach:checkin", args=[activity.checkin_code]))
    assert response.status_code == 302
    assert VolunteerRecord.objects.get(activity=activity).hours == Decimal("2.0")
    page = client.get(reverse("outreach:my-volunteering")).content.decode()
    assert 'id="my-volunteer-hours">2.0 小时<' in page and "样例志愿服务" in page
    # the organizer sees the record; B does not find the activity
    assert (
        "张甲"
        in client_for(cast.secretary_a)
        .get(reverse("outreach:activity-detail", args=[activity.code]))
        .content.decode()
    )
    assert (
        client_for(cast.outsider_b).get(reverse("outreach:activity-detail", args=[activity.code])).status_code
        == 404
    )


def test_api_lists_activities_in_scope(cast, client_for):
    from tests.outreach.samples import sample_activity

    activity = sample_activity(cast)
    rows = client_for(cast.secretary_a).get("/api/v1/outreach/volunteering").json()
    assert [(r["code"], r["signed_up"], r["served"]) for r in rows] == [(str(activity.code), 0, 0)]
    assert client_for(cast.outsider_b).get("/api/v1/outreach/volunteering").json() == []
    assert client_for(cast.member_a).get("/api/v1/outreach/volunteering").status_code == 403


def test_the_organizer_adds_photos_of_the_activity_and_outsiders_cannot(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ronghe.core.evidence.models import Evidence

    activity = _activity(cast)

    def photo():
        return SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff" + b"0" * 32, content_type="image/jpeg")

    data = {"kind": "outreach.activity", "object_id": str(activity.pk), "next": "/"}
    # an outsider is not told the activity exists; nothing is stored
    assert client_for(cast.outsider_b).post("/evidence/attach/", {**data, "file": photo()}).status_code == 404
    assert not Evidence.objects.exists()
    # the organizer adds a photo; it is listed on the activity page
    client = client_for(cast.secretary_a)
    assert client.post("/evidence/attach/", {**data, "file": photo()}).status_code == 302
    assert Evidence.objects.get().original_name == "现场.jpg"
    page = client.get(reverse("outreach:activity-detail", args=[activity.code])).content.decode()
    assert "活动照片与佐证" in page and "现场.jpg" in page
