"""The import job lifecycle in core.imports.jobs finds each kind's passes through its registry."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from ronghe.core import dbfeatures
from ronghe.core.imports import jobs
from ronghe.core.models import ImportJob
from ronghe.members import imports as member_imports
from ronghe.members.models import Member
from tests.factories import valid_id_number
from tests.imports.pages import upload
from tests.imports.sheets import HEADER, write_xlsx


def test_members_register_their_passes_at_startup():
    # when
    found = jobs.importer("members")

    # then
    assert found.preview is member_imports.preview
    assert found.commit is member_imports.commit


@pytest.mark.django_db
def test_an_unknown_kind_is_refused_without_a_job(cast):
    # given
    upload = SimpleUploadedFile("a.csv", "姓名\n".encode())

    # when / then
    with pytest.raises(LookupError):
        jobs.start_import(kind="nothing", upload=upload, target=cast.org_a, user=cast.secretary_a)
    assert not ImportJob.objects.exists()


def test_tasks_queued_under_the_old_member_path_still_run_the_import_task():
    # A database-queued task names its function by dotted path.
    assert import_string("ronghe.members.imports.run_member_import") is jobs.run_import


# Issue 17 finding 2: a worker killed mid-import left its job RUNNING at 0% forever.


def _running(cast, minutes_ago, status="validating"):
    return ImportJob.objects.create(
        kind="members",
        organization=cast.org_a,
        created_by=cast.secretary_a,
        original_name="名册.xlsx",
        stored_name="dead.upload",
        file_kind="xlsx",
        status=status,
        heartbeat_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


@pytest.mark.django_db
def test_a_stale_running_job_is_shown_failed_and_a_new_import_runs(client_for, cast, tmp_path, settings):
    # given: a job whose worker died an hour ago, its upload still on disk
    settings.RONGHE_IMPORT_STALE_MINUTES = 15
    dead = _running(cast, minutes_ago=60)
    (jobs.storage_dir() / "dead.upload").write_bytes(b"personal data")
    client = client_for(cast.secretary_a)

    # when the user looks at it
    page = client.get(reverse("member_io:import-job", kwargs={"code": dead.code})).content.decode()

    # then it is failed, says so and offers to retry or cancel (the upload is kept for that)
    dead.refresh_from_db()
    assert (dead.status, dead.message, dead.stored_name) == ("failed", jobs.DEAD, "dead.upload")
    assert f"导入失败：{jobs.DEAD}" in page and 'hx-trigger="every 1s"' not in page
    assert 'id="retry-import"' in page and 'id="cancel-import"' in page
    assert "导入失败" in client.get(reverse("member_io:import")).content.decode()
    # and the next import is not held up by it
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, ["张三", "男", valid_id_number(date(1980, 1, 2), "男")]])
    assert upload(client, cast.org_a, path).status_code == 302
    assert ImportJob.objects.latest("id").status == "validated"


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_retried_from_the_page(client_for, cast, tmp_path, settings):
    # given: a previewed file whose commit's worker was killed (it stopped beating 20 minutes ago)
    settings.RONGHE_IMPORT_STALE_MINUTES = 15
    number = valid_id_number(date(1980, 1, 3), "男")
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, ["李四", "男", number, None, "", "", "2019-07-01"]])
    client = client_for(cast.secretary_a)
    upload(client, cast.org_a, path)
    job = ImportJob.objects.latest("id")
    ImportJob.objects.filter(pk=job.pk).update(
        status="committing", heartbeat_at=timezone.now() - timedelta(minutes=20)
    )
    url = reverse("member_io:import-job", kwargs={"code": job.code})
    assert "导入失败" in client.get(url).content.decode()
    # when: the user presses 重试, then confirms the import again
    assert client.post(reverse("member_io:import-retry", kwargs={"code": job.code})).status_code == 302
    job.refresh_from_db()
    assert job.status == "validated", job.message
    assert (job.valid_count, job.invalid_count) == (1, 0), job.errors
    client.post(reverse("member_io:import-commit", kwargs={"code": job.code}), {"mode": "atomic"})
    # then: the member is imported once
    job.refresh_from_db()
    assert job.status == "committed", job.message
    assert Member.objects.filter(name="李四").count() == 1


@pytest.mark.django_db
def test_a_job_whose_worker_died_can_be_cancelled_and_its_upload_goes(client_for, cast, settings):
    settings.RONGHE_IMPORT_STALE_MINUTES = 15
    dead = _running(cast, minutes_ago=60)
    (jobs.storage_dir() / "dead.upload").write_bytes(b"personal data")
    client = client_for(cast.secretary_a)
    client.get(reverse("member_io:import-job", kwargs={"code": dead.code}))
    assert client.post(reverse("member_io:import-cancel", kwargs={"code": dead.code})).status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.stored_name) == ("cancelled", "")
    assert not (jobs.storage_dir() / "dead.upload").exists()
    # a cancelled job cannot be retried
    client.post(reverse("member_io:import-retry", kwargs={"code": dead.code}))
    dead.refresh_from_db()
    assert dead.status == "cancelled"


@pytest.mark.django_db
def test_maintenance_fails_stale_jobs_and_leaves_live_ones(cast, settings):
    settings.RONGHE_IMPORT_STALE_MINUTES = 15
    dead = _running(cast, minutes_ago=16, status="committing")
    live = _running(cast, minutes_ago=1)
    out = StringIO()

    call_command("import_maintenance", stdout=out)

    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == "failed" and live.status == "validating"
    assert "异常中止的导入 1 个" in out.getvalue()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL hides a transaction's writes until it ends"
)
@pytest.mark.skipif(
    not dbfeatures.enabled("side_connection"),
    reason="RONGHE_PG_FAST_PATHS without side_connection: progress shows when the commit ends (docs/databases.md)",
)
@pytest.mark.django_db(transaction=True)
def test_progress_inside_the_commit_transaction_is_seen_at_once(cast):
    # given: a commit pass's transaction (everything it writes is invisible to others until it ends)
    job = _running(cast, minutes_ago=30, status="committing")
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic():
            # when it reports progress
            jobs._progress(job.pk)(jobs.PROGRESS_EVERY)

            # then another connection (the job page, `import_maintenance`) sees the beat before it ends
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT processed_rows, heartbeat_at FROM core_importjob WHERE id = %s", [job.pk]
                )
                processed, beat = cursor.fetchone()
            assert processed == jobs.PROGRESS_EVERY
            assert timezone.now() - beat < timedelta(minutes=1)
    finally:
        other.close()


@pytest.mark.django_db
def test_progress_beats_the_heartbeat(cast):
    job = _running(cast, minutes_ago=30)
    report = jobs._progress(job.pk)
    report(jobs.PROGRESS_EVERY)
    job.refresh_from_db()
    assert job.processed_rows == jobs.PROGRESS_EVERY
    assert timezone.now() - job.heartbeat_at < timedelta(minutes=1)


@pytest.mark.django_db
def test_a_job_failed_while_queued_is_not_run_later(cast, monkeypatch):
    job = _running(cast, minutes_ago=60)
    jobs.maintain()
    monkeypatch.setattr(jobs, "importer", lambda kind: pytest.fail("a failed job must not run"))
    jobs.run_import.call(job.pk, "preview")
    job.refresh_from_db()
    assert job.status == "failed"


@pytest.mark.django_db
def test_a_pass_that_crashes_fails_its_job(cast, monkeypatch):
    job = _running(cast, minutes_ago=0)

    def boom(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(jobs, "importer", lambda kind: jobs.Importer(preview=boom, commit=boom))
    with pytest.raises(RuntimeError):
        jobs.run_import.call(job.pk, "preview")
    job.refresh_from_db()
    assert job.status == "failed" and "未导入任何数据" in job.message


@pytest.mark.django_db
def test_a_running_job_without_any_heartbeat_counts_from_its_last_update(client_for, cast, settings):
    # jobs left running before heartbeats existed have none: their last update stands in
    settings.RONGHE_IMPORT_STALE_MINUTES = 15
    job = ImportJob.objects.create(
        kind="members", organization=cast.org_a, created_by=cast.secretary_a, original_name="a.xlsx"
    )
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=2))
    page = client_for(cast.secretary_a).get(reverse("member_io:import-job", kwargs={"code": job.code}))
    job.refresh_from_db()
    assert job.status == "failed"
    assert jobs.DEAD in page.content.decode()
