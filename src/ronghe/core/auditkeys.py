"""The audit chain's keys, kept outside the database like the field keys (core.crypto).

A JSON file in the data directory (``settings.AUDIT_KEYS_FILE``), generated on first use, mode 0600:
``{"active": "a1", "keys": {"a1": {"alg": "hmac-sha256", "key": "<b64>"}}}``.
Every audit row stores the id of the key its hash was computed with, so a new key can be added
and made active (`add_key`) while older rows keep verifying under theirs. The algorithm belongs
to the key, not to the code path: ``hmac-sha256`` or ``hmac-sm3`` (GB/T 32905, for 密评), chosen for
the first key by settings.RONGHE_CRYPTO and for a new key by `add_key` (`rotate_keys --algorithm`),
without changing the row format.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ronghe.core.crypto import FAMILIES, hmac_hex

DEFAULT_ALG = "hmac-sha256"
ALGORITHMS = ("hmac-sha256", "hmac-sm3")


def default_alg() -> str:
    """The first key's algorithm: HMAC-SM3 when the deployment chose 国密 (RONGHE_CRYPTO=sm4)."""
    return FAMILIES[str(getattr(settings, "RONGHE_CRYPTO", "aes"))][1]


class AuditKeyError(Exception):
    pass


@dataclass(frozen=True)
class AuditKey:
    id: str
    alg: str
    secret: bytes

    def mac(self, data: bytes) -> str:
        return hmac_hex(self.alg, self.secret, data)


@dataclass(frozen=True)
class AuditKeyring:
    active_id: str
    keys: dict[str, AuditKey]

    @property
    def active(self) -> AuditKey:
        return self.keys[self.active_id]

    def get(self, key_id: str) -> AuditKey | None:
        return self.keys.get(key_id)

    def to_json(self) -> str:
        return json.dumps(
            {
                "active": self.active_id,
                "keys": {
                    k.id: {"alg": k.alg, "key": base64.b64encode(k.secret).decode()}
                    for k in self.keys.values()
                },
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> AuditKeyring:
        data = json.loads(text)
        keys = {
            kid: AuditKey(kid, spec["alg"], base64.b64decode(spec["key"]))
            for kid, spec in data["keys"].items()
        }
        for key in keys.values():
            if key.alg not in ALGORITHMS:
                raise AuditKeyError(f"审计密钥 {key.id} 的算法 {key.alg} 不受支持")
        if data["active"] not in keys:
            raise AuditKeyError(f"审计密钥文件中没有当前密钥 {data['active']}")
        return cls(active_id=data["active"], keys=keys)


def _path() -> Path:
    return Path(settings.AUDIT_KEYS_FILE)


def _write_tmp(path: Path, ring: AuditKeyring) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(ring.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def _create_once(path: Path) -> None:
    """Generate the first key unless another process just did: link() refuses an existing name, so
    two workers starting together never chain rows under two different first keys."""
    tmp = _write_tmp(path, AuditKeyring("a1", {"a1": AuditKey("a1", default_alg(), secrets.token_bytes(32))}))
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


_cache: dict[str, tuple[int, AuditKeyring]] = {}


def load() -> AuditKeyring | None:
    """The keyring, or None while the file does not exist; re-read when the file changes."""
    path = _path()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    cached = _cache.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    ring = AuditKeyring.from_json(path.read_text(encoding="utf-8"))
    _cache[str(path)] = (mtime, ring)
    return ring


def keys() -> AuditKeyring:
    """The keyring, generated on first use. `audit.record` calls it only while the log is empty: a
    missing file next to existing rows means a lost key, which must be restored, not replaced."""
    ring = load()
    if ring is None:
        _create_once(_path())
        ring = load()
        assert ring is not None
    return ring


def add_key(alg: str = DEFAULT_ALG) -> str:
    """Add a key and make it active; rows already written keep verifying under their own key."""
    if alg not in ALGORITHMS:
        raise AuditKeyError(f"算法 {alg} 不受支持")
    ring = keys()
    new_id = f"a{max(int(k[1:]) for k in ring.keys) + 1}"
    ring = AuditKeyring(new_id, {**ring.keys, new_id: AuditKey(new_id, alg, secrets.token_bytes(32))})
    path = _path()
    os.replace(_write_tmp(path, ring), path)
    _cache.clear()
    return new_id
