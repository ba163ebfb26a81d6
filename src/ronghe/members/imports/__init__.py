"""Roster import: the member-specific half of the import pipeline (core.imports holds the rest).

    columns  the headers each field is found under, limits, enum vocabularies (pure)
    rows     row parsing and validation, the check against the roster, the preview pass
    write    the commit pass: the bulk write in one transaction, audited

The job around them (the stored upload, background passes, progress, the rejected-rows file) is
`core.imports.jobs`; `MembersConfig.ready()` registers the two passes under the kind "members".
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from ronghe.accounts.models import User
from ronghe.core.imports import jobs
from ronghe.core.models import ImportJob
from ronghe.core.scope import scoped
from ronghe.members.imports.columns import SPEC
from ronghe.members.imports.rows import preview
from ronghe.members.imports.write import commit
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

__all__ = ["KIND", "SPEC", "commit", "imported_members", "preview", "register", "start_import"]

KIND = "members"


def register() -> None:
    """Make the background passes of member-import jobs, and their columns, known to core.imports.jobs."""
    jobs.register(KIND, preview=preview, commit=commit, columns=SPEC)


def start_import(*, upload: UploadedFile[bytes], target: Organization, user: User) -> ImportJob:
    """Store the upload as a member-import job waiting for its column mapping; ImportRefused if unsafe."""
    return jobs.start_import(kind=KIND, upload=upload, target=target, user=user)


def imported_members(job: ImportJob, user: User) -> QuerySet[Member]:
    """Members of the job's organization subtree touched since the job started (for the result page)."""
    return scoped(
        Member.objects.select_related("organization").filter(
            organization__path__startswith=job.organization.path, updated_at__gte=job.created_at
        ),
        user,
        "members.view",
    )


# Tasks queued before the job lifecycle moved to core name this path; it runs the same task.
run_member_import = jobs.run_import
