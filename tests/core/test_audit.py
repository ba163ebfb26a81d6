import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ronghe.core import audit
from ronghe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _three_entries():
    return [
        audit.record(f"test.event{i}", object_type="t", object_id=str(i), changes={"n": i}) for i in range(3)
    ]


def test_entries_chain_and_verify_passes():
    # given
    entries = _three_entries()
    # when
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    # then
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert "共 3 条记录" in out.getvalue()


def test_verify_names_altered_row():
    # given
    entries = _three_entries()
    # when: a privileged connection changes a row behind the ORM's back
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE core_auditentry SET actor_username = %s WHERE id = %s", ["mallory", entries[1].pk]
        )
    # then
    with pytest.raises(CommandError, match=f"第 {entries[1].pk} 条记录的内容被修改"):
        call_command("audit_verify", stdout=io.StringIO())


def test_verify_names_row_after_deleted_one():
    # given
    entries = _three_entries()
    # when
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    # then: the entry after the gap no longer links to its predecessor
    with pytest.raises(CommandError, match=f"第 {entries[2].pk} 条记录的前序哈希不符"):
        call_command("audit_verify", stdout=io.StringIO())


def test_verify_detects_truncated_tail():
    entries = _three_entries()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    with pytest.raises(CommandError, match="尾部记录被删除"):
        call_command("audit_verify", stdout=io.StringIO())


def test_orm_cannot_update_or_delete_entries():
    entry = _three_entries()[0]
    entry.event = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(event="x")
    assert AuditEntry.objects.filter(event="changed").count() == 0


def test_update_diff_records_before_and_after():
    changes = audit.diff({"name": "张三", "status": "probationary"}, {"name": "张三", "status": "full"})
    assert changes == {"status": ["probationary", "full"]}
