"""Browser journey (issue 16.12): a 积分台账 too big to build at once goes to the background, the job
page shows its progress, then a download; 我的导出 lists it. Desktop and phone width."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.core.exports import jobs
from ronghe.core.models import ExportJob
from ronghe.points import services

pytestmark = pytest.mark.browser


def test_secretary_exports_a_big_ledger_in_the_background(journey, cast, settings, tmp_path):
    # given: a ledger over the threshold, and a worker that has not run yet
    settings.DATA_DIR = tmp_path
    settings.RONGHE_EXPORT_BACKGROUND_ROWS = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    year = date.today().year
    scheme = services.seed_default_scheme(organization=cast.committee, year=year)
    for day in (1, 2):
        services.adjust_points(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            indicator=scheme.indicators.get(code="task"),
            points="1",
            on=date(year, 1, day),
            reason=f"第{day}次",
        )
    journey.login(cast.secretary_a)
    journey.goto("/points/ranking/")
    journey.screenshot("export-ranking-button")

    # when: the export button
    journey.page.get_by_role("button", name="导出台账").click()

    # then: the job page, queued, polling
    journey.page.wait_for_selector("#export-progress")
    assert "已转为后台导出" in journey.page.inner_text("main")
    assert "排队中" in journey.page.inner_text("#export-status")
    journey.screenshot("export-queued")

    # when: the worker builds it, and the page's next poll
    jobs.run_export.call(ExportJob.objects.get().pk)
    journey.page.wait_for_selector("#export-download", timeout=10_000)

    # then: a download of the ledger
    assert "已生成" in journey.page.inner_text("#export-status")
    journey.screenshot("export-done")
    with journey.page.expect_download() as download:
        journey.page.click("#export-download")
    assert download.value.suggested_filename.endswith("年度积分台账.xlsx")

    # and 我的导出 lists it with its download
    journey.page.get_by_role("link", name="返回我的导出").click()
    journey.page.wait_for_selector("#export-jobs")
    assert "完成" in journey.page.inner_text("#export-jobs")
    journey.screenshot("export-list")
    journey.assert_clean()
