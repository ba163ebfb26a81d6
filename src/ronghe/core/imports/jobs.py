"""An import job's life: store the upload, run the preview and commit passes in the background
(django-tasks), report progress, and keep the rejected-rows file for download.

core knows no domain app. An app registers the two passes of its import kind from its
`AppConfig.ready()` (`register("members", preview=..., commit=...)`); the background task finds
them by the job's `kind`. Both passes stream the file and report an `Outcome`.

States: `start_import` refuses an unsafe file at once and queues the preview of a safe one
(VALIDATING → VALIDATED, or REFUSED when it cannot be read); `request_commit` queues the commit (VALIDATED → COMMITTING →
COMMITTED; back to VALIDATED when an all-or-nothing commit met bad rows and wrote nothing).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import python_calamine as pc
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django_tasks import task

from ronghe.core.imports.errors import ImportRefused, RowError
from ronghe.core.imports.files import check_upload
from ronghe.core.models import ImportJob, ImportMode, ImportStatus
from ronghe.core.types import Actor, OrgNode

PROGRESS_EVERY = 1000


@dataclass
class Outcome:
    """What a pass found or did. `invalid` lists every bad cell, in row order."""

    total: int = 0
    valid: int = 0
    invalid: list[RowError] = field(default_factory=list)
    invalid_rows: int = 0
    created: int = 0
    updated: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"valid": self.valid, "invalid": [e.as_dict() for e in self.invalid]}


# `target` and `user` of a pass are the job's organization and account: the app's own Organization and
# user model, which core cannot name; each app's pass declares them with its types.


class PreviewPass(Protocol):
    def __call__(
        self,
        *,
        path: Path,
        kind: str,
        target: Any,
        user: Any,
        progress: Callable[[int], None] | None = None,
        rejected_path: Path | None = None,
    ) -> Outcome: ...


class CommitPass(Protocol):
    def __call__(
        self,
        *,
        path: Path,
        kind: str,
        target: Any,
        user: Any,
        valid_only: bool,
        original_name: str,
        progress: Callable[[int], None] | None = None,
    ) -> Outcome: ...


@dataclass(frozen=True)
class Importer:
    """The two passes of one import kind. `kind` in their signatures is the file kind (xlsx/csv)."""

    preview: PreviewPass
    commit: CommitPass


_IMPORTERS: dict[str, Importer] = {}


def register(kind: str, *, preview: PreviewPass, commit: CommitPass) -> None:
    """Declare how jobs of `kind` (ImportJob.kind) are previewed and committed."""
    _IMPORTERS[kind] = Importer(preview=preview, commit=commit)


def importer(kind: str) -> Importer:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"no importer registered for import kind {kind!r}") from None


def storage_dir() -> Path:
    """Uploads and rejected-row files live outside the web root, under generated names."""
    directory = Path(settings.DATA_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def start_import(*, kind: str, upload: UploadedFile[bytes], target: OrgNode, user: Actor) -> ImportJob:
    """Store the upload under a generated name and queue the preview pass; ImportRefused if unsafe."""
    importer(kind)  # an unknown kind fails here, not later in the worker
    stored = f"{uuid.uuid4().hex}.upload"
    path = storage_dir() / stored
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    job = ImportJob(
        kind=kind,
        organization_id=target.pk,
        created_by_id=user.pk,
        original_name=Path(upload.name or "").name[:255],
        stored_name=stored,
    )
    try:
        job.file_kind = check_upload(path, job.original_name)
    except ImportRefused:
        path.unlink(missing_ok=True)
        raise
    job.save()
    run_import.enqueue(job.pk, "preview")
    return job


def row_estimate(path: Path, kind: str) -> int:
    """Rows in the file for the progress bar (CSV lines, or the sheet's height)."""
    try:
        if kind == "csv":
            with path.open("rb") as fh:
                return sum(1 for _ in fh)
        return int(pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).height)
    except (pc.CalamineError, pc.PasswordError, pc.XmlError, pc.ZipError, OSError, ValueError):
        return 0  # the preview pass reports why the file cannot be read


def request_commit(*, job: ImportJob, valid_only: bool) -> None:
    """Queue the commit pass for a previewed job."""
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED).update(
        status=ImportStatus.COMMITTING,
        mode=ImportMode.VALID_ONLY if valid_only else ImportMode.ATOMIC,
        processed_rows=0,
    )
    if updated:
        run_import.enqueue(job.pk, "commit")


def _progress(job_id: int) -> Callable[[int], None]:
    last = [0]

    def report(count: int) -> None:
        if count - last[0] >= PROGRESS_EVERY:
            ImportJob.objects.filter(pk=job_id).update(processed_rows=count)
            last[0] = count

    return report


@task()
def run_import(job_id: int, phase: str) -> None:
    """The background half of an import: the preview pass or the commit pass of one job."""
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    passes = importer(job.kind)
    path = storage_dir() / job.stored_name
    try:
        if phase == "preview":
            ImportJob.objects.filter(pk=job.pk).update(total_rows=row_estimate(path, job.file_kind))
            rejected = f"{uuid.uuid4().hex}.xlsx"
            outcome = passes.preview(
                path=path,
                kind=job.file_kind,
                target=job.organization,
                user=job.created_by,
                progress=_progress(job.pk),
                rejected_path=storage_dir() / rejected,
            )
            job.status = ImportStatus.VALIDATED
            job.rejected_name = rejected if outcome.invalid else ""
        else:
            outcome = passes.commit(
                path=path,
                kind=job.file_kind,
                target=job.organization,
                user=job.created_by,
                valid_only=job.mode == ImportMode.VALID_ONLY,
                original_name=job.original_name,
                progress=_progress(job.pk),
            )
            if outcome.invalid and job.mode == ImportMode.ATOMIC:
                job.status = ImportStatus.VALIDATED
                job.message = f"有 {outcome.invalid_rows} 行存在错误，按“全部导入”方式未导入任何数据"
            else:
                job.status = ImportStatus.COMMITTED
                job.created_count, job.updated_count = outcome.created, outcome.updated
                job.message = ""
                path.unlink(missing_ok=True)
                job.stored_name = ""
    except ImportRefused as exc:
        path.unlink(missing_ok=True)
        job.status, job.message, job.stored_name = ImportStatus.REFUSED, exc.message, ""
        outcome = Outcome()
    job.total_rows = outcome.total or job.total_rows
    job.processed_rows = outcome.total
    job.valid_count = outcome.valid
    job.invalid_count = outcome.invalid_rows
    job.errors = [e.as_dict() for e in outcome.invalid]
    job.save()


def rejected_path(job: ImportJob) -> Path | None:
    """The job's rejected-rows file, if the preview found bad rows and the file is still there."""
    if not job.rejected_name:
        return None
    path = storage_dir() / job.rejected_name
    return path if path.exists() else None
