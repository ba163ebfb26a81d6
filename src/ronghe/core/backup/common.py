"""What the backup modules share: the archive's names, the error, the data directory, the drill log."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

from ronghe.core import auditkeys

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
FILE_DIRS = ("files", "imports")  # folders of the data directory that hold uploads
ANCHORS = "anchors/audit_anchors.jsonl"
CANARY = "ronghe-backup-canary"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that did not happen; the message (Chinese) says why."""


@dataclass
class RestoreReport:
    archive: Path
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _data_dir() -> Path:
    return Path(settings.DATA_DIR)


def _source_dirs() -> dict[str, Path]:
    dirs = {name: _data_dir() / name for name in FILE_DIRS}
    dirs["files"] = Path(settings.MEDIA_ROOT)
    return dirs


def _tables() -> list[str]:
    """Every table of an installed model (with the implicit many-to-many tables), sorted."""
    names = {
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    }
    return sorted(names)


def _key_check(key: auditkeys.AuditKey) -> str:
    return key.mac(b"ronghe-backup-key-check")


def log_event(entry: dict[str, Any]) -> None:
    """Append one line to the backup log (outside the database, so a restore does not roll it back)."""
    path = Path(settings.BACKUP_LOG_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")


def history() -> list[dict[str, Any]]:
    path = Path(settings.BACKUP_LOG_FILE)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    return out


def last_drill() -> dict[str, Any] | None:
    """The newest successful restore (drill or real), or None."""
    done = [e for e in history() if e.get("kind") == "restore" and e.get("result") == "ok"]
    return done[-1] if done else None
