"""Backup and restore (security.md BR-1, BR-2): the restore drill on SQLite and on PostgreSQL, and
an archive with one byte flipped or cut short is refused before anything changes."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection

from ronghe.core import audit, backup
from ronghe.core.models import AuditEntry


def _use_data_dir(settings: Any, root: Path) -> Path:
    """Point every data-directory path at `root` (a fresh data directory)."""
    root.mkdir(parents=True, exist_ok=True)
    settings.DATA_DIR = root
    settings.MEDIA_ROOT = root / "files"
    settings.FIELD_KEYS_FILE = root / "field_keys.json"
    settings.AUDIT_KEYS_FILE = root / "audit_keys.json"
    settings.AUDIT_ANCHOR_FILE = root / "audit_anchors.jsonl"
    settings.BACKUP_DIR = root / "backups"
    settings.BACKUP_LOG_FILE = root / "backups.jsonl"
    return root


def _drop_everything() -> None:
    """Make the database as fresh as a new one: no tables at all."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA foreign_keys=OFF")
        for table in connection.introspection.table_names(cur):
            cur.execute(f'DROP TABLE "{table}"')
        cur.execute("PRAGMA foreign_keys=ON")
    assert connection.introspection.table_names() == []


def _member_years(year: int) -> list[tuple[Any, ...]]:
    from ronghe.points.models import MemberYear

    return list(
        MemberYear.objects.filter(year=year)
        .order_by("member_id")
        .values_list(
            "member_id",
            "organization_id",
            "scheme_id",
            "total",
            "a_count",
            "grade",
            "grades",
            "dimensions",
            "vetoed",
        )
    )


def _drill(settings: Any, tmp_path: Path) -> None:
    from ronghe.demo.generator import build_county
    from ronghe.members.models import Member
    from ronghe.members.services import reveal_id_number
    from ronghe.points.services import recompute_year

    # given: a small demo county in one data directory, with an upload and a signed anchor
    old = _use_data_dir(settings, tmp_path / "old")
    build_county(200, seed=5, today=date(2026, 11, 24), until="demo_points")
    (old / "files" / "orglife").mkdir(parents=True)
    (old / "files" / "orglife" / "a1.pdf").write_bytes(b"%PDF-1.4 minutes")
    call_command("audit_anchor")
    year = 2026
    recompute_year(year=year)
    points_before = _member_years(year)
    assert points_before
    sample = Member.objects.order_by("id")[17]
    id_number = reveal_id_number(sample)

    # when: backed up (keys in a separate file) ...
    archive, manifest = backup.create(include_keys=True, operator="drill")
    keys_file = archive.with_suffix(".keys.json")
    assert archive.stat().st_mode & 0o777 == 0o600
    assert keys_file.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert not any("keys" in n for n in names), names  # the keys never travel with the data
    assert "files/orglife/a1.pdf" in names
    assert manifest["vendor"] == connection.vendor
    assert AuditEntry.objects.filter(event="backup.created").count() == 1

    # ... a restore over the live database is refused without --yes and changes nothing ...
    members = Member.objects.count()
    with pytest.raises(backup.BackupError, match="不是空的"):
        backup.restore(archive)
    assert Member.objects.count() == members

    # ... and then everything is gone: a new data directory without keys, a database without tables
    new = _use_data_dir(settings, tmp_path / "new")
    _drop_everything()
    cache.clear()
    report = backup.restore(archive, keys_file=keys_file, operator="drill")
    cache.clear()

    # then: the checks passed, row counts are those of the manifest, the chain verifies
    assert report.ok, report.problems
    restored = backup._counts_with(
        connection.cursor(), sorted(manifest["row_counts"]), set(connection.introspection.table_names())
    )
    restored["core_auditentry"] -= 1  # the restore's own audit row
    assert restored == manifest["row_counts"]
    assert manifest["row_counts"]["members_member"] == members
    result = audit.verify()
    assert result.ok, result.message
    assert result.anchor is not None  # checked against the restored anchor
    assert AuditEntry.objects.order_by("-id").first().event == "backup.restored"  # type: ignore[union-attr]
    # a sample ID number decrypts with the keys put back from their separate file
    assert reveal_id_number(Member.objects.get(pk=sample.pk)) == id_number
    # the upload is back, byte for byte
    assert (new / "files" / "orglife" / "a1.pdf").read_bytes() == b"%PDF-1.4 minutes"
    # recomputing the year from the restored ledger gives the same results
    recompute_year(year=year)
    assert _member_years(year) == points_before
    # and the drill is on record for the system administrator
    drill = backup.last_drill()
    assert drill is not None and drill["result"] == "ok" and drill["operator"] == "drill"
    assert report.seconds < 60


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite drill runs on SQLite")
@pytest.mark.django_db(transaction=True)
def test_restore_drill_on_sqlite(settings: Any, tmp_path: Path) -> None:
    _drill(settings, tmp_path)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL drill runs on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_restore_drill_on_postgresql(settings: Any, tmp_path: Path) -> None:
    _drill(settings, tmp_path)


def _small_archive(settings: Any, tmp_path: Path) -> Path:
    root = _use_data_dir(settings, tmp_path / "data")
    (root / "files").mkdir()
    (root / "files" / "note.txt").write_text("会议记录" * 200, encoding="utf-8")
    for n in range(3):
        audit.record("test.backup", object_type="t", object_id=str(n), username="t")
    archive, _ = backup.create()
    return archive


def _offsets(archive: Path) -> dict[str, int]:
    with tarfile.open(archive) as tar:
        members = {m.name: m for m in tar.getmembers()}
    db = next(m for n, m in members.items() if n.startswith("database/"))
    manifest = members[backup.MANIFEST]
    return {
        "database": db.offset_data + db.size // 2,
        "header": db.offset + 10,
        "manifest": manifest.offset_data + manifest.size // 2,
        "padding": archive.stat().st_size - 1,
    }


@pytest.mark.parametrize("where", ["database", "header", "manifest", "padding"])
@pytest.mark.django_db(transaction=True)
def test_a_flipped_byte_is_refused_and_nothing_changes(settings: Any, tmp_path: Path, where: str) -> None:
    # given: an archive with one byte flipped
    archive = _small_archive(settings, tmp_path)
    data = bytearray(archive.read_bytes())
    data[_offsets(archive)[where]] ^= 0x20
    archive.write_bytes(bytes(data))
    before = AuditEntry.objects.count()
    # when / then: refused with a Chinese message, even with --yes, and nothing changed
    with pytest.raises(CommandError, match="备份文件已损坏或不完整.*未做任何更改"):
        call_command("restore", str(archive), "--yes")
    assert AuditEntry.objects.count() == before
    assert (Path(settings.MEDIA_ROOT) / "note.txt").exists()
    assert backup.history()[-1]["result"] == "refused"


@pytest.mark.django_db(transaction=True)
def test_a_truncated_archive_is_refused(settings: Any, tmp_path: Path) -> None:
    archive = _small_archive(settings, tmp_path)
    data = archive.read_bytes()
    for cut in (len(data) // 2, len(data) - 512 * 21, 512 * 3):
        archive.write_bytes(data[:cut])
        with pytest.raises(backup.BackupError, match="备份文件已损坏或不完整"):
            backup.restore(archive, yes=True)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_without_the_keys(settings: Any, tmp_path: Path) -> None:
    archive = _small_archive(settings, tmp_path)
    _use_data_dir(settings, tmp_path / "elsewhere")
    with pytest.raises(backup.BackupError, match="字段加密密钥文件.*不存在"):
        backup.restore(archive, yes=True)
    assert not Path(settings.FIELD_KEYS_FILE).exists()  # not silently generated


@pytest.mark.django_db(transaction=True)
def test_backup_list_shows_the_drill_record(settings: Any, tmp_path: Path) -> None:
    archive = _small_archive(settings, tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(backup.MANIFEST).read())  # type: ignore[union-attr]
    assert set(manifest) >= {"version", "created_at", "vendor", "migrations", "row_counts", "files"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())
    backup.restore(archive, yes=True)
    out = io.StringIO()
    call_command("backup", "--list", stdout=out)
    text = out.getvalue()
    assert "备份  成功" in text and "恢复  成功" in text
    assert "最近一次成功的恢复演练" in text


def _log(settings: Any, tmp_path: Path, *entries: dict[str, Any]) -> None:
    _use_data_dir(settings, tmp_path / "log")
    for entry in entries:
        backup.log_event(entry)


def test_deploy_check_warns_when_the_last_drill_is_too_old(settings: Any, tmp_path: Path) -> None:
    from ronghe.core.checks import restore_drill_recent

    settings.RONGHE_RESTORE_DRILL_DAYS = 90
    _use_data_dir(settings, tmp_path / "fresh")
    assert restore_drill_recent(None) == []  # a new installation: nothing to drill yet
    old = {"kind": "backup", "at": "2020-01-01T00:00:00Z", "result": "ok"}
    _log(settings, tmp_path, old)
    assert [w.id for w in restore_drill_recent(None)] == ["ronghe.W005"]  # backups, never restored
    _log(settings, tmp_path, {"kind": "restore", "at": "2020-02-01T00:00:00Z", "result": "ok"})
    assert "2020-02-01" in restore_drill_recent(None)[0].msg  # a drill, but too long ago
    _log(settings, tmp_path, {"kind": "restore", "at": backup._now(), "result": "ok"})
    assert restore_drill_recent(None) == []
