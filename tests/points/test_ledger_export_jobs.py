"""The 积分台账 of a big scope is built in the background (issue 16.12): above
RONGHE_EXPORT_BACKGROUND_ROWS the button queues a job and opens its page; a small scope downloads at once."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from ronghe.core.exports import jobs
from ronghe.core.models import AuditEntry, ExportJob, ExportState
from ronghe.points import exports, services
from ronghe.points.models import PointsEntry
from tests.points.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine, settings, tmp_path):
    time_machine.move_to(date(YEAR, 11, 24))
    settings.DATA_DIR = tmp_path


@pytest.fixture
def three_entries(cast, scheme, ind):
    for day in (1, 2, 3):
        services.adjust_points(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            indicator=ind("task"),
            points="1",
            on=date(YEAR, 2, day),
            reason=f"第{day}次",
        )


def test_a_scope_over_the_threshold_is_queued_and_downloaded_from_its_job_page(
    client_for, cast, three_entries, settings
):
    # given: member-year row + 3 entries = 4 rows, over a threshold of 3
    settings.RONGHE_EXPORT_BACKGROUND_ROWS = 3
    client = client_for(cast.secretary_a)

    # when
    response = client.post(
        reverse("points:ledger-export", kwargs={"code": cast.branch_a.code}) + f"?year={YEAR}"
    )

    # then: no file in the answer, but a job, and the user is sent to it
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:job-detail", kwargs={"code": job.code})
    assert (job.kind, job.parameters["year"], job.total_rows) == ("points.ledger", YEAR, 4)
    assert job.title == f"甲局第一党支部{YEAR}年度积分台账.xlsx"
    page = client.get(response["Location"]).content.decode()
    assert "已转为后台导出" in page
    assert 'id="export-download"' in page  # the immediate test backend already built it

    # when
    download = client.get(reverse("exports:job-download", kwargs={"code": job.code}))

    # then: the same ledger as the immediate export
    wb = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content)))
    detail = wb.get_sheet_by_name("积分明细").to_python()
    assert [row[7] for row in detail[1:4]] == ["第1次", "第2次", "第3次"]
    assert detail[1][8] == "查看来源"
    assert AuditEntry.objects.filter(event="export.requested").count() == 1
    assert AuditEntry.objects.filter(event="points.ledger_exported").count() == 1


def test_a_plain_link_to_a_big_ledger_asks_before_queuing(client_for, cast, three_entries, settings):
    # given
    settings.RONGHE_EXPORT_BACKGROUND_ROWS = 3

    # when: a GET (a bookmarked link, or a forged cross-site request)
    response = client_for(cast.secretary_a).get(
        reverse("points:ledger-export", kwargs={"code": cast.branch_a.code}), {"year": YEAR}
    )

    # then: a page with a POST button, and nothing queued
    body = response.content.decode()
    assert response.status_code == 200
    assert "数据较多（约 4 行），将在后台生成" in body
    assert 'id="export-confirm"' in body
    assert "csrfmiddlewaretoken" in body
    assert not ExportJob.objects.exists()


def test_a_scope_at_the_threshold_downloads_at_once(client_for, cast, three_entries, settings):
    # given
    settings.RONGHE_EXPORT_BACKGROUND_ROWS = 4

    # when: the button (a POST form)
    response = client_for(cast.secretary_a).post(
        reverse("points:ledger-export", kwargs={"code": cast.branch_a.code}) + f"?year={YEAR}"
    )

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportJob.objects.exists()


def test_a_background_ledger_past_the_link_limit_keeps_every_source_as_text(
    client_for, cast, three_entries, settings, monkeypatch
):
    # given
    settings.RONGHE_EXPORT_BACKGROUND_ROWS = 0
    monkeypatch.setattr(exports, "LINKS_PER_SHEET", 2)
    client = client_for(cast.secretary_a)
    client.post(reverse("points:ledger-export", kwargs={"code": cast.branch_a.code}) + f"?year={YEAR}")
    job = ExportJob.objects.get(state=ExportState.DONE)

    # when
    download = client.get(reverse("exports:job-download", kwargs={"code": job.code}))

    # then: two links, then the third address as text, and the sheet says why
    detail = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content)))
        .get_sheet_by_name("积分明细")
        .to_python()
    )
    last = PointsEntry.objects.order_by("occurred_on", "id").last()
    assert [row[8] for row in detail[1:4]] == [
        "查看来源",
        "查看来源",
        f"http://testserver/points/entries/{last.code}/",
    ]
    assert any("最多保存 2 个超链接" in str(cell) for row in detail[4:] for cell in row)


def test_an_outsider_cannot_queue_a_ledger_of_another_subtree(client_for, cast, three_entries, settings):
    settings.RONGHE_EXPORT_BACKGROUND_ROWS = 0
    response = client_for(cast.outsider_b).post(
        reverse("points:ledger-export", kwargs={"code": cast.branch_a.code}) + f"?year={YEAR}"
    )
    assert response.status_code == 404
    assert not ExportJob.objects.exists()
    assert list(jobs.storage_dir().iterdir()) == []
