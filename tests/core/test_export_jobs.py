"""Background exports (issue 16.12): queued, built by the task worker, downloaded by their requester
only, failures said in Chinese, files deleted when they expire."""

from __future__ import annotations

import io
from datetime import timedelta
from io import StringIO

import pytest
import xlsxwriter
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from ronghe.core.errors import DomainError
from ronghe.core.exports import jobs
from ronghe.core.models import AuditEntry, ExportJob, ExportState

pytestmark = pytest.mark.django_db
KIND = "tests.numbers"
ROWS = 2500


def _numbers(*, target, user, params, out, progress):
    """A test export: `params["rows"]` numbered rows, progress reported as they are written."""
    wb = xlsxwriter.Workbook(out, {"strings_to_formulas": False})
    ws = wb.add_worksheet("数字")
    for i in range(params["rows"]):
        ws.write_row(i, 0, [target.name, i + 1])
        progress(i + 1)
    wb.close()


def _refuse(*, target, user, params, out, progress):
    raise DomainError("该范围本年度没有可导出的数据")


def _crash(*, target, user, params, out, progress):
    out.write(b"half a file")
    raise RuntimeError("disk on fire")


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # each test sees only its own export files


@pytest.fixture
def register(monkeypatch):
    def add(build=_numbers, kind=KIND):
        monkeypatch.setitem(
            jobs._EXPORTERS,
            kind,
            jobs.Exporter(
                perm="points.view",
                event="points.ledger_exported",
                rows=lambda *, target, params: params["rows"],
                filename=lambda *, target, params: f"{target.name}数字表.xlsx",
                build=build,
            ),
        )
        return kind

    return add


@pytest.fixture
def queue_only(settings):
    """Tasks are stored, not run: the test plays the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_a_job_is_queued_then_built_by_the_worker_and_downloaded_by_its_requester(
    client_for, cast, register, queue_only
):
    # given
    kind = register()

    # when
    job = jobs.request_export(kind=kind, target=cast.branch_a, user=cast.secretary_a, params={"rows": ROWS})

    # then: queued, nothing on disk, the page says so and polls
    job.refresh_from_db()
    assert (job.state, job.stored_name, job.total_rows) == (ExportState.QUEUED, "", ROWS)
    page = client_for(cast.secretary_a).get(reverse("exports:job-detail", kwargs={"code": job.code}))
    assert "排队中，等待后台处理" in page.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()

    # when: the worker runs the task
    jobs.run_export.call(job.pk)

    # then
    job.refresh_from_db()
    assert job.state == ExportState.DONE
    assert job.processed_rows == ROWS
    path = jobs.storage_dir() / job.stored_name
    assert path.stat().st_mode & 0o777 == 0o600
    assert job.finished_at is not None
    page = client_for(cast.secretary_a).get(reverse("exports:job-list"))
    assert f'id="export-{job.code}-download"' in page.content.decode()

    # when: the requester downloads it
    response = client_for(cast.secretary_a).get(reverse("exports:job-download", kwargs={"code": job.code}))

    # then
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert rows.get_sheet_by_name("数字").to_python()[-1] == ["甲局第一党支部", float(ROWS)]
    audited = AuditEntry.objects.get(event="points.ledger_exported")
    assert audited.actor_username == "sec_a"
    assert audited.changes == {"rows": ROWS, "job": str(job.code)}


@pytest.mark.parametrize("who", ["committee_admin", "outsider_b", "member_a"])
def test_another_user_finds_no_job_and_no_file(client_for, cast, register, who):
    # given: secretary A's finished export (immediate tasks run it at once)
    job = jobs.request_export(
        kind=register(), target=cast.branch_a, user=cast.secretary_a, params={"rows": 3}
    )
    client = client_for(getattr(cast, who))

    # when
    detail = client.get(reverse("exports:job-detail", kwargs={"code": job.code}))
    download = client.get(reverse("exports:job-download", kwargs={"code": job.code}))
    listing = client.get(reverse("exports:job-list"))

    # then: not even the 工委 above A opens another user's export
    assert (detail.status_code, download.status_code) == (404, 404)
    assert str(job.code) not in listing.content.decode()
    assert not AuditEntry.objects.filter(event="points.ledger_exported").exists()


def test_a_job_outside_the_requesters_scope_is_refused_and_not_queued(cast, register):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        jobs.request_export(kind=register(), target=cast.branch_b, user=cast.secretary_a, params={"rows": 3})
    assert not ExportJob.objects.exists()


def test_a_refused_export_shows_its_chinese_reason_and_keeps_no_file(client_for, cast, register):
    # given
    job = jobs.request_export(
        kind=register(_refuse), target=cast.branch_a, user=cast.secretary_a, params={"rows": 3}
    )

    # when
    page = client_for(cast.secretary_a).get(reverse("exports:job-detail", kwargs={"code": job.code}))

    # then
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert "导出失败：该范围本年度没有可导出的数据" in page.content.decode()
    assert list(jobs.storage_dir().iterdir()) == []
    assert (
        client_for(cast.secretary_a)
        .get(reverse("exports:job-download", kwargs={"code": job.code}))
        .status_code
        == 404
    )


def test_a_crashed_export_says_so_in_chinese_and_removes_its_half_file(client_for, cast, register):
    # given
    job = jobs.request_export(
        kind=register(_crash), target=cast.branch_a, user=cast.secretary_a, params={"rows": 3}
    )

    # when
    page = client_for(cast.secretary_a).get(reverse("exports:job-list"))

    # then
    job.refresh_from_db()
    assert (job.state, job.message) == (ExportState.FAILED, jobs.CRASHED)
    assert f'id="export-{job.code}-state"' in page.content.decode()
    assert "失败" in page.content.decode()
    assert list(jobs.storage_dir().iterdir()) == []


def test_a_running_job_whose_worker_died_fails_when_looked_at(client_for, cast, register, queue_only):
    # given: a job taken by a worker that then stopped beating
    job = jobs.request_export(
        kind=register(), target=cast.branch_a, user=cast.secretary_a, params={"rows": 3}
    )
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=30)
    )

    # when
    page = client_for(cast.secretary_a).get(
        reverse("exports:job-detail", kwargs={"code": job.code}), headers={"HX-Request": "true"}
    )

    # then: the fragment says why, and stops polling
    body = page.content.decode()
    assert "导出失败：导出进程异常中止" in body
    assert "hx-trigger" not in body
    assert "<html" not in body


def test_maintenance_deletes_expired_files_and_the_page_says_so(client_for, cast, register, settings):
    # given: one export finished 25 hours ago, one just now
    settings.RONGHE_EXPORT_FILE_HOURS = 24
    kind = register()
    old = jobs.request_export(kind=kind, target=cast.branch_a, user=cast.secretary_a, params={"rows": 3})
    new = jobs.request_export(kind=kind, target=cast.branch_a, user=cast.secretary_a, params={"rows": 3})
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    old.refresh_from_db()
    old_file = jobs.storage_dir() / old.stored_name

    # when
    out = StringIO()
    call_command("import_maintenance", stdout=out)

    # then
    assert "删除过期导出文件 1 个" in out.getvalue()
    assert not old_file.exists()
    new.refresh_from_db()
    assert (jobs.storage_dir() / new.stored_name).exists()
    client = client_for(cast.secretary_a)
    assert client.get(reverse("exports:job-download", kwargs={"code": old.code})).status_code == 404
    page = client.get(reverse("exports:job-detail", kwargs={"code": old.code})).content.decode()
    assert "文件已超过 24 小时，已按规定删除" in page


def test_the_list_polls_only_while_a_job_is_running(client_for, cast, register, queue_only):
    # given
    kind = register()
    client = client_for(cast.secretary_a)
    job = jobs.request_export(kind=kind, target=cast.branch_a, user=cast.secretary_a, params={"rows": 3})

    # when / then: queued → the rows fragment polls
    fragment = client.get(reverse("exports:job-list"), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert "排队中" in fragment

    # when / then: done → no more polling
    jobs.run_export.call(job.pk)
    fragment = client.get(reverse("exports:job-list"), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
    assert "完成" in fragment


def test_a_second_click_while_queued_returns_the_same_job(cast, register, queue_only):
    # given
    kind = register()
    first = jobs.request_export(kind=kind, target=cast.branch_a, user=cast.secretary_a, params={"rows": 3})

    # when
    again = jobs.request_export(kind=kind, target=cast.branch_a, user=cast.secretary_a, params={"rows": 3})
    other = jobs.request_export(kind=kind, target=cast.branch_a, user=cast.secretary_a, params={"rows": 4})

    # then
    assert again.pk == first.pk
    assert other.pk != first.pk
    assert ExportJob.objects.count() == 2


def test_a_requester_who_lost_the_permission_can_no_longer_download(client_for, cast, register):
    # given: secretary A's finished export, then A's role withdrawn
    job = jobs.request_export(
        kind=register(), target=cast.branch_a, user=cast.secretary_a, params={"rows": 3}
    )
    cast.secretary_a.role_assignments.all().delete()

    # when
    response = client_for(cast.secretary_a).get(reverse("exports:job-download", kwargs={"code": job.code}))

    # then
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(event="points.ledger_exported").exists()
    page = client_for(cast.secretary_a).get(reverse("exports:job-detail", kwargs={"code": job.code}))
    assert "您已没有该范围的导出权限，不能下载此文件" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_db_worker_build_the_file(cast, register, settings):
    # given: the production queue (django-tasks' database backend)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = jobs.request_export(
        kind=register(), target=cast.branch_a, user=cast.secretary_a, params={"rows": 3}
    )
    assert ExportJob.objects.get(pk=job.pk).state == ExportState.QUEUED

    # when: `ronghe db_worker` takes what is queued
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    # then
    job.refresh_from_db()
    assert job.state == ExportState.DONE
    assert jobs.file_path(job) is not None
