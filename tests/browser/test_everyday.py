"""Browser journeys of issue 16 (日常好用) at desktop and phone width: the year's to-do (item 6), the member's
phone home (item 8), the meeting pages (item 10). Rules and counts: tests/orglife/test_year_todo.py,
tests/home/test_member_home.py, tests/orglife/test_meeting_pages.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ronghe.orglife import services
from tests.factories import MemberFactory

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 14, 50, tzinfo=TZ)


@pytest.fixture
def requirements(transactional_db):
    from django.apps import apps

    import_module("ronghe.orglife.migrations.0003_seed_requirements").seed(apps, None)


def _meeting(cast, held, title="十一月主题党日"):
    members = services.members_for_attendance(cast.branch_a)
    return services.record_meeting(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={"kind": "theme_day", "title": title, "held_at": held, "ends_at": None, "place": "三楼会议室"},
        attendance={m.pk: services.AttendanceEntry("unmarked") for m in members},
    )


def _points_and_a_notice(cast):
    """The member's year: the default scheme, one approved article (3 points); a notice from the 工委."""
    from ronghe.core.scoring.models import Indicator
    from ronghe.notices import services as notices
    from ronghe.points import services as points

    scheme = points.seed_default_scheme(organization=cast.committee, year=NOW.year)
    claim = points.submit_claim(
        actor=cast.member_a,
        member=cast.member_a_record,
        indicator=Indicator.objects.get(scheme=scheme, code="article"),
        occurred_on=NOW.date() - timedelta(days=3),
        points="3",
        description="学习心得",
    )
    points.transition_claim(claim=claim, action="approve", actor=cast.secretary_a)
    notices.publish(
        actor=cast.committee_admin,
        organization=cast.committee,
        title="关于开展主题党日的通知",
        body="请按时参加。",
    )


def test_secretary_works_through_the_years_todo(journey, cast, requirements):
    with time_machine.travel(NOW, tick=True):
        journey.login(cast.secretary_a)
        journey.goto("/")
        page = journey.page
        overdue = int(page.inner_text("#todo-overdue-count"))
        assert overdue > 0  # not "nothing due in 14 days"
        assert int(page.inner_text("#home-todo-count")) >= overdue
        journey.screenshot("everyday-home-todo")
        journey.assert_clean()
        journey.goto("/orglife/todo/")
        total = page.inner_text("#todo-total")
        # the side navigation counts the same items (on a phone it sits behind the menu button)
        badge = page.locator("a.nav-link:has-text('待办事项') .badge")
        assert badge.first.text_content() == total
        assert page.locator("#todo-year_end-list li").count() >= 3
        journey.screenshot("everyday-todo-page")
        # 记录 on 组织生活会 opens its form, kind and title filled in
        page.locator("#todo-year_end-list li:has-text('组织生活会') a:has-text('记录')").first.click()
        page.wait_for_selector("#meeting-form")
        assert page.input_value("#id_title") == "2026年组织生活会"
        assert page.input_value("#id_kind") == "life_meeting"
        journey.screenshot("everyday-todo-record-form")
        journey.assert_clean()


def test_member_checks_in_from_the_phone_home(journey, cast):
    for i in range(3):
        MemberFactory(organization=cast.branch_a, name=f"党员{i}")
    with time_machine.travel(NOW, tick=True):
        meeting = _meeting(cast, NOW + timedelta(minutes=10))
        services.open_checkin(actor=cast.secretary_a, meeting=meeting)
        meeting.refresh_from_db()
        _meeting(cast, NOW + timedelta(days=2), "十一月党课")
        _points_and_a_notice(cast)
        journey.login(cast.member_a)
        journey.goto("/")
        page = journey.page
        assert page.is_visible("#home-checkin-button")
        assert "即将开始" in page.inner_text("#home-checkin-1")
        assert "十一月党课" in page.inner_text("#home-upcoming")
        # the points as their formula, what the next grade needs, and the unread notice, all on screen
        assert page.inner_text("#points-formula").replace("\n", " ") == "基础分 60 + 加分 3 − 扣分 0 = 63"
        assert "还差" in page.inner_text("main")
        assert "关于开展主题党日的通知" in page.inner_text("#home-notice-list")
        for part in ("#points-formula", "#home-notice-list", "#home-checkin-button"):
            box = page.locator(part).bounding_box()
            assert box and box["x"] + box["width"] <= page.viewport_size["width"]
        journey.screenshot("everyday-member-home")
        journey.assert_clean()
        page.click("#home-checkin-button")
        page.fill("#checkin-code", meeting.checkin_code)
        page.click("#checkin-enter-button")
        page.click("#checkin-button")
        page.wait_for_selector("#checkin-done")
        journey.goto("/")
        assert "已于" in page.inner_text("#home-checked-in")
        journey.screenshot("everyday-member-home-checked-in")


def test_meeting_form_projector_and_member_profile(journey, cast):
    for i in range(4):
        MemberFactory(organization=cast.branch_a, name=f"党员{i}")
    with time_machine.travel(NOW, tick=True):
        journey.login(cast.secretary_a)
        page = journey.page
        journey.goto(f"/orglife/meetings/create/?org={cast.branch_a.code}&kind=general_meeting")
        assert page.locator("select[name=kind]").count() == 1
        page.fill("#id_title", "党课：学习党章")
        with page.expect_navigation():
            page.select_option("#id_kind", "party_lecture")  # the one selector regenerates the list
        assert page.input_value("#id_kind") == "party_lecture"
        assert page.input_value("#id_title") == "党课：学习党章"
        journey.screenshot("everyday-meeting-form")
        journey.assert_clean()
        meeting = _meeting(cast, NOW + timedelta(minutes=10))
        services.open_checkin(actor=cast.secretary_a, meeting=meeting)
        meeting.refresh_from_db()
        journey.goto(f"/orglife/meetings/{meeting.code}/projector/")
        assert page.inner_text("#projector-code") == meeting.checkin_code
        assert page.inner_text("#projector-present") == "0"
        services.check_in(user=cast.member_a, code=meeting.checkin_code)
        # htmx polls every 5 s (no script evaluated: the page's CSP forbids eval)
        page.locator("#projector-present", has_text="1").wait_for(timeout=12_000)
        # the whole QR code is drawn inside its box and on the screen (a cut-off code does not scan)
        code = page.locator(".projector-qr svg path").bounding_box()
        box = page.locator(".projector-qr svg").bounding_box()
        width = page.viewport_size["width"]
        assert (
            code
            and box
            and code["x"] >= box["x"]
            and code["x"] + code["width"] <= box["x"] + box["width"] + 1
        )
        assert code["x"] + code["width"] <= width and code["width"] >= min(300, width * 0.6)
        journey.screenshot("everyday-projector")
        journey.assert_clean()
        journey.goto(f"/members/{cast.member_a_record.code}/")
        assert page.is_visible("#member-points-link") and page.is_visible("#member-attendance-link")
        assert not page.is_visible("#status-form")  # 停止党籍 and the like open on demand
        journey.screenshot("everyday-member-profile")
        page.click("#status-details summary")
        assert page.is_visible("#status-form")
