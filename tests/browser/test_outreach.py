"""Browser journeys of 联系服务 (issue 18 items 4 and 6), at desktop (1366) and phone (390) width: a
secretary forms a 党员志愿服务先锋队 and the member sees it on the phone; a branch records a contact with
its 结对 partner, closes the issue raised with a photo, and the 工委 sees the counts on the 数据看板."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ronghe.core.evidence.models import Evidence
from ronghe.outreach.models import ContactVisit, Pairing, VolunteerTeam
from tests.factories import MemberFactory

pytestmark = pytest.mark.browser


def _as(journey, user) -> None:
    journey.page.context.clear_cookies()
    journey.login(user)


def test_secretary_forms_a_volunteer_team_and_the_member_sees_it(journey, cast):
    wang = MemberFactory(name="王先锋", organization=cast.branch_a)
    _as(journey, cast.secretary_a)
    journey.goto("/outreach/teams/")
    journey.page.select_option("#id_org", str(cast.branch_a.code))
    journey.page.fill("#id_name", "红色先锋队")
    journey.page.fill("#id_focus", "社区环境整治、文明交通劝导")
    journey.page.click("#team-submit")
    journey.page.wait_for_selector("#team-members-form")
    team = VolunteerTeam.objects.get()
    for member in (cast.member_a_record, wang):
        journey.page.check(f"#t-m-{member.pk}")
    journey.page.select_option("#t-captain", str(cast.member_a_record.pk))
    journey.page.click("#team-members-submit")
    journey.page.wait_for_selector("#roster-table")
    assert "队员 2 人" in journey.page.inner_text("#team-summary")
    assert "队长" in journey.page.inner_text("#roster-table")
    assert team.memberships.get(is_captain=True).member == cast.member_a_record
    journey.screenshot("outreach-team")
    journey.assert_clean()

    _as(journey, cast.member_a)
    journey.goto("/outreach/volunteering/mine/")
    assert "红色先锋队" in journey.page.inner_text("#my-teams")
    journey.assert_clean()


def _photo(path) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_contact_issue_is_closed_with_a_photo_and_the_committee_sees_the_counts(journey, cast, tmp_path):
    _as(journey, cast.secretary_a)
    journey.goto("/outreach/pairings/")
    journey.page.click("summary")
    journey.page.select_option("#id_org", str(cast.branch_a.code))
    journey.page.select_option("#id_kind", "community")
    journey.page.fill("#id_partner", "城关镇幸福社区")
    journey.page.fill("#id_duties", "每季度走访，共建文明社区")
    journey.page.click("#pairing-submit")
    journey.page.wait_for_selector("#visit-submit")
    pairing = Pairing.objects.get()
    today = timezone.localdate()
    journey.page.fill("#id_visited_on", (today - timedelta(days=40)).isoformat())
    journey.page.fill("#id_summary", "走访社区，座谈了解群众需求")
    journey.page.fill("#id_issue", "小区路灯损坏，夜间出行不便")
    journey.page.fill("#id_follow_up_due", (today - timedelta(days=10)).isoformat())
    journey.page.click("#visit-submit")
    journey.page.wait_for_selector("#main-content .badge.text-bg-danger")  # past its deadline: 逾期
    visit = ContactVisit.objects.get()

    # the 工委 sees the contact and the overdue issue on the 数据看板
    _as(journey, cast.committee_admin)
    journey.goto(reverse("home:dashboard"))
    assert journey.page.inner_text("#dash-contacts-overdue") == "1"
    journey.page.locator("#dash-contacts-title").scroll_into_view_if_needed()
    journey.screenshot("home-dashboard-contacts")
    journey.assert_clean()

    # the branch closes it with the outcome and a photo
    _as(journey, cast.secretary_a)
    journey.goto(f"/outreach/pairings/{pairing.code}/")
    journey.page.fill(f"#outcome-{visit.pk}", "已协调住建部门修复路灯")
    journey.page.set_input_files(f"#proof-{visit.pk}", _photo(tmp_path / "修复后.png"))
    journey.page.click(f"#close-{visit.pk}")
    journey.page.wait_for_selector(f"#visit-{visit.pk}-evidence")
    assert "修复后.png" in journey.page.inner_text(f"#visit-{visit.pk}-evidence")
    assert Evidence.objects.get(kind="outreach.visit").object_id == visit.pk
    journey.screenshot("outreach-pairing-closed")
    journey.assert_clean()
