"""Re-key the audit chain written before the audit key existed (issue 17, finding 4).

Checks every row under the old plain SHA-256 first and refuses (changing nothing) if that chain is
already broken, then recomputes every link and hash as HMAC under the audit key in the data
directory (generated here on first use). A fresh database has no rows and nothing happens.
Not reversible: the old code cannot read keyed hashes.
"""

from typing import Any

from django.db import migrations


def rekey(apps: Any, schema_editor: Any) -> None:
    from ronghe.core import audit

    try:
        audit.rekey_legacy(apps.get_model("core", "AuditEntry"), apps.get_model("core", "AuditHead"))
    except audit.LegacyChainError as exc:
        raise RuntimeError(
            f"旧审计哈希链校验失败，未重算（数据未改动）：{exc}。"
            "审计记录在升级前已被改动，请先调查并保全数据库备份，再决定如何处理。"
        ) from exc


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_auditentry_key_id"),
    ]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop, elidable=False),
    ]
