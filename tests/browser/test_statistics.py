"""党内统计 at desktop and phone width (issue 20 item 1): the 工委 counts 2025, drills down to a unit, and reads
a refused year's message next to its field. Rules: tests/reports/test_statistics.py."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import MemberFactory

pytestmark = pytest.mark.browser
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # before December: no draft of 2026


def test_committee_counts_last_year_and_drills_down(journey, cast):
    with time_machine.travel(NOW, tick=True):
        MemberFactory(
            organization=cast.branch_a,
            name="新党员",
            gender="女",
            status="probationary",
            joined_on=date(2025, 7, 1),
            full_on=None,
        )
        journey.login(cast.committee_admin)
        journey.goto("/reports/statistics/")
        page = journey.page
        assert page.inner_text("#figure-total") == "3"
        assert page.inner_text("#figure-developed") == "1"
        assert page.locator("#table-basic tbody tr").first.locator("th").inner_text() == "合计"
        journey.screenshot("statistics")
        journey.assert_clean()
        page.locator("#table-basic tbody a", has_text="甲局总支").click()
        page.wait_for_selector("h1:has-text('甲局总支')")
        assert page.inner_text("#figure-total") == "2"
        page.fill("#id_year", "2026")
        page.click("#statistics-form button[type=submit]")
        page.wait_for_selector("#id_year_error")
        assert "2026年尚未结束" in page.inner_text("#id_year_error")
        journey.screenshot("statistics-error")
        journey.assert_clean()
