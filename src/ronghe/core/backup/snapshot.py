"""A consistent database snapshot with its row counts and migration state (SQLite backup API, pg_dump)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from ronghe.core.backup.common import BackupError, _tables


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
