"""Backup and restore (security.md BR-1, BR-2): one tar archive (mode 0600) holding a consistent
database snapshot, the uploaded files and a manifest with the SHA-256 of every file.

* SQLite: the online backup API (``sqlite3.Connection.backup``) copies the live database page by
  page into ``database/db.sqlite3``; row counts and the migration state are read from that copy.
* PostgreSQL: ``pg_dump -Fc`` into ``database/db.pgdump``, run on a snapshot exported from a
  REPEATABLE READ transaction in which the row counts and the migration state are read, so the
  manifest describes exactly what was dumped.
* Files: the data directory's ``files/`` (MEDIA_ROOT) and ``imports/``, and the signed audit
  anchors (``audit_anchors.jsonl``).

The keys (field_keys.json, audit_keys.json) are never in the archive: whoever steals one backup
must not get the data and the keys to read it together. ``--include-keys`` writes them to a
separate file next to it, to be stored apart. The manifest records only key ids and a one-way
check value, so a restore refuses before it changes anything when the keys in place do not fit.

`restore` checks the archive's structure (tar header checksums, zero padding, no extra or
missing member) and every file's SHA-256 before it touches anything, refuses a non-empty
database without ``yes``, restores database and files, writes a ``backup.restored`` audit row
into the restored chain and runs the checks (row counts, migration state, audit chain).
Every backup and restore, successful or refused, is appended to ``settings.BACKUP_LOG_FILE``
(`ronghe backup --list`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from ronghe.core import audit, auditkeys, crypto

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


# --- helpers ------------------------------------------------------------------------------------


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


# --- database snapshot --------------------------------------------------------------------------


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _pg_dbname() -> str:
    return str(connection.settings_dict["NAME"])


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} 失败（退出码 {done.returncode}）：{done.stderr.strip()[-500:]}")


def _counts_with(cur: Any, tables: list[str], existing: set[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        if table in existing:
            cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the app registry
            counts[table] = int(cur.fetchone()[0])
    return counts


def _migrations_with(cur: Any) -> list[str]:
    cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cur.fetchall()]


def _snapshot_sqlite(dest: Path) -> tuple[dict[str, int], list[str]]:
    connection.ensure_connection()
    live = connection.connection
    target = sqlite3.connect(dest)
    try:
        live.backup(target)
        cur = target.cursor()
        cur.execute("SELECT name FROM sqlite_master WHERE type='table'")
        existing = {r[0] for r in cur.fetchall()}
        return _counts_with(cur, _tables(), existing), _migrations_with(cur)
    finally:
        target.close()


def _snapshot_postgresql(dest: Path) -> tuple[dict[str, int], list[str]]:
    args, env = _pg_env()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        existing = set(connection.introspection.table_names(cur))
        counts = _counts_with(cur, _tables(), existing)
        migrations = _migrations_with(cur)
        _run(
            ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", *args, "-f", str(dest), _pg_dbname()],
            env,
        )
    return counts, migrations


# --- archive writing ----------------------------------------------------------------------------


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


# --- archive reading ----------------------------------------------------------------------------

_CORRUPT = "备份文件已损坏或不完整"


def _corrupt(why: str) -> BackupError:
    return BackupError(f"{_CORRUPT}（{why}），拒绝恢复，未做任何更改。")


def _safe_name(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name


def verify_archive(archive: Path, staging: Path) -> dict[str, Any]:
    """Check the whole archive and extract it into `staging`; return the manifest.

    Refuses (BackupError) on anything but an intact archive written by `create`: a tar header
    whose checksum fails, a byte outside the members that is not zero padding, a truncated end,
    a member missing from or added to the manifest, or any SHA-256 that does not match."""
    try:
        size = archive.stat().st_size
    except OSError as exc:
        raise BackupError(f"无法读取备份文件 {archive}：{exc}") from exc
    if size == 0 or size % tarfile.RECORDSIZE:
        raise _corrupt("文件长度不对，可能被截断")
    digests: dict[str, str] = {}
    spans: list[tuple[int, int]] = []
    try:
        with archive.open("rb") as raw, tarfile.open(fileobj=raw, mode="r:") as tar:
            for member in tar:
                if not member.isreg() or not _safe_name(member.name) or member.name in digests:
                    raise _corrupt(f"含有异常条目 {member.name!r}")
                spans.append((member.offset, member.offset_data + member.size))
                src = tar.extractfile(member)
                assert src is not None
                dest = staging / member.name
                dest.parent.mkdir(parents=True, exist_ok=True)
                h = hashlib.sha256()
                got = 0
                with open(dest, "wb") as out:
                    while chunk := src.read(_CHUNK):
                        h.update(chunk)
                        out.write(chunk)
                        got += len(chunk)
                if got != member.size:
                    raise _corrupt(f"{member.name} 不完整")
                digests[member.name] = h.hexdigest()
            # every byte between and after the members must be tar's zero padding
            pos = 0
            for start, end in spans:
                _zeros(raw, pos, start)
                pos = -(-end // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE
                _zeros(raw, end, pos)
            if size - pos < 2 * tarfile.BLOCKSIZE:
                raise _corrupt("缺少归档结束标记，可能被截断")
            _zeros(raw, pos, size)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _corrupt(f"无法读取归档：{exc}") from exc
    if MANIFEST not in digests or MANIFEST_SUM not in digests:
        raise _corrupt("缺少清单")
    expected = (staging / MANIFEST_SUM).read_text(encoding="ascii", errors="replace").strip()
    if expected != digests[MANIFEST]:
        raise _corrupt("清单的校验和不符")
    try:
        manifest: dict[str, Any] = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise _corrupt("清单无法解析") from exc
    if manifest.get("format") != "ronghe-backup" or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"不认识的备份格式 {manifest.get('format')} {manifest.get('version')}，拒绝恢复，未做任何更改。"
        )
    listed = set(manifest["files"])
    present = set(digests) - {MANIFEST, MANIFEST_SUM}
    if listed != present:
        missing, extra = sorted(listed - present), sorted(present - listed)
        raise _corrupt(f"缺少文件 {missing[:3]}，多出文件 {extra[:3]}")
    for name, meta in manifest["files"].items():
        if meta["sha256"] != digests[name]:
            raise _corrupt(f"{name} 的 SHA-256 校验和不符")
    return manifest


def _zeros(raw: IO[bytes], start: int, end: int) -> None:
    raw.seek(start)
    left = end - start
    while left > 0:
        chunk = raw.read(min(left, _CHUNK))
        if not chunk:
            raise _corrupt("文件被截断")
        if chunk.count(0) != len(chunk):
            raise _corrupt(f"第 {start} 字节之后的填充区被改动")
        left -= len(chunk)


# --- restore ------------------------------------------------------------------------------------


def database_is_empty() -> bool:
    """No account and no audit row (a freshly migrated database has neither)."""
    from ronghe.core.models import AuditEntry

    existing = set(connection.introspection.table_names())
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in (user_model, AuditEntry):
        if model._meta.db_table in existing and model._base_manager.exists():
            return False
    return True


def _check_keys(manifest: dict[str, Any]) -> None:
    keys = manifest.get("keys", {})
    if not Path(settings.FIELD_KEYS_FILE).exists():
        raise BackupError(
            f"字段加密密钥文件 {settings.FIELD_KEYS_FILE} 不存在：请先从单独保存的密钥备份放回（或用 --keys），未做任何更改。"
        )
    try:
        ok = crypto.decrypt(keys["field_canary"], "backup") == CANARY
    except (crypto.DecryptionError, KeyError, ValueError):
        ok = False
    if not ok:
        raise BackupError("现有的字段加密密钥与备份不符（无法解密备份中的校验值），拒绝恢复，未做任何更改。")
    wanted: dict[str, str] = keys.get("audit", {})
    if wanted:
        ring = auditkeys.load()
        if ring is None:
            raise BackupError(
                f"审计密钥文件 {settings.AUDIT_KEYS_FILE} 不存在：请先从单独保存的密钥备份放回（或用 --keys），未做任何更改。"
            )
        for kid, check in wanted.items():
            key = ring.get(kid)
            if key is None or _key_check(key) != check:
                raise BackupError(
                    f"现有的审计密钥与备份不符（缺少或不同的密钥 {kid}），拒绝恢复，未做任何更改。"
                )


def _restore_sqlite(db_file: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(db_file)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(db_file: Path) -> None:
    args, env = _pg_env()
    name = _pg_dbname()
    connection.close()  # pg_restore --clean must be able to drop the tables
    _run(
        [
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", *args, "-d", name, str(db_file),
        ],
        env,
    )  # fmt: skip


def _put_aside(path: Path, stamp: str) -> None:
    if path.exists() and (path.is_file() or any(path.iterdir())):
        path.rename(path.with_name(f"{path.name}.before-restore-{stamp}"))
    elif path.is_dir():
        path.rmdir()


def _restore_files(staging: Path, manifest: dict[str, Any]) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for label, root in _source_dirs().items():
        _put_aside(root, stamp)
        src = staging / label
        if src.is_dir():
            shutil.copytree(src, root)
        else:
            root.mkdir(parents=True, exist_ok=True)
    anchors = Path(settings.AUDIT_ANCHOR_FILE)
    _put_aside(anchors, stamp)
    if ANCHORS in manifest["files"]:
        shutil.copyfile(staging / ANCHORS, anchors)
        anchors.chmod(0o600)


def _checks(manifest: dict[str, Any]) -> list[str]:
    problems = []
    with connection.cursor() as cur:
        existing = set(connection.introspection.table_names(cur))
        counts = _counts_with(cur, sorted(manifest["row_counts"]), existing)
        migrations = _migrations_with(cur)
    for table, n in manifest["row_counts"].items():
        if counts.get(table) != n:
            problems.append(f"表 {table} 行数 {counts.get(table)}，备份时为 {n}")
    if migrations != manifest["migrations"]:
        problems.append("迁移状态与备份时不同")
    result = audit.verify()
    if not result.ok:
        problems.append(f"审计日志校验失败：{result.message}")
    return problems


def restore(
    archive: Path,
    *,
    yes: bool = False,
    keys_file: Path | None = None,
    operator: str = "",
) -> RestoreReport:
    """Verify `archive`, then restore database, files and anchors, audit it and run the checks.

    Raises BackupError, having changed nothing, when the archive is corrupt, the database vendor
    differs, the keys do not fit, or the database is not empty and `yes` is false."""
    started = time.monotonic()
    archive = Path(archive)
    try:
        data_dir = _data_dir()
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".ronghe-restore-", dir=data_dir) as tmp:
            staging = Path(tmp)
            manifest = verify_archive(archive, staging)
            if manifest["vendor"] != connection.vendor:
                raise BackupError(
                    f"备份来自 {manifest['vendor']} 数据库，当前是 {connection.vendor}：拒绝恢复，未做任何更改。"
                )
            if keys_file is not None:
                install_keys(keys_file)
            _check_keys(manifest)
            if not yes and not database_is_empty():
                raise BackupError(
                    "当前数据库不是空的：恢复会覆盖现有数据。确认无误后加 --yes 重新运行。未做任何更改。"
                )
            db_file = next(staging / n for n in manifest["files"] if n.startswith("database/"))
            if manifest["vendor"] == "sqlite":
                _restore_sqlite(db_file)
            else:
                _restore_postgresql(db_file)
            _restore_files(staging, manifest)
        report = RestoreReport(archive, manifest, _checks(manifest))
    except BackupError as exc:
        log_event(
            {
                "kind": "restore", "at": _now(), "archive": str(archive), "result": "refused",
                "message": str(exc), "operator": operator,
                "seconds": round(time.monotonic() - started, 2),
            }
        )  # fmt: skip
        raise
    report.seconds = round(time.monotonic() - started, 2)
    digest = _sha256_file(archive)
    audit.record(
        "backup.restored",
        object_type="backup",
        object_id=archive.name,
        username=operator,
        outcome="success" if report.ok else "failure",
        changes={
            "archive": archive.name, "sha256": digest, "backup_created_at": manifest["created_at"],
            "seconds": report.seconds, "problems": report.problems,
        },
    )  # fmt: skip
    log_event(
        {
            "kind": "restore", "at": _now(), "archive": str(archive), "sha256": digest,
            "result": "ok" if report.ok else "failed", "seconds": report.seconds, "operator": operator,
            "backup_created_at": manifest["created_at"], "problems": report.problems,
        }
    )  # fmt: skip
    return report
