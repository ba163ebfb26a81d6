"""Browser journey (issue 16 item 1): a meeting saved for a future day is 已安排 and becomes 已召开 once it has
started and the secretary marks everyone (compliance and points: tests/orglife/test_planned.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ronghe.orglife.models import Meeting
from tests.factories import MemberFactory

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")


def test_a_meeting_saved_ahead_is_planned_until_held(journey, cast):
    members = [cast.member_a_record] + [
        MemberFactory(organization=cast.branch_a, name=f"党员{i}") for i in range(3)
    ]
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=TZ), tick=True) as travel:
        journey.login(cast.secretary_a)
        # the kind from the link (changing the form's one selector reloads the list: test_everyday.py)
        journey.goto(f"/orglife/meetings/create/?org={cast.branch_a.code}&kind=theme_day")
        journey.page.fill("#id_title", "12月主题党日")
        journey.page.fill("#id_held_at", "2026-12-24T15:00")
        journey.page.fill("#id_ends_at", "2026-12-24T16:30")
        journey.page.click("#meeting-save")
        journey.page.wait_for_selector("#planned-badge")
        assert "已安排" in journey.page.inner_text("#planned-badge")
        assert "会议尚未召开" in journey.page.inner_text("#planned-note")
        journey.screenshot("orglife-meeting-planned")
        meeting = Meeting.objects.get(title="12月主题党日")
        assert meeting.state == "planned"

        # the day comes: the secretary marks everyone on the meeting's form and it is held
        travel.move_to(datetime(2026, 12, 24, 16, 40, tzinfo=TZ))
        journey.login(cast.secretary_a)  # the idle timeout ended the old session
        journey.goto(f"/orglife/meetings/{meeting.code}/update/")
        for m in members:
            journey.page.select_option(f"select[name=att-{m.pk}]", "present")
        journey.page.click("#meeting-save")
        journey.page.wait_for_selector("#attendance-summary")
        assert journey.page.locator("#planned-badge").count() == 0
        assert "出席 4" in journey.page.inner_text("#attendance-summary")
        journey.screenshot("orglife-meeting-held")
        assert Meeting.objects.get(pk=meeting.pk).state == "held"
