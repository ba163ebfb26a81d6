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

One module per step: `common` (names, error, drill log), `snapshot`, `archive` (writing), `verify`,
`restore`; callers use `core.backup.<name>`.
"""

from ronghe.core.backup.archive import create, install_keys, write_keys
from ronghe.core.backup.common import (
    MANIFEST,
    BackupError,
    RestoreReport,
    _now,
    history,
    last_drill,
    log_event,
)
from ronghe.core.backup.restore import database_is_empty, restore
from ronghe.core.backup.snapshot import _counts_with
from ronghe.core.backup.verify import verify_archive

__all__ = [
    "MANIFEST",
    "BackupError",
    "RestoreReport",
    "_counts_with",
    "_now",
    "create",
    "database_is_empty",
    "history",
    "install_keys",
    "last_drill",
    "log_event",
    "restore",
    "verify_archive",
    "write_keys",
]
