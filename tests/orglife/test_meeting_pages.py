"""Meeting pages (issue 16 item 10): one 会议类型 selector, resolutions only where a meeting votes, the
check-in projector, the member profile's links and its rare actions on demand."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ronghe.orglife import services
from ronghe.orglife.models import Decision

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_meeting_form_has_one_kind_selector(cast, branch_members, client_for):
    url = reverse("orglife:meeting-create")
    body = client_for(cast.secretary_a).get(url, {"org": cast.branch_a.code, "kind": "party_lecture"}).content
    html = body.decode()
    assert len(re.findall(r'<select[^>]*name="kind"', html)) == 1
    assert re.search(r'<option value="party_lecture" selected', html)


def test_resolutions_only_for_kinds_that_vote(cast, branch_members, record, client_for):
    client = client_for(cast.secretary_a)
    lecture = record(kind="party_lecture", title="党课")
    page = client.get(reverse("orglife:meeting-detail", kwargs={"code": lecture.code})).content.decode()
    assert 'id="decision-form"' not in page and "决议及表决" not in page
    with pytest.raises(services.OrgLifeError, match="党课不作决议表决"):
        services.add_decision(
            actor=cast.secretary_a, meeting=lecture, text="x", method="hands", yes=1, no=0, abstain=0
        )
    assert not Decision.objects.exists()
    general = record(kind="general_meeting", title="党员大会")
    page = client.get(reverse("orglife:meeting-detail", kwargs={"code": general.code})).content.decode()
    assert 'id="decision-form"' in page


def test_projector_shows_the_qr_code_and_a_live_count(cast, branch_members, record, client_for, time_machine):
    time_machine.move_to(at(2026, 11, 20, 8, 50))
    members = services.members_for_attendance(cast.branch_a)
    meeting = services.record_meeting(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={"kind": "theme_day", "title": "主题党日", "held_at": at(2026, 11, 20, 9, 0), "ends_at": None},
        attendance={m.pk: services.AttendanceEntry("unmarked") for m in members},
    )
    services.open_checkin(actor=cast.secretary_a, meeting=meeting)
    meeting.refresh_from_db()
    client = client_for(cast.secretary_a)
    url = reverse("orglife:checkin-projector", kwargs={"code": meeting.code})
    page = client.get(url).content.decode()
    expected = meeting.attendances.count()
    assert "<svg" in page and f'id="projector-code" aria-label="签到码">{meeting.checkin_code}<' in page
    assert (
        f'已签到 <strong id="projector-present">0</strong> / <span id="projector-expected">{expected}</span>'
        in page
    )
    assert f'hx-get="{url}" hx-trigger="every 5s"' in page
    services.check_in(user=cast.member_a, code=meeting.checkin_code)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert '<strong id="projector-present">1</strong>' in fragment and "<svg" not in fragment
    detail = client.get(reverse("orglife:meeting-detail", kwargs={"code": meeting.code})).content.decode()
    assert f'href="{url}" id="projector-link"' in detail
    assert client_for(cast.member_a).get(url).status_code == 403


def test_member_profile_links_and_rare_actions_on_demand(cast, branch_members, record, client_for):
    record(title="十一月党员大会")
    client = client_for(cast.secretary_a)
    member = cast.member_a_record
    page = client.get(reverse("members:member-detail", kwargs={"code": member.code})).content.decode()
    assert (
        f'href="{reverse("points:member-points", kwargs={"code": member.code})}" id="member-points-link"'
        in page
    )
    link = f"{reverse('orglife:meeting-list')}?member={member.code}"
    assert f'href="{link}" id="member-attendance-link"' in page
    # 停止党籍 and transfers sit behind a closed disclosure
    assert re.search(r'<details class="mt-2" id="status-details">', page)
    assert re.search(r'<details class="mt-2" id="transfer-details">', page)
    listed = client.get(link).content.decode()
    assert "十一月党员大会" in listed
