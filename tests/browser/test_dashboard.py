"""The 数据看板 at desktop and phone width (issue 16 item 9): the 工委 sees the weakest unit first, the charts
drawn with their numbers in text, and opens a unit's rollup from its row. Rules: tests/home/test_dashboard.py."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ronghe.orglife import services
from tests.browser.test_everyday import requirements  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
NOW = datetime(2026, 11, 24, 14, 50, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.usefixtures("requirements")
def test_committee_opens_the_weakest_unit_from_the_dashboard(journey, cast):
    with time_machine.travel(NOW, tick=True):
        members = services.members_for_attendance(cast.branch_a)
        services.record_meeting(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            data={
                "kind": "theme_day",
                "title": "十一月主题党日",
                "held_at": datetime(2026, 11, 20, 9, 0, tzinfo=NOW.tzinfo),
            },
            attendance={m.pk: services.AttendanceEntry("present") for m in members},
        )
        journey.login(cast.committee_admin)
        journey.goto("/dashboard/?year=2026")
        page = journey.page
        first = page.locator("#unit-table tbody tr").first
        assert first.locator("th").inner_text() == "乙局总支"  # held nothing: worst first
        page.wait_for_selector("#month-chart canvas")
        assert page.locator("#month-table tbody tr").count() == 12
        journey.screenshot("dashboard")
        journey.assert_clean()
        first.locator("a").click()
        page.wait_for_selector("#compliance-table")
        assert "乙局总支" in page.inner_text("h1")
        # the 大屏 of the same figures, at the meeting room's 1920×1080 on the desktop run
        if journey.viewport == "desktop":
            page.set_viewport_size({"width": 1920, "height": 1080})
        journey.goto("/screen/")
        page.wait_for_selector("#screen-month-chart canvas")
        assert page.locator("#screen-compliance-chart canvas").count() == 1
        journey.screenshot("screen")
        journey.assert_clean()
