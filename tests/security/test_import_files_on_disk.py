"""Issue 17 finding 5: uploads of uncommitted jobs and rejected-row files stayed in the data
directory forever, 0644, with full ID and phone numbers, and a secretary without reveal rights
downloaded another user's rejected rows. Files are now 0600 in a 0700 directory, deleted after
commit and on expiry, and downloadable only by the job's uploader holding members.view_sensitive."""

import os
import stat
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ronghe.accounts.choices import Role
from ronghe.core.imports import jobs
from ronghe.core.models import AuditEntry, ImportJob
from tests.factories import UserFactory, grant, valid_id_number
from tests.imports.pages import upload
from tests.imports.sheets import HEADER, write_xlsx

pytestmark = pytest.mark.django_db


def _roster(tmp_path):
    return write_xlsx(
        tmp_path / "花名册.xlsx",
        [
            HEADER,
            ["孙一", "男", valid_id_number(date(1981, 2, 3), "男"), None, "", "", "2019-07-01", "", "", ""],
            ["孙三", "男", "123", None, "", "", "明年", "", "", ""],
        ],
    )


def _upload(client, cast, tmp_path):
    assert upload(client, cast.org_a, _roster(tmp_path)).status_code == 302
    return ImportJob.objects.latest("id")


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def _rejected_url(job):
    return reverse("member_io:import-rejected", kwargs={"code": job.code})


def test_upload_and_rejected_rows_are_private_files(client_for, cast, tmp_path):
    job = _upload(client_for(cast.committee_admin), cast, tmp_path)
    directory = jobs.storage_dir()
    assert job.stored_name and job.rejected_name
    assert _mode(directory) == 0o700
    assert _mode(directory / job.stored_name) == 0o600
    assert _mode(directory / job.rejected_name) == 0o600


def test_an_existing_open_directory_is_closed(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "imports").mkdir(mode=0o755)
    (tmp_path / "imports").chmod(0o755)
    assert _mode(jobs.storage_dir()) == 0o700


def test_the_upload_is_deleted_once_committed(client_for, cast, tmp_path):
    client = client_for(cast.committee_admin)
    job = _upload(client, cast, tmp_path)
    upload = jobs.storage_dir() / job.stored_name
    client.post(reverse("member_io:import-commit", kwargs={"code": job.code}), {"mode": "valid_only"})
    job.refresh_from_db()
    assert job.status == "committed" and not upload.exists() and job.stored_name == ""


def test_files_are_deleted_when_the_job_expires(client_for, cast, tmp_path, settings):
    settings.RONGHE_IMPORT_FILE_HOURS = 24
    client = client_for(cast.committee_admin)
    old = _upload(client, cast, tmp_path)
    fresh = _upload(client, cast, tmp_path)
    directory = jobs.storage_dir()
    old_files = [directory / old.stored_name, directory / old.rejected_name]
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    stray = directory / "0123456789abcdef.upload"
    stray.write_bytes(b"left by a crash")
    day_ago = (timezone.now() - timedelta(hours=25)).timestamp()
    os.utime(stray, (day_ago, day_ago))

    done = jobs.maintain()

    assert done == {"stale": 0, "expired": 1, "strays": 1}
    assert not any(p.exists() for p in old_files) and not stray.exists()
    old.refresh_from_db()
    assert (old.status, old.stored_name, old.rejected_name) == ("failed", "", "")
    assert old.message == "上传的文件超过 24 小时未导入，已按规定删除，请重新上传"
    assert (directory / fresh.stored_name).exists() and (directory / fresh.rejected_name).exists()
    page = client.get(reverse("member_io:import-job", kwargs={"code": old.code})).content.decode()
    assert "上传的文件超过 24 小时未导入" in page
    assert client.get(_rejected_url(old)).status_code == 404


def test_a_committed_jobs_rejected_rows_expire_too(client_for, cast, tmp_path):
    client = client_for(cast.committee_admin)
    job = _upload(client, cast, tmp_path)
    client.post(reverse("member_io:import-commit", kwargs={"code": job.code}), {"mode": "valid_only"})
    job.refresh_from_db()
    rejected = jobs.storage_dir() / job.rejected_name
    assert rejected.exists()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=2))
    jobs.maintain()
    job.refresh_from_db()
    assert not rejected.exists() and (job.status, job.rejected_name) == ("committed", "")


def test_another_secretary_of_the_same_org_cannot_download(client_for, cast, tmp_path):
    job = _upload(client_for(cast.committee_admin), cast, tmp_path)
    colleague = UserFactory(username="sec_a2")
    grant(colleague, Role.BRANCH_SECRETARY, cast.org_a)
    response = client_for(colleague).get(_rejected_url(job))
    assert response.status_code == 403
    assert b"\xe5\xad\x99\xe4\xb8\x89" not in response.content  # 孙三


def test_someone_else_with_reveal_rights_cannot_download(client_for, cast, tmp_path):
    job = _upload(client_for(cast.committee_admin), cast, tmp_path)
    other_admin = UserFactory(username="gw2")
    grant(other_admin, Role.WORK_COMMITTEE_ADMIN, cast.committee)
    assert client_for(other_admin).get(_rejected_url(job)).status_code == 403


def test_the_uploader_without_reveal_rights_cannot_download(client_for, cast, tmp_path):
    job = _upload(client_for(cast.secretary_a), cast, tmp_path)
    assert client_for(cast.secretary_a).get(_rejected_url(job)).status_code == 403


def test_out_of_scope_is_404(client_for, cast, tmp_path):
    job = _upload(client_for(cast.committee_admin), cast, tmp_path)
    assert client_for(cast.outsider_b).get(_rejected_url(job)).status_code == 404


def test_the_uploader_with_reveal_rights_downloads_and_it_is_audited(client_for, cast, tmp_path):
    client = client_for(cast.committee_admin)
    job = _upload(client, cast, tmp_path)
    response = client.get(_rejected_url(job))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"].split(", ")
    entry = AuditEntry.objects.get(event="member.import_rejected_download")
    assert entry.actor_id == cast.committee_admin.pk and entry.object_id == str(job.code)
    assert entry.org_path == cast.org_a.path


def test_cancelling_a_preview_deletes_its_files(client_for, cast, tmp_path):
    client = client_for(cast.secretary_a)
    job = _upload(client, cast, tmp_path)
    files = [jobs.storage_dir() / job.stored_name, jobs.storage_dir() / job.rejected_name]
    assert (
        client_for(cast.outsider_b)
        .post(reverse("member_io:import-cancel", kwargs={"code": job.code}))
        .status_code
        == 404
    )
    client = client_for(cast.secretary_a)
    page = client.get(reverse("member_io:import-job", kwargs={"code": job.code})).content.decode()
    assert 'id="cancel-import"' in page
    client.post(reverse("member_io:import-cancel", kwargs={"code": job.code}))
    job.refresh_from_db()
    assert (job.status, job.stored_name, job.rejected_name) == ("cancelled", "", "")
    assert not any(p.exists() for p in files)
    page = client.get(reverse("member_io:import-job", kwargs={"code": job.code})).content.decode()
    assert "已取消本次导入，上传的文件已删除" in page
    # a cancelled job cannot be committed
    client.post(reverse("member_io:import-commit", kwargs={"code": job.code}), {"mode": "valid_only"})
    job.refresh_from_db()
    assert job.status == "cancelled"
