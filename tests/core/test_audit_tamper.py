"""Issue 17 finding 4: someone with write access to the database but not to the data directory
rewrites the audit chain. Each attack below passed `audit_verify` while the chain was a plain
SHA-256 chain with its head in the same database."""

import hashlib
import hmac
import importlib
import io
import json
import os
import secrets
import stat
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ronghe.core import audit, auditkeys
from ronghe.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_files(settings, tmp_path):
    settings.AUDIT_KEYS_FILE = tmp_path / "audit_keys.json"
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit_anchors.jsonl"


def _entries(n: int = 5) -> list[AuditEntry]:
    return [
        audit.record(f"test.event{i}", object_type="t", object_id=str(i), changes={"n": i}) for i in range(n)
    ]


def _plain(prev: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev + "|" + audit._canonical(entry)).encode("utf-8")).hexdigest()


def _rechain_with_sql(hash_fn: Callable[[str, AuditEntry], str]) -> None:
    """What the attacker does: recompute every row's link and hash and the head, in raw SQL."""
    prev = audit.GENESIS
    last_id = 0
    rows = list(AuditEntry.objects.order_by("id"))
    with connection.cursor() as cur:
        for entry in rows:
            new = hash_fn(prev, entry)
            cur.execute(
                "UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, entry.pk]
            )
            prev, last_id = new, entry.pk
        cur.execute("UPDATE core_audithead SET last_id = %s, last_hash = %s WHERE id = 1", [last_id, prev])


def _verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def test_deleting_a_middle_row_and_recomputing_the_plain_chain_is_detected():
    # given
    entries = _entries()
    # when: a row is deleted and the plain SHA-256 chain and head are recomputed
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    _rechain_with_sql(_plain)
    # then: the first recomputed row is named, and why
    with pytest.raises(CommandError, match=f"第 {entries[0].pk} 条记录.*不持有审计密钥"):
        _verify()


def test_truncating_every_row_and_resetting_the_head_is_detected_against_the_anchor():
    # given: a chain anchored outside the database
    _entries()
    call_command("audit_anchor", stdout=io.StringIO())
    # when: everything is deleted and the head put back to the genesis state
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry")
        cur.execute("UPDATE core_audithead SET last_id = 0, last_hash = %s WHERE id = 1", [audit.GENESIS])
    # then
    with pytest.raises(CommandError, match="少于锚点"):
        _verify()


def test_deleting_the_tail_and_moving_the_head_back_is_detected_against_the_anchor():
    # given
    entries = _entries()
    call_command("audit_anchor", stdout=io.StringIO())
    # when: the last two rows go and the head points at the new last row (a hash the chain holds)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id >= %s", [entries[3].pk])
        cur.execute(
            "UPDATE core_audithead SET last_id = %s, last_hash = %s WHERE id = 1",
            [entries[2].pk, entries[2].hash],
        )
    # then
    with pytest.raises(CommandError, match=f"锚点记录第 {entries[4].pk} 条"):
        _verify()


def test_a_chain_recomputed_with_a_wrong_key_is_detected():
    # given
    entries = _entries()
    wrong = secrets.token_bytes(32)
    # when: the attacker knows the scheme but not the key
    _rechain_with_sql(
        lambda prev, e: hmac.new(
            wrong, (prev + "|" + audit._canonical(e)).encode(), hashlib.sha256
        ).hexdigest()
    )
    # then
    with pytest.raises(
        CommandError, match=f"第 {entries[0].pk} 条记录的内容被修改，或哈希链被不持有审计密钥者重算"
    ):
        _verify()


def test_a_rewritten_anchored_row_is_detected_even_if_the_tail_is_rebuilt():
    # given: an anchor, then the key leaks *after* it (worst case): a rewrite under the real key
    entries = _entries()
    call_command("audit_anchor", stdout=io.StringIO())
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET actor_username = 'mallory' WHERE id = %s", [entries[1].pk])
    _rechain_with_sql(lambda prev, e: audit.compute_hash(prev, e, audit.keys().active))
    # then: the chain itself holds, but the anchored row's hash is not the anchored one
    with pytest.raises(CommandError, match=f"第 {entries[4].pk} 条记录的哈希与锚点不符"):
        _verify()


# --- the key, the anchor file and the upgrade of an unkeyed chain ----------------------------------


def test_key_is_generated_on_first_use_0600_and_named_on_every_row(settings):
    # when
    entries = _entries(2)
    # then
    path = settings.AUDIT_KEYS_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["keys"]["a1"]["alg"] == "hmac-sha256"
    assert {e.key_id for e in AuditEntry.objects.filter(pk__in=[e.pk for e in entries])} == {"a1"}


def test_a_rotated_key_chains_new_rows_while_old_rows_keep_verifying():
    # given
    _entries(2)
    # when
    new_id = auditkeys.add_key()
    later = audit.record("test.after_rotation")
    # then
    assert (new_id, later.key_id) == ("a2", "a2")
    result = audit.verify()
    assert result.ok, result.message
    assert result.checked == 3


def test_a_row_without_key_id_is_refused():
    entries = _entries(3)
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET key_id = '' WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=f"第 {entries[1].pk} 条记录没有审计密钥标识"):
        _verify()


def test_anchor_is_signed_0600_and_checked(settings):
    # given
    entries = _entries(3)
    # when
    out = io.StringIO()
    call_command("audit_anchor", stdout=out)
    # then
    path = settings.AUDIT_ANCHOR_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    line = json.loads(path.read_text().splitlines()[-1])
    assert (line["last_id"], line["last_hash"], line["count"], line["key_id"]) == (
        entries[2].pk,
        entries[2].hash,
        3,
        "a1",
    )
    assert "与锚点一致" in _verify()
    # a later row is fine: the anchor only fixes what came before it
    audit.record("test.later")
    assert "共 4 条记录" in _verify()


def test_an_edited_anchor_fails_verification(settings):
    # given
    _entries(3)
    call_command("audit_anchor", stdout=io.StringIO())
    path = settings.AUDIT_ANCHOR_FILE
    # when: someone lowers the anchored count to match a truncated log
    line = json.loads(path.read_text())
    path.write_text(json.dumps({**line, "count": 1}) + "\n")
    # then
    with pytest.raises(CommandError, match="锚点文件第 1 行签名无效"):
        _verify()


def test_no_anchor_is_written_for_a_broken_chain(settings):
    entries = _entries(3)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match="未写锚点"):
        call_command("audit_anchor", stdout=io.StringIO())
    assert not settings.AUDIT_ANCHOR_FILE.exists()


def _make_legacy() -> None:
    """The chain as the code before the audit key wrote it: plain SHA-256, no key id."""
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET key_id = ''")
    _rechain_with_sql(_plain)


def test_migration_rekeys_an_unkeyed_chain_after_checking_it():
    # given
    entries = _entries(4)
    _make_legacy()
    with pytest.raises(CommandError, match="没有审计密钥标识"):
        _verify()
    # when: the data migration's function runs
    migration = importlib.import_module("ronghe.core.migrations.0004_rekey_audit_chain")
    from django.apps import apps

    migration.rekey(apps, None)
    # then
    assert "共 4 条记录" in _verify()
    assert set(AuditEntry.objects.values_list("key_id", flat=True)) == {"a1"}
    assert AuditHead.objects.get(id=1).last_id == entries[3].pk


def test_migration_refuses_a_broken_unkeyed_chain_and_changes_nothing():
    # given
    entries = _entries(4)
    _make_legacy()
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET event = 'x' WHERE id = %s", [entries[2].pk])
    before = list(AuditEntry.objects.order_by("id").values_list("hash", "key_id"))
    # when / then
    migration = importlib.import_module("ronghe.core.migrations.0004_rekey_audit_chain")
    from django.apps import apps

    with pytest.raises(RuntimeError, match=f"第 {entries[2].pk} 条记录的内容被修改"):
        migration.rekey(apps, None)
    assert list(AuditEntry.objects.order_by("id").values_list("hash", "key_id")) == before


def test_a_lost_key_file_is_not_silently_replaced(settings):
    # given: rows chained under the key, then the key file goes missing (not restored, not shared)
    entries = _entries(2)
    settings.AUDIT_KEYS_FILE.unlink()
    # when / then: no new key is generated behind the operator's back, and the check names the cause
    with pytest.raises(auditkeys.AuditKeyError, match="请从备份恢复 audit_keys.json"):
        audit.record("test.after_loss")
    assert not settings.AUDIT_KEYS_FILE.exists()
    with pytest.raises(
        CommandError, match=f"第 {entries[0].pk} 条记录使用了未知的审计密钥 a1：审计密钥文件缺失"
    ):
        _verify()


def test_anchor_can_also_go_to_syslog(monkeypatch):
    # given
    import syslog

    sent: list[str] = []
    monkeypatch.setattr(syslog, "openlog", lambda *a, **k: None)
    monkeypatch.setattr(syslog, "syslog", lambda priority, message: sent.append(message))
    entries = _entries(1)
    # when
    call_command("audit_anchor", "--syslog", stdout=io.StringIO())
    # then: the same signed line as in the file
    assert len(sent) == 1
    assert sent[0].startswith("audit-anchor ")
    assert json.loads(sent[0].removeprefix("audit-anchor "))["last_hash"] == entries[0].hash


def test_an_anchor_of_the_empty_log_verifies_and_later_rows_too():
    # given: a new installation anchored before anything was audited
    call_command("audit_anchor", stdout=io.StringIO())
    assert "共 0 条记录" in _verify()
    # when
    _entries(2)
    # then
    assert "共 2 条记录" in _verify()
