"""Writing the archive: snapshot, files, anchors and manifest into one 0600 tar; the keys file apart."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection

from ronghe.core import audit, auditkeys, crypto
from ronghe.core.backup.common import (
    ANCHORS,
    CANARY,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_SUM,
    BackupError,
    _key_check,
    _now,
    _sha256_file,
    _source_dirs,
    log_event,
)
from ronghe.core.backup.snapshot import _snapshot_postgresql, _snapshot_sqlite


class _HashingReader:
    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.hash = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.hash.update(data)
        return data


def _add(tar: tarfile.TarFile, name: str, path: Path) -> str:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mtime = int(path.stat().st_mtime)
    info.mode = 0o600
    with path.open("rb") as fh:
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    return reader.hash.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _walk(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def _archive_name(output: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = output / f"ronghe-{stamp}.tar"
    n = 1
    while path.exists():
        n += 1
        path = output / f"ronghe-{stamp}-{n}.tar"
    return path


def create(
    output: Path | None = None, *, include_keys: bool = False, operator: str = ""
) -> tuple[Path, dict[str, Any]]:
    """Write one backup archive into `output` (default ``settings.BACKUP_DIR``); return its path and manifest."""
    started = time.monotonic()
    output = Path(output or settings.BACKUP_DIR)
    output.mkdir(parents=True, exist_ok=True, mode=0o700)
    archive = _archive_name(output)
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持备份 {vendor} 数据库")
    ring = auditkeys.load()
    with tempfile.TemporaryDirectory(prefix=".ronghe-backup-", dir=output) as tmp:
        db_file = Path(tmp) / ("db.sqlite3" if vendor == "sqlite" else "db.pgdump")
        if vendor == "sqlite":
            counts, migrations = _snapshot_sqlite(db_file)
        else:
            counts, migrations = _snapshot_postgresql(db_file)
        files: dict[str, dict[str, Any]] = {}
        fd = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with (
                os.fdopen(fd, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar,
            ):
                name = f"database/{db_file.name}"
                files[name] = {"sha256": _add(tar, name, db_file), "size": db_file.stat().st_size}
                for label, root in _source_dirs().items():
                    for path in _walk(root):
                        name = f"{label}/{path.relative_to(root).as_posix()}"
                        size = path.stat().st_size
                        files[name] = {"sha256": _add(tar, name, path), "size": size}
                anchors = Path(settings.AUDIT_ANCHOR_FILE)
                if anchors.is_file():
                    files[ANCHORS] = {"sha256": _add(tar, ANCHORS, anchors), "size": anchors.stat().st_size}
                manifest = {
                    "format": "ronghe-backup",
                    "version": FORMAT_VERSION,
                    "created_at": _now(),
                    "vendor": vendor,
                    "migrations": migrations,
                    "row_counts": counts,
                    "files": files,
                    "keys": {
                        "field_canary": crypto.encrypt(CANARY, "backup"),
                        "field_key_ids": sorted(crypto.keyring().enc),
                        "audit": {k.id: _key_check(k) for k in ring.keys.values()} if ring else {},
                    },
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                _add_bytes(tar, MANIFEST, body)
                _add_bytes(tar, MANIFEST_SUM, (hashlib.sha256(body).hexdigest() + "\n").encode())
                raw.flush()
                os.fsync(raw.fileno())
        except BaseException:
            archive.unlink(missing_ok=True)
            raise
    digest = _sha256_file(archive)
    if include_keys:
        write_keys(archive.with_suffix(".keys.json"))
    seconds = round(time.monotonic() - started, 2)
    audit.record(
        "backup.created",
        object_type="backup",
        object_id=archive.name,
        username=operator,
        changes={"archive": archive.name, "sha256": digest, "files": len(files), "seconds": seconds},
    )
    log_event(
        {
            "kind": "backup", "at": _now(), "archive": str(archive), "sha256": digest, "result": "ok",
            "seconds": seconds, "operator": operator, "vendor": vendor,
        }
    )  # fmt: skip
    return archive, manifest


def write_keys(path: Path) -> Path:
    """The key files as one JSON document (mode 0600), to be stored apart from the archives."""
    payload = {"field_keys": crypto.keyring().to_json()}
    ring = auditkeys.load()
    if ring is not None:
        payload["audit_keys"] = ring.to_json()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=1)
    return path


def install_keys(path: Path) -> None:
    """Put the key files of a keys document in place; refuse to overwrite different keys."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"无法读取密钥文件 {path}：{exc}") from exc
    targets = {"field_keys": Path(settings.FIELD_KEYS_FILE), "audit_keys": Path(settings.AUDIT_KEYS_FILE)}
    for name, target in targets.items():
        text = payload.get(name)
        if text is None:
            continue
        if target.exists():
            if json.loads(target.read_text(encoding="utf-8")) != json.loads(text):
                raise BackupError(f"{target} 已存在且与密钥文件中的不同：未覆盖，请人工核对")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
