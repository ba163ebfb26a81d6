"""The roster import pages as a user goes through them: upload, confirm the columns as shown."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ronghe.core.imports import jobs
from ronghe.core.models import ImportJob, ImportStatus
from ronghe.orgs.models import Organization


def confirm_as_shown(client: Client, job: ImportJob, **changes: str):  # noqa: ANN201
    """Post the mapping page as it is preselected (a column in doubt on 请选择), with `changes`
    (column_<i>=field) on top."""
    job.refresh_from_db()
    _head, columns = jobs.column_step(job)
    data = {f"column_{c.index}": "" if c.undecided else (c.field or "-") for c in columns.columns}
    data |= changes
    return client.post(reverse("member_io:import-columns", kwargs={"code": job.code}), data)


def upload(client: Client, organization: Organization, path: Path, name: str | None = None):  # noqa: ANN201
    """Upload a file on the import page and confirm its columns as shown; the upload's response."""
    with path.open("rb") as fh:
        data = {
            "organization": str(organization.code),
            "file": SimpleUploadedFile(name or path.name, fh.read()),
        }
    response = client.post(reverse("member_io:import"), data)
    if response.status_code == 302:
        job = ImportJob.objects.latest("id")
        client.get(response.url)  # the mapping page (a file unreadable there is refused)
        job.refresh_from_db()
        if job.status == ImportStatus.MAPPING:
            confirm_as_shown(client, job)
    return response
