"""An import job's life: store the upload, run the preview and commit passes in the background
(django-tasks), report progress, and keep the rejected-rows file for download.

core knows no domain app. An app registers the two passes of its import kind from its
`AppConfig.ready()` (`register("members", preview=..., commit=...)`); the background task finds
them by the job's `kind`. Both passes stream the file and report an `Outcome`.

States: `start_import` refuses an unsafe file at once and queues the preview of a safe one
(VALIDATING → VALIDATED, or REFUSED when it cannot be read); a kind registered with a ColumnSpec
first waits for the user to confirm how its columns are read (MAPPING, `column_step` and
`confirm_columns`, core.imports.mapping), and the confirmed mapping is handed to both passes; `request_commit` queues the commit (VALIDATED → COMMITTING →
COMMITTED; back to VALIDATED when an all-or-nothing commit met bad rows and wrote nothing).

A running pass beats `heartbeat_at` every HEARTBEAT_SECONDS from a thread of its own, and with its
progress. A job left VALIDATING or COMMITTING without a heartbeat for RONGHE_IMPORT_STALE_MINUTES
(its worker was killed) is marked FAILED when someone looks at it (`fail_if_stale`) and by `ronghe
import_maintenance` (`maintain`); its upload is kept, so the page offers `retry` and `cancel`.

Files hold personal data in clear: they are written 0600 in a 0700 directory, the upload is deleted
once committed, refused, failed or cancelled (`cancel`, VALIDATED → CANCELLED), and `maintain` deletes the upload and the rejected-rows file of
every job older than RONGHE_IMPORT_FILE_HOURS (a previewed job not committed by then is failed).
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import python_calamine as pc
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task

from ronghe.core import audit, dbfeatures
from ronghe.core.imports import mapping
from ronghe.core.imports.errors import ImportRefused, RowError
from ronghe.core.imports.files import check_upload, limit
from ronghe.core.imports.reading import Head, read_columns
from ronghe.core.models import ColumnMemory, ImportJob, ImportMode, ImportStatus
from ronghe.core.types import Actor, OrgNode

PROGRESS_EVERY = 1000
RUNNING = (ImportStatus.VALIDATING, ImportStatus.COMMITTING)
DEAD = "导入进程异常中止（例如服务器重启），本次导入没有完成"
# A running pass beats this often from a thread of its own, whatever the pass is doing.
HEARTBEAT_SECONDS = 10
EXPIRED = "上传的文件超过 {hours} 小时未导入，已按规定删除，请重新上传"
CRASHED = "导入过程中出现错误，未导入任何数据，请重新导入；如再次出现请联系系统管理员"


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
    """The two passes of one import kind. `kind` in their signatures is the file kind (xlsx/csv).
    With `columns`, a job waits for its column mapping to be confirmed and both passes are called
    with `columns=` the confirmed mapping."""

    preview: PreviewPass
    commit: CommitPass
    columns: mapping.ColumnSpec | None = None


_IMPORTERS: dict[str, Importer] = {}


def register(
    kind: str, *, preview: PreviewPass, commit: CommitPass, columns: mapping.ColumnSpec | None = None
) -> None:
    """Declare how jobs of `kind` (ImportJob.kind) are previewed and committed, and with `columns`
    that the user confirms the column mapping first."""
    _IMPORTERS[kind] = Importer(preview=preview, commit=commit, columns=columns)


def importer(kind: str) -> Importer:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"no importer registered for import kind {kind!r}") from None


def storage_dir() -> Path:
    """Uploads and rejected-row files live outside the web root, under generated names, 0700."""
    return private_dir("imports")


def private_dir(name: str) -> Path:
    """DATA_DIR/`name`, readable by this account only (0700): files of personal data (imports, exports)."""
    directory = Path(settings.DATA_DIR) / name
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory.stat().st_mode & 0o077:
        directory.chmod(0o700)  # made by an earlier version with the umask's 0755
    return directory


def write_private(path: Path, chunks: Iterable[bytes]) -> None:
    """Create `path` readable and writable by this account only (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)


def stale_after() -> timedelta:
    return timedelta(minutes=limit("RONGHE_IMPORT_STALE_MINUTES", 2))


def keep_files_for() -> timedelta:
    return timedelta(hours=limit("RONGHE_IMPORT_FILE_HOURS", 24))


def start_import(*, kind: str, upload: UploadedFile[bytes], target: OrgNode, user: Actor) -> ImportJob:
    """Store the upload under a generated name and queue the preview pass (or, for a kind with a
    column mapping, wait for it to be confirmed); ImportRefused if unsafe."""
    mapped = importer(kind).columns is not None  # an unknown kind fails here, not later in the worker
    stored = f"{uuid.uuid4().hex}.upload"
    path = storage_dir() / stored
    write_private(path, upload.chunks())
    job = ImportJob(
        kind=kind,
        organization_id=target.pk,
        created_by_id=user.pk,
        original_name=Path(upload.name or "").name[:255],
        stored_name=stored,
        heartbeat_at=timezone.now(),
        status=ImportStatus.MAPPING if mapped else ImportStatus.VALIDATING,
    )
    try:
        job.file_kind = check_upload(path, job.original_name)
    except ImportRefused:
        path.unlink(missing_ok=True)
        raise
    job.save()
    if not mapped:
        run_import.enqueue(job.pk, "preview")
    return job


def column_step(job: ImportJob) -> tuple[Head, mapping.ColumnMap]:
    """The file's header, the rows under it and how its columns are read: the automatic rules, or
    what the job's organization confirmed last time for the same headers. A file that cannot be read
    refuses the job (REFUSED, its upload deleted) and raises ImportRefused."""
    spec = _spec(job)
    # calamine loads the whole sheet to read the head: the page, a refused confirmation and the
    # accepted one read it once (what was guessed from the file never changes; the memory is re-read)
    key = f"import-head:{job.code}:{job.stored_name}"
    read = cache.get(key)
    if read is None:
        try:
            read = read_columns(storage_dir() / job.stored_name, job.file_kind, spec)
        except ImportRefused as exc:
            _refuse(job, exc.message)
            raise
        cache.set(key, read, int(keep_files_for().total_seconds()))
    head, guessed = read
    return head, remembered_columns(
        organization_id=job.organization_id, kind=job.kind, head=head, guessed=guessed
    )


def remembered_columns(
    *, organization_id: int, kind: str, head: Head, guessed: mapping.ColumnMap
) -> mapping.ColumnMap:
    """`guessed` with the mapping the organization last confirmed for files with the same headers
    (the page and `ronghe import_members` read it alike); `guessed` itself when there is none."""
    memory = (
        ColumnMemory.objects.filter(
            organization_id=organization_id, kind=kind, header_key=mapping.header_key(head.cells)
        )
        .values_list("fields", flat=True)
        .first()
    )
    if memory is None:
        return guessed
    return mapping.remembered(guessed, memory, importer(kind).columns or _no_spec(kind))


def confirm_columns(*, job: ImportJob, choices: dict[int, str], user: Actor) -> mapping.ColumnMap:
    """The user's column mapping: checked (ImportRefused with the reason on the field "columns"),
    kept on the job, remembered for the job's organization and these headers, audited; then the
    preview pass is queued. Only a job waiting for its mapping (MAPPING) takes one."""
    if job.status != ImportStatus.MAPPING or not job.stored_name:
        raise ImportRefused("该导入任务已确认过各列，不能再修改", field=None)
    spec = _spec(job)
    head, guessed = column_step(job)
    confirmed = mapping.choose(guessed, choices, spec)
    fields = [c.field for c in confirmed.columns]
    with transaction.atomic():
        taken = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.MAPPING).update(
            status=ImportStatus.VALIDATING,
            columns=confirmed.as_json(),
            processed_rows=0,
            heartbeat_at=timezone.now(),
        )
        if not taken:  # confirmed in another tab meanwhile
            raise ImportRefused("该导入任务已确认过各列，不能再修改", field=None)
        ColumnMemory.objects.update_or_create(
            organization_id=job.organization_id,
            kind=job.kind,
            header_key=mapping.header_key(head.cells),
            defaults={
                "headers": [c.header for c in confirmed.columns],
                "fields": fields,
                "updated_by_id": user.pk,
            },
        )
        audit.record(
            "import.columns",
            actor=user,
            obj=job,
            changes={
                "file": job.original_name,
                "columns": {c.header or f"第{c.index + 1}列": c.field for c in confirmed.columns},
            },
        )
    run_import.enqueue(job.pk, "preview")  # after the commit: the worker must see the mapping
    job.refresh_from_db()
    return confirmed


def _spec(job: ImportJob) -> mapping.ColumnSpec:
    return importer(job.kind).columns or _no_spec(job.kind)


def _no_spec(kind: str) -> mapping.ColumnSpec:
    raise LookupError(f"import kind {kind!r} has no column mapping")


def _refuse(job: ImportJob, message: str) -> None:
    """A file that turned out unreadable: REFUSED with the reason, its upload deleted."""
    _delete_files(job)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.REFUSED, message=message, stored_name="", rejected_name=""
    )
    job.refresh_from_db()


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
        heartbeat_at=timezone.now(),
    )
    if updated:
        run_import.enqueue(job.pk, "commit")


def _progress(job_id: int) -> Callable[[int], None]:
    last = [0]

    def report(count: int) -> None:
        if count - last[0] >= PROGRESS_EVERY:
            _beat(job_id, count)
            last[0] = count

    return report


def _beat(job_id: int, count: int) -> None:
    """Progress and heartbeat, visible to everyone at once. A commit pass runs in one transaction, and on
    PostgreSQL nothing it writes is seen before it ends: the beat goes through a connection of its own,
    else the progress bar stands still and `maintain` would take a long commit for a dead one. (On SQLite
    the writer holds the database; readers see the beat when the commit ends, as before.)"""
    now = timezone.now()
    if (
        dbfeatures.enabled("side_connection")
        and connection.in_atomic_block
        and _beat_aside(job_id, count, now)
    ):
        return
    ImportJob.objects.filter(pk=job_id).update(processed_rows=count, heartbeat_at=now)


def _beat_aside(job_id: int, count: int, now: datetime) -> bool:
    """The beat on a connection of its own; False when that cannot see or lock the job row (the row
    was written in the caller's transaction, e.g. a test's), and the caller beats in its transaction."""
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with side.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET processed_rows = %s, heartbeat_at = %s WHERE id = %s",
                [count, now, job_id],
            )
            return bool(cursor.rowcount)
    except OperationalError:
        return False
    finally:
        side.close()


class Heartbeat:
    """Beats `heartbeat_at` of the running job in `running` (a one-row queryset, e.g. the job filtered by
    its running states) every HEARTBEAT_SECONDS from a thread with its own database connection, so a
    long step (a big sheet opened, a batch applied, a big export written) never looks like a dead
    worker, and a killed worker's job stops beating at once. A beat that cannot be written is skipped.
    Import and export jobs share it."""

    def __init__(self, running: QuerySet[Any]) -> None:
        self.running = running
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="job-heartbeat", daemon=True)

    def _run(self) -> None:
        try:
            while not self.stop.wait(HEARTBEAT_SECONDS):
                # the database busy or gone: the next beat tries again
                with contextlib.suppress(DatabaseError):
                    self.running.update(heartbeat_at=timezone.now())
        finally:
            connections.close_all()  # this thread's own connections

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=HEARTBEAT_SECONDS)


@task()
def run_import(job_id: int, phase: str) -> None:
    with Heartbeat(ImportJob.objects.filter(pk=job_id, status__in=RUNNING)):
        _run_import(job_id, phase)


def _run_import(job_id: int, phase: str) -> None:
    """The background half of an import: the preview pass or the commit pass of one job."""
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    if job.status not in RUNNING or not job.stored_name:
        return  # failed meanwhile (its heartbeat stopped while queued) or already done
    passes = importer(job.kind)
    path = storage_dir() / job.stored_name
    # a kind with a column mapping reads the file as the user confirmed it
    mapped: dict[str, Any] = {"columns": job.columns} if passes.columns is not None else {}
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
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
                **mapped,
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
                **mapped,
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
    except Exception:
        _fail(job.pk, CRASHED, running_only=False)
        raise
    if (
        phase == "preview"
        and not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATING).exists()
    ):
        _delete_files(job)  # marked failed while this pass was still going: its result is not wanted
        return
    job.total_rows = outcome.total or job.total_rows
    job.processed_rows = outcome.total
    job.valid_count = outcome.valid
    job.invalid_count = outcome.invalid_rows
    job.errors = [e.as_dict() for e in outcome.invalid]
    job.save()


def _delete_files(job: ImportJob) -> None:
    for name in (job.stored_name, job.rejected_name):
        if name:
            (storage_dir() / name).unlink(missing_ok=True)


def _fail(
    job_id: int,
    message: str,
    *,
    running_only: bool = True,
    before: datetime | None = None,
    keep_upload: bool = False,
) -> bool:
    """Mark a job FAILED and delete its files; with `running_only`, only if it is still running
    (and, with `before`, its heartbeat is older than that). `keep_upload` keeps the uploaded file so
    the job can be retried (it is deleted with the others after RONGHE_IMPORT_FILE_HOURS)."""
    jobs = ImportJob.objects.filter(pk=job_id)
    if running_only:
        jobs = jobs.filter(status__in=RUNNING)
    if before is not None:
        jobs = jobs.filter(Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, updated_at__lt=before))
    job = jobs.first()
    if job is None:
        return False
    kept = job.stored_name if keep_upload else ""
    if not jobs.update(status=ImportStatus.FAILED, message=message, stored_name=kept, rejected_name=""):
        return False
    if keep_upload:
        job.stored_name = ""
    _delete_files(job)
    return True


def fail_if_stale(job: ImportJob) -> ImportJob:
    """A running job whose heartbeat stopped is FAILED (its worker died); returns the job as it is now."""
    if job.is_running and _fail(job.pk, DEAD, before=timezone.now() - stale_after(), keep_upload=True):
        job.refresh_from_db()
    return job


def maintain(now: datetime | None = None) -> dict[str, int]:
    """The periodic clean-up (`ronghe import_maintenance`, hourly): fail stale running jobs, delete the
    files of jobs older than RONGHE_IMPORT_FILE_HOURS (an uncommitted preview then fails), and delete
    stray files in the imports directory that no job names."""
    now = now or timezone.now()
    stale = sum(
        _fail(pk, DEAD, before=now - stale_after(), keep_upload=True)
        for pk in ImportJob.objects.filter(status__in=RUNNING).values_list("pk", flat=True)
    )
    cutoff = now - keep_files_for()
    expired = 0
    old = ImportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=RUNNING)
    for job in old.exclude(stored_name="", rejected_name=""):
        _delete_files(job)
        fields = {"stored_name": "", "rejected_name": ""}
        if job.status in (ImportStatus.MAPPING, ImportStatus.VALIDATED, ImportStatus.FAILED):
            hours = int(keep_files_for().total_seconds() // 3600)
            fields |= {"status": ImportStatus.FAILED, "message": EXPIRED.format(hours=hours)}
        expired += ImportJob.objects.filter(pk=job.pk).exclude(status__in=RUNNING).update(**fields)
    named = {
        name
        for pair in ImportJob.objects.exclude(stored_name="", rejected_name="").values_list(
            "stored_name", "rejected_name"
        )
        for name in pair
        if name
    }
    strays = 0
    for path in storage_dir().iterdir():
        if path.is_file() and path.name not in named and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            strays += 1
    return {"stale": stale, "expired": expired, "strays": strays}


def can_retry(job: ImportJob) -> bool:
    """A job whose worker died, its upload still kept."""
    return (
        job.status == ImportStatus.FAILED
        and bool(job.stored_name)
        and (storage_dir() / job.stored_name).exists()
    )


def retry(job: ImportJob) -> bool:
    """Run a failed job again from its upload: the preview first, then the user confirms as before. A
    commit that died half-way is finished by the next commit (the app's commit pass resumes)."""
    if not can_retry(job):
        return False
    done = (
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED)
        .exclude(stored_name="")
        .update(status=ImportStatus.VALIDATING, message="", processed_rows=0, heartbeat_at=timezone.now())
    )
    if done:
        run_import.enqueue(job.pk, "preview")
    return bool(done)


def cancel(job: ImportJob) -> bool:
    """Drop a job waiting for its columns, a previewed or a failed job that will not be committed:
    CANCELLED, its upload and rejected rows deleted."""
    done = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportStatus.MAPPING, ImportStatus.VALIDATED, ImportStatus.FAILED]
    ).update(status=ImportStatus.CANCELLED, message="", stored_name="", rejected_name="")
    if done:
        _delete_files(job)
    return bool(done)


def rejected_path(job: ImportJob) -> Path | None:
    """The job's rejected-rows file, if the preview found bad rows and the file is still there."""
    if not job.rejected_name:
        return None
    path = storage_dir() / job.rejected_name
    return path if path.exists() else None
