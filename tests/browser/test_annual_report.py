"""年度工作报告 at desktop and phone width (issue 20 item 2): the unit's secretary drafts the 2025 report,
writes a section's text, regenerates after a late meeting and keeps the text. Rules: tests/reports/test_annual.py."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ronghe.orglife.models import Meeting
from tests.factories import MemberFactory

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=TZ)


def test_secretary_drafts_edits_and_regenerates(journey, cast):
    with time_machine.travel(NOW, tick=True):
        for month in (3, 6, 9):
            Meeting.objects.create(
                organization=cast.branch_a,
                kind="general_meeting",
                title="支部党员大会",
                held_at=datetime(2025, month, 10, 9, tzinfo=TZ),
                state="held",
            )
        MemberFactory(
            organization=cast.branch_a,
            name="新党员",
            status="probationary",
            joined_on=date(2025, 7, 1),
            full_on=None,
        )
        journey.login(cast.secretary_a)
        page = journey.page
        journey.goto("/reports/annual/")
        page.select_option("#id_org", label="甲局总支")
        page.fill("#id_year", "2025")
        page.click("#annual-form button[type=submit]")
        page.wait_for_selector("#annual-empty")
        journey.assert_clean()
        page.click("#annual-generate")
        page.wait_for_selector("#section-orglife")
        figure = page.locator('[data-figure="meetings.general_meeting"]')
        assert figure.inner_text() == "3"
        page.fill("#text-orglife", "坚持“三会一课”制度，按期召开支部党员大会。")
        page.click("#save-orglife")
        page.wait_for_selector("#messages .alert-success")
        journey.screenshot("annual-report")
        journey.assert_clean()
        # a meeting entered late, then 重新生成 (confirmed)
        Meeting.objects.create(
            organization=cast.branch_a,
            kind="general_meeting",
            title="补录的党员大会",
            held_at=datetime(2025, 11, 20, 9, tzinfo=TZ),
            state="held",
        )
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#annual-generate")
        page.wait_for_selector('[data-figure="meetings.general_meeting"]:has-text("4")')
        assert page.input_value("#text-orglife") == "坚持“三会一课”制度，按期召开支部党员大会。"
        assert page.get_attribute("#annual-docx", "href").endswith("/2025/report.docx")
        journey.assert_clean()
        # each figure opens the records behind it
        figure.click()
        page.wait_for_selector("h1")
        assert "/orglife/meetings/" in page.url
        journey.assert_clean()
        # in December this year's report can be drafted as at the day, and says so
        Meeting.objects.create(
            organization=cast.branch_a,
            kind="general_meeting",
            title="支部党员大会",
            held_at=datetime(2026, 4, 10, 9, tzinfo=TZ),
            state="held",
        )
        journey.goto("/reports/annual/")
        assert page.input_value("#id_year") == "2026"
        page.select_option("#id_org", label="甲局总支")
        page.click("#annual-form button[type=submit]")
        page.wait_for_selector("#annual-empty")
        page.click("#annual-generate")
        page.wait_for_selector("#annual-draft")
        assert "各项数据截至 2026年12月3日" in page.inner_text("#annual-draft")
        assert "目前共有党员" in page.inner_text("#section-basic")
        assert page.locator('[data-figure="meetings.general_meeting"]').inner_text() == "1"
        journey.screenshot("annual-report-draft")
        journey.assert_clean()
