"""The append-only, hash-chained audit log: `record()` writes, `verify()` checks the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from ronghe.core.models import AuditEntry, AuditHead
from ronghe.core.requestctx import current_context
from ronghe.core.types import Actor

GENESIS = "0" * 64
_HASHED_FIELDS = (
    "created_at",
    "actor_username",
    "role",
    "ip",
    "request_id",
    "event",
    "object_type",
    "object_id",
    "object_repr",
    "org_path",
    "outcome",
    "changes",
)


def _canonical(entry: AuditEntry) -> str:
    data: dict[str, Any] = {}
    for name in _HASHED_FIELDS:
        value = getattr(entry, name)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        data[name] = value
    data["actor_id"] = entry.actor_id
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + "|" + _canonical(entry)).encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def record(
    event: str,
    *,
    actor: Actor | None = None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    outcome: str = "success",
    org_path: str = "",
    username: str = "",
) -> AuditEntry:
    """Append one audit row, chained to the previous one under a lock."""
    ctx = current_context()
    if actor is None and ctx.user is not None and ctx.user.is_authenticated:
        actor = ctx.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "code", None) or obj.pk)
        object_repr = object_repr or str(obj)[:200]
        org = getattr(obj, "audit_org_path", None)
        org_path = org_path or (org() if callable(org) else (org or ""))
    entry = AuditEntry(
        created_at=datetime.now(UTC),
        actor_id=actor.pk if actor is not None and actor.pk else None,
        actor_username=username or (actor.username if actor is not None else ""),
        role=ctx.role,
        ip=ctx.ip,
        request_id=ctx.request_id,
        event=event,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        org_path=org_path,
        outcome=outcome,
        changes=_jsonable(changes or {}),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(727001)")
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entry.prev_hash = head.last_hash
        entry.hash = compute_hash(entry.prev_hash, entry)
        entry.save()
        AuditHead.objects.filter(id=1).update(last_id=entry.pk, last_hash=entry.hash)
    return entry


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Fields that changed, as {field: [before, after]}."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    message: str = ""


def verify(batch: int = 5000) -> VerifyResult:
    """Walk the chain in id order; name the first entry whose hash or link does not hold."""
    prev = GENESIS
    checked = 0
    last_id = 0
    qs = AuditEntry.objects.order_by("id")
    while True:
        rows = list(qs.filter(id__gt=last_id)[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.prev_hash != prev:
                return VerifyResult(
                    False, checked, entry.pk, f"第 {entry.pk} 条记录的前序哈希不符：其前面的记录被删除或修改"
                )
            if compute_hash(prev, entry) != entry.hash:
                return VerifyResult(False, checked, entry.pk, f"第 {entry.pk} 条记录的内容被修改")
            prev = entry.hash
            last_id = entry.pk
            checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash != prev or head.last_id != last_id):
        return VerifyResult(
            False,
            checked,
            head.last_id,
            f"链头记录第 {head.last_id} 条，但日志在第 {last_id} 条结束：尾部记录被删除",
        )
    return VerifyResult(True, checked)
