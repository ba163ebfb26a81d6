"""The import job lifecycle in core.imports.jobs finds each kind's passes through its registry."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.module_loading import import_string

from ronghe.core.imports import jobs
from ronghe.core.models import ImportJob
from ronghe.members import imports as member_imports


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
