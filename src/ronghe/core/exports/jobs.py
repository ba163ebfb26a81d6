"""An export job's life: queued by `request_export`, built by the task worker (`run_export`, the same
django-tasks queue and `ronghe db_worker` as imports), kept for download, then deleted.

core knows no domain app: an app registers each export kind (`register("points.ledger", ...)`) with
the permission it needs at the organization, its audit event, a row count, a file name and a `build`
that writes the file. `core.downloads.export_response` builds it at once when it has at most
RONGHE_EXPORT_BACKGROUND_ROWS rows and queues a job otherwise.

States (ExportState): QUEUED → RUNNING → DONE, or FAILED with a Chinese message. A running build beats
`heartbeat_at` (`imports.jobs.Heartbeat`); one silent for RONGHE_IMPORT_STALE_MINUTES (its worker was
killed) is failed when someone looks at it and by `ronghe import_maintenance`, which also deletes the
file of every job finished more than RONGHE_EXPORT_FILE_HOURS ago.

Files hold personal data: written 0600 in DATA_DIR/exports (0700), never under static or media, and
sent only through `core.views.exports.download`, to the user who asked for them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.imports.jobs import Heartbeat, private_dir, stale_after
from ronghe.core.models import ExportJob, ExportState
from ronghe.core.scope import has_perm_at
from ronghe.core.types import Actor, OrgNode

PROGRESS_EVERY = 1000
RUNNING = (ExportState.QUEUED, ExportState.RUNNING)
CRASHED = "导出过程中出现错误，未生成文件，请重新导出；如再次出现请联系系统管理员"
DEAD = "导出进程异常中止（例如服务器重启），未生成文件，请重新导出"
EXPIRED = "文件已超过 {hours} 小时，已按规定删除；如仍需要，请重新导出"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Build(Protocol):
    """Write the export of `target` with `params` to `out`; call `progress(rows done)` as it goes.
    `target` and `user` are the app's Organization and account. A DomainError's message is shown."""

    def __call__(
        self,
        *,
        target: Any,
        user: Any,
        params: dict[str, Any],
        out: IO[bytes],
        progress: Callable[[int], None],
    ) -> None: ...


@dataclass(frozen=True)
class Exporter:
    """One export kind: `perm` is needed at the organization to ask for it and to download it; `event`
    is its audit event; `rows` counts its rows (cheaply) and `filename` names its file."""

    perm: str
    event: str
    rows: Callable[..., int]
    filename: Callable[..., str]
    build: Build
    content_type: str = XLSX

    @property
    def suffix(self) -> str:
        return ".docx" if "wordprocessing" in self.content_type else ".xlsx"


_EXPORTERS: dict[str, Exporter] = {}


def register(
    kind: str,
    *,
    perm: str,
    event: str,
    rows: Callable[..., int],
    filename: Callable[..., str],
    build: Build,
    content_type: str = XLSX,
) -> None:
    """Declare export `kind`; `rows(target=, params=)` and `filename(target=, params=)` are called with
    keywords, as `build` is."""
    _EXPORTERS[kind] = Exporter(perm, event, rows, filename, build, content_type)


def exporter(kind: str) -> Exporter:
    try:
        return _EXPORTERS[kind]
    except KeyError:
        raise LookupError(f"no exporter registered for export kind {kind!r}") from None


def storage_dir() -> Path:
    return private_dir("exports")


def background_rows() -> int:
    """Above this many rows an export runs in the background (RONGHE_EXPORT_BACKGROUND_ROWS)."""
    return int(getattr(settings, "RONGHE_EXPORT_BACKGROUND_ROWS", 5000))


def keep_files_for() -> timedelta:
    return timedelta(hours=int(getattr(settings, "RONGHE_EXPORT_FILE_HOURS", 24)))


def request_export(
    *, kind: str, target: OrgNode, user: Actor, params: dict[str, Any], rows: int | None = None
) -> ExportJob:
    """Queue export `kind` of `target` for `user` (or return the same export already queued or running);
    403 (PermissionDenied) without its permission there."""
    spec = exporter(kind)
    if user.pk is None or not has_perm_at(user, spec.perm, target.path):
        raise PermissionDenied("您没有导出该范围数据的权限")
    waiting = ExportJob.objects.filter(
        requested_by_id=user.pk, kind=kind, organization_id=target.pk, state__in=RUNNING
    )
    for job in waiting:
        if job.parameters == params:
            return job  # a second click while the first is on its way: the same job, not a second file
    total = spec.rows(target=target, params=params) if rows is None else rows
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=kind,
            title=spec.filename(target=target, params=params)[:200],
            parameters=params,
            organization_id=target.pk,
            requested_by_id=user.pk,
            total_rows=total,
        )
        audit.record("export.requested", actor=user, obj=job, changes={"kind": kind, **params, "rows": total})
    run_export.enqueue(job.pk)
    return job


def _progress(job_id: int) -> Callable[[int], None]:
    last = [0]

    def report(count: int) -> None:
        if count - last[0] >= PROGRESS_EVERY:
            ExportJob.objects.filter(pk=job_id, state=ExportState.RUNNING).update(
                processed_rows=count, heartbeat_at=timezone.now()
            )
            last[0] = count

    return report


@task()
def run_export(job_id: int) -> None:
    """The background half: build the file of a queued job (a job taken by another worker is left)."""
    if not ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING, heartbeat_at=timezone.now()
    ):
        return
    with Heartbeat(ExportJob.objects.filter(pk=job_id, state=ExportState.RUNNING)):
        _build(ExportJob.objects.select_related("organization", "requested_by").get(pk=job_id))


def _build(job: ExportJob) -> None:
    spec = exporter(job.kind)
    stored = f"{uuid.uuid4().hex}{spec.suffix}"
    path = storage_dir() / stored
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            spec.build(
                target=job.organization,
                user=job.requested_by,
                params=job.parameters,
                out=out,
                progress=_progress(job.pk),
            )
    except DomainError as exc:
        path.unlink(missing_ok=True)
        _fail(job.pk, exc.message)
        return
    except Exception:
        path.unlink(missing_ok=True)
        _fail(job.pk, CRASHED)
        raise  # the worker logs the traceback
    done = ExportJob.objects.filter(pk=job.pk, state=ExportState.RUNNING).update(
        state=ExportState.DONE,
        stored_name=stored,
        file_size=path.stat().st_size,
        processed_rows=job.total_rows,
        finished_at=timezone.now(),
    )
    if not done:
        path.unlink(missing_ok=True)  # failed as dead meanwhile: nobody will ask for this file


def _fail(job_id: int, message: str, *, before: datetime | None = None) -> bool:
    jobs = ExportJob.objects.filter(pk=job_id, state__in=RUNNING)
    if before is not None:
        jobs = jobs.filter(state=ExportState.RUNNING).filter(
            Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True)
        )
    return bool(jobs.update(state=ExportState.FAILED, message=message, finished_at=timezone.now()))


def fail_if_stale(job: ExportJob) -> ExportJob:
    """A running job whose heartbeat stopped is FAILED (its worker died); returns the job as it is now.
    A queued job waits for a worker however long the queue is."""
    if job.state == ExportState.RUNNING and _fail(job.pk, DEAD, before=timezone.now() - stale_after()):
        job.refresh_from_db()
    return job


def file_path(job: ExportJob) -> Path | None:
    """The finished file, while it is kept."""
    if job.state != ExportState.DONE or not job.stored_name:
        return None
    path = storage_dir() / job.stored_name
    return path if path.exists() else None


def may_download(job: ExportJob, user: Actor) -> bool:
    """Only the user who asked, and only while they still hold the export's permission there."""
    return job.requested_by_id == user.pk and has_perm_at(
        user, exporter(job.kind).perm, job.organization.path
    )


def maintain(now: datetime | None = None) -> dict[str, int]:
    """The periodic clean-up (run by `ronghe import_maintenance`): fail dead running jobs, delete the
    files of jobs finished more than RONGHE_EXPORT_FILE_HOURS ago, and stray files nobody names."""
    now = now or timezone.now()
    stale = sum(
        _fail(pk, DEAD, before=now - stale_after())
        for pk in ExportJob.objects.filter(state=ExportState.RUNNING).values_list("pk", flat=True)
    )
    cutoff = now - keep_files_for()
    hours = int(keep_files_for().total_seconds() // 3600)
    expired = 0
    for job in ExportJob.objects.filter(state=ExportState.DONE, finished_at__lt=cutoff).exclude(
        stored_name=""
    ):
        (storage_dir() / job.stored_name).unlink(missing_ok=True)
        expired += ExportJob.objects.filter(pk=job.pk).update(
            stored_name="", message=EXPIRED.format(hours=hours)
        )
    named = set(ExportJob.objects.exclude(stored_name="").values_list("stored_name", flat=True))
    strays = 0
    for path in storage_dir().iterdir():
        if path.is_file() and path.name not in named and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            strays += 1
    return {"stale": stale, "expired": expired, "strays": strays}
