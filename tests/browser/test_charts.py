"""Charts with their tables and exports in the browser (issue 20 item 4), at desktop and phone width: the 工委
opens a 总支's page, reads the monthly trend's 数据表, saves the chart as a PNG (mouse and keyboard) and its
table as xlsx. Rules: tests/core/test_charts.py, tests/home/test_trends.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from ronghe.orglife import services
from tests.browser.test_everyday import requirements  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
NOW = datetime(2026, 11, 24, 14, 50, tzinfo=ZoneInfo("Asia/Shanghai"))
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.usefixtures("requirements")
def test_committee_reads_a_trend_table_and_exports_the_chart(journey, cast):
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
        journey.goto(reverse("orgs:organization-detail", args=[cast.org_a.code]))
        page = journey.page
        page.wait_for_selector("#trend-meetings-chart canvas")
        assert page.locator("#trend-points-chart canvas").count() == 1

        # the numbers, behind 数据表 until opened
        table = page.locator("#trend-meetings-table")
        assert not table.is_visible()
        page.locator("#trend-meetings details.chart-data summary").click()
        assert table.is_visible()
        november = table.locator("tbody tr").nth(10)
        assert november.locator("th").inner_text() == "11月"
        assert november.locator("td").inner_text() == "1"
        journey.screenshot("trend-section")

        # 导出图片 by mouse: a PNG named after the chart
        button = page.get_by_role("button", name="导出图片：2026 年每月召开的组织生活会议（次）")
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename == "2026 年每月召开的组织生活会议（次）.png"
        assert Path(download.value.path()).read_bytes()[:8] == PNG

        # … and by keyboard: the next chart's button takes the focus and Enter
        other = page.get_by_role("button", name="导出图片：2026 年每月到期事项的落实率（%）")
        other.focus()
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith("落实率（%）.png")

        # 导出 Excel: the same figures as a workbook
        with page.expect_download() as download:
            page.get_by_role("link", name="导出 Excel：2026 年每月召开的组织生活会议（次）").click()
        assert download.value.suggested_filename == "2026 年每月召开的组织生活会议（次）.xlsx"
        journey.assert_clean()
