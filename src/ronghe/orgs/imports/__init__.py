"""The units register import: the orgs-specific half of the import pipeline (core.imports holds the rest).

    columns  the headers each field is found under and the kinds' vocabulary (pure)
    rows     row parsing and validation (GB 32100 credit code, names), the preview pass
    write    the commit pass: units created or updated by name in one transaction, audited

`OrgsConfig.ready()` registers the two passes under the kind "units"; a job's organization is the 工委
(the root) where the importer keeps the register.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from ronghe.accounts.models import User
from ronghe.core.imports import jobs
from ronghe.core.models import ImportJob
from ronghe.orgs.imports.rows import preview
from ronghe.orgs.imports.write import commit
from ronghe.orgs.models import Organization

KIND = "units"


def register() -> None:
    jobs.register(KIND, preview=preview, commit=commit)


def start_import(*, upload: UploadedFile[bytes], target: Organization, user: User) -> ImportJob:
    """Store the upload and queue its preview as a units-import job; ImportRefused if unsafe."""
    return jobs.start_import(kind=KIND, upload=upload, target=target, user=user)
