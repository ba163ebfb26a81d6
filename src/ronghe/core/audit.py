"""The append-only, keyed hash chain of audit rows: `record()` writes, `verify()` checks the chain
against its head and the newest signed anchor outside the database, `write_anchor()` adds one.

Each row's hash is HMAC(audit key, prev_hash | canonical row) with a key from core.auditkeys,
which lives in the data directory and never in the database: someone who can write the database
can delete or change rows but cannot recompute a chain that verifies. The anchors (signed heads in
``settings.AUDIT_ANCHOR_FILE``) catch what a chain alone cannot: a truncated log, or one rewritten
after the anchor by someone who did get the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, QuerySet

from ronghe.core import auditkeys, dbfeatures
from ronghe.core.auditkeys import AuditKey, AuditKeyring, keys
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


def compute_hash(prev_hash: str, entry: AuditEntry, key: AuditKey) -> str:
    return key.mac((prev_hash + "|" + _canonical(entry)).encode("utf-8"))


def legacy_hash(prev_hash: str, entry: AuditEntry) -> str:
    """The unkeyed SHA-256 of rows written before the chain was keyed (read by migration 0004 only)."""
    return hashlib.sha256((prev_hash + "|" + _canonical(entry)).encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def entry(
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
    system: bool = False,
) -> AuditEntry:
    """An audit row not yet chained nor stored (`append` stores it). Without an actor the request's
    user is the actor, unless `system`: what the platform does by itself during someone's request (a
    started meeting becoming held on a page view) is not that person's act."""
    ctx = current_context()
    if actor is None and not system and ctx.user is not None and ctx.user.is_authenticated:
        actor = ctx.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "code", None) or obj.pk)
        object_repr = object_repr or str(obj)[:200]
        org = getattr(obj, "audit_org_path", None)
        org_path = org_path or (org() if callable(org) else (org or ""))
    return AuditEntry(
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
    system: bool = False,
) -> AuditEntry:
    """Append one audit row, chained to the previous one under a lock."""
    row = entry(
        event,
        actor=actor,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes,
        outcome=outcome,
        org_path=org_path,
        username=username,
        system=system,
    )
    append([row])
    return row


def append(entries: list[AuditEntry]) -> None:
    """Chain and store rows (`entry`) in their order under one lock: a batch of writes (a KPI batch
    from a business system) is audited row by row at the cost of one."""
    if not entries:
        return
    ring = auditkeys.load()
    # Inside a caller's transaction no savepoint: the rows belong to the caller's write and go (or
    # roll back) with it; a savepoint was two more statements per audited write. A refusal is raised
    # once the block is left, so a caller that handles it still has a usable transaction.
    refused = None
    with transaction.atomic(savepoint=False):
        _lock()
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        if ring is None:
            # read again under the lock: a concurrent first record may have made the keys meanwhile
            # (40 check-ins racing on a fresh site found the file missing and a record present)
            ring = auditkeys.load()
        if ring is None and head.last_id:
            refused = auditkeys.AuditKeyError(
                "审计密钥文件缺失，而数据库中已有审计记录：请从备份恢复 audit_keys.json，不要让系统重新生成"
            )
        else:
            _chain(entries, head, ring or auditkeys.keys())
    if refused is not None:
        raise refused


def _chain(entries: list[AuditEntry], head: AuditHead, ring: auditkeys.AuditKeyring) -> None:
    """Chain `entries` after the head's last hash under the active key, store them, move the head."""
    key = ring.active
    prev = head.last_hash
    for row in entries:
        row.prev_hash = prev
        row.key_id = key.id
        row.hash = prev = compute_hash(prev, row, key)
    if len(entries) == 1:
        entries[0].save()
    else:
        AuditEntry.objects.bulk_create(entries, batch_size=500)
    last = entries[-1]
    if last.pk is None:  # a database that does not return ids from a bulk insert
        last.pk = AuditEntry.objects.filter(hash=last.hash).values_list("pk", flat=True).get()
    AuditHead.objects.filter(id=1).update(last_id=last.pk, last_hash=last.hash)


def _lock() -> None:
    """Serialise chain writers; the head's row lock below does it too, the advisory lock (a PostgreSQL
    fast path, core.dbfeatures) also covers the first write, before the head row exists."""
    if dbfeatures.enabled("advisory_lock"):
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(727001)")


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Fields that changed, as {field: [before, after]}."""
    names = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in names if before.get(k) != after.get(k)}


# --- anchors: signed heads outside the database -------------------------------------------------


class AnchorError(Exception):
    """The anchor file cannot be trusted (unreadable, unsigned, signed with an unknown key)."""


@dataclass(frozen=True)
class Anchor:
    last_id: int
    last_hash: str
    count: int
    at: str
    key_id: str
    mac: str = ""

    def payload(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k != "mac"}
        return ("ronghe-audit-anchor|" + json.dumps(fields, sort_keys=True, separators=(",", ":"))).encode()

    def to_line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def anchors() -> list[Anchor]:
    """Every anchor in the file, oldest first, each checked against its key; AnchorError names a bad line."""
    path = _anchor_path()
    if not path.exists():
        return []
    ring = auditkeys.load() or AuditKeyring("", {})
    found: list[Anchor] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                anchor = Anchor(**json.loads(line))
            except (ValueError, TypeError) as exc:
                raise AnchorError(f"锚点文件第 {n} 行无法读取") from exc
            key = ring.get(anchor.key_id)
            if key is None:
                raise AnchorError(f"锚点文件第 {n} 行使用了未知的审计密钥 {anchor.key_id}")
            if not hmac.compare_digest(key.mac(anchor.payload()), anchor.mac):
                raise AnchorError(f"锚点文件第 {n} 行签名无效：锚点被改动")
            found.append(anchor)
    return found


def write_anchor(result: VerifyResult, *, to_syslog: bool = False) -> Anchor:
    """Append a signed head for a chain `verify()` has just passed (its last id, hash and count)."""
    if not result.ok:
        raise AnchorError("审计日志未通过校验，不写锚点")
    key = keys().active
    anchor = Anchor(
        last_id=result.last_id,
        last_hash=result.last_hash,
        count=result.checked,
        at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        key_id=key.id,
    )
    anchor = Anchor(**{**asdict(anchor), "mac": key.mac(anchor.payload())})
    path = _anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(anchor.to_line() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    if to_syslog:
        import syslog  # Unix only, and only wanted here

        syslog.openlog("ronghe-audit", 0, syslog.LOG_AUTH)
        syslog.syslog(syslog.LOG_NOTICE, "audit-anchor " + anchor.to_line())
    return anchor


# --- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    message: str = ""
    last_id: int = 0
    last_hash: str = GENESIS
    anchor: Anchor | None = None


def _rows(qs: QuerySet[Any], batch: int) -> Iterator[Any]:
    last_id = 0
    while True:
        rows = list(qs.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        last_id = rows[-1].pk


def _fail(checked: int, broken_id: int | None, message: str, anchor: Anchor | None = None) -> VerifyResult:
    return VerifyResult(False, checked, broken_id, message, anchor=anchor)


def verify(batch: int = 5000) -> VerifyResult:
    """Walk the chain in id order under the audit keys, then check it against its head and the
    newest anchor; name the first entry whose hash or link does not hold, or what the anchor says is gone."""
    ring = auditkeys.load() or AuditKeyring("", {})
    try:
        found = anchors()
    except AnchorError as exc:
        return _fail(0, None, str(exc))
    anchor = found[-1] if found else None
    prev = GENESIS
    checked = 0
    last_id = 0
    # (hash, rows so far) at the anchored id; an anchor of the empty log holds the genesis state
    at_anchor: tuple[str, int] | None = (GENESIS, 0) if anchor is not None and anchor.last_id == 0 else None
    for entry in _rows(AuditEntry.objects.all(), batch):
        if entry.prev_hash != prev:
            return _fail(checked, entry.pk, f"第 {entry.pk} 条记录的前序哈希不符：其前面的记录被删除或修改")
        key = ring.get(entry.key_id)
        if key is None:
            why = (
                f"使用了未知的审计密钥 {entry.key_id}：审计密钥文件缺失或不完整，或记录被伪造"
                if entry.key_id
                else "没有审计密钥标识：由不持有审计密钥者写入或改写"
            )
            return _fail(checked, entry.pk, f"第 {entry.pk} 条记录{why}")
        if not hmac.compare_digest(compute_hash(prev, entry, key), entry.hash):
            how = "（按无密钥的 SHA-256 重算）" if legacy_hash(prev, entry) == entry.hash else ""
            return _fail(
                checked, entry.pk, f"第 {entry.pk} 条记录的内容被修改，或哈希链被不持有审计密钥者重算{how}"
            )
        prev = entry.hash
        last_id = entry.pk
        checked += 1
        if anchor is not None and entry.pk == anchor.last_id:
            at_anchor = (entry.hash, checked)
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash != prev or head.last_id != last_id):
        return _fail(
            checked,
            head.last_id,
            f"链头记录第 {head.last_id} 条，但日志在第 {last_id} 条结束：尾部记录被删除",
        )
    if anchor is not None:
        since = f"锚点记录第 {anchor.last_id} 条、共 {anchor.count} 条（{anchor.at}）"
        if last_id < anchor.last_id or checked < anchor.count:
            return _fail(
                checked,
                anchor.last_id,
                f"审计记录少于锚点：{since}，数据库中只有 {checked} 条、在第 {last_id} 条结束：记录被删除",
                anchor,
            )
        if at_anchor is None:
            return _fail(
                checked, anchor.last_id, f"{since}，但第 {anchor.last_id} 条记录不存在：记录被删除", anchor
            )
        if not hmac.compare_digest(at_anchor[0], anchor.last_hash):
            return _fail(
                checked,
                anchor.last_id,
                f"第 {anchor.last_id} 条记录的哈希与锚点不符：日志在锚点之前被重写",
                anchor,
            )
        if at_anchor[1] != anchor.count:
            return _fail(
                checked,
                anchor.last_id,
                f"{since}，数据库中截至该条有 {at_anchor[1]} 条：记录被删除或插入",
                anchor,
            )
    return VerifyResult(True, checked, last_id=last_id, last_hash=prev, anchor=anchor)


# --- re-keying the unkeyed chain (migration 0004) --------------------------------------------------


class LegacyChainError(Exception):
    pass


def rekey_legacy(entry_model: type[Model], head_model: type[Model], batch: int = 2000) -> int:
    """Re-key a chain written before the audit key existed: first check every unkeyed row under the
    old plain SHA-256 (refusing, and changing nothing, if the chain is broken), then rewrite every
    row's link and hash under the active audit key and move the head. Takes the models so the
    migration can pass its historical ones; writes through a plain QuerySet, since the audit
    manager refuses updates. Returns the number of rows re-keyed."""
    qs: QuerySet[Any] = QuerySet(model=entry_model)
    if not qs.filter(key_id="").exists():
        return 0
    ring = keys()
    prev = GENESIS
    for entry in _rows(qs, batch):
        if entry.prev_hash != prev:
            raise LegacyChainError(f"第 {entry.pk} 条记录的前序哈希不符")
        key = ring.get(entry.key_id)
        expected = compute_hash(prev, entry, key) if key is not None else legacy_hash(prev, entry)
        if (entry.key_id and key is None) or expected != entry.hash:
            raise LegacyChainError(f"第 {entry.pk} 条记录的内容被修改")
        prev = entry.hash
    key = ring.active
    prev = GENESIS
    last_id = 0
    count = 0
    with transaction.atomic():
        _lock()
        pending: list[Any] = []
        for entry in _rows(qs, batch):
            entry.prev_hash = prev
            entry.key_id = key.id
            entry.hash = compute_hash(prev, entry, key)
            prev, last_id = entry.hash, entry.pk
            pending.append(entry)
            if len(pending) >= batch:
                qs.bulk_update(pending, ["prev_hash", "hash", "key_id"])
                count += len(pending)
                pending = []
        qs.bulk_update(pending, ["prev_hash", "hash", "key_id"])
        count += len(pending)
        QuerySet(model=head_model).update_or_create(id=1, defaults={"last_id": last_id, "last_hash": prev})
    return count
