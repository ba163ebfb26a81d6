"""Restoring a verified archive: database, files, anchors, then the checks and the audit row."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

from ronghe.core import audit, auditkeys, crypto
from ronghe.core.backup.archive import install_keys
from ronghe.core.backup.common import (
    ANCHORS,
    CANARY,
    BackupError,
    RestoreReport,
    _data_dir,
    _key_check,
    _now,
    _sha256_file,
    _source_dirs,
    log_event,
)
from ronghe.core.backup.snapshot import _counts_with, _migrations_with, _pg_dbname, _pg_env, _run
from ronghe.core.backup.verify import verify_archive


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
