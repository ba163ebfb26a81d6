"""Field encryption: AES-256-GCM with a random nonce, and a keyed HMAC blind index for lookup.

Keys live in a JSON keyring in the data directory (generated on first use, never committed):
``{"active": "k2", "enc": {"k1": "<b64>", "k2": "<b64>"}, "mac": "<b64>"}``.
A token names the key it was written with (``k2$<b64 nonce+ciphertext>``), so rotation adds
a key, re-encrypts rows in place, and reads keep working throughout. The blind-index key is
stable so lookups never miss during a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


class DecryptionError(Exception):
    pass


@dataclass
class Keyring:
    active: str
    enc: dict[str, bytes]
    mac: bytes

    def to_json(self) -> str:
        return json.dumps(
            {
                "active": self.active,
                "enc": {k: base64.b64encode(v).decode() for k, v in self.enc.items()},
                "mac": base64.b64encode(self.mac).decode(),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        data = json.loads(text)
        return cls(
            active=data["active"],
            enc={k: base64.b64decode(v) for k, v in data["enc"].items()},
            mac=base64.b64decode(data["mac"]),
        )


_cache: dict[str, tuple[float, Keyring]] = {}


def _path() -> Path:
    return Path(settings.FIELD_KEYS_FILE)


def _write(path: Path, ring: Keyring) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(ring.to_json())
    os.replace(tmp, path)


# The key file is stat()ed at most once a second per process: an import encrypts two numbers per
# row, and a stat per value was a tenth of a 100,000-row import (bench/RESULTS.md). A rotation in
# this process (add_key) clears the cache at once; another process's rotation shows within a second.
_RECHECK_SECONDS = 1.0
_checked: dict[str, float] = {}


def keyring() -> Keyring:
    name = str(settings.FIELD_KEYS_FILE)
    cached = _cache.get(name)
    now = time.monotonic()
    if cached and now - _checked.get(name, 0.0) < _RECHECK_SECONDS:
        return cached[1]
    path = _path()
    if not path.exists():
        _write(path, Keyring(active="k1", enc={"k1": secrets.token_bytes(32)}, mac=secrets.token_bytes(32)))
    mtime = path.stat().st_mtime
    _checked[name] = now
    if cached and cached[0] == mtime:
        return cached[1]
    ring = Keyring.from_json(path.read_text(encoding="utf-8"))
    _cache[name] = (mtime, ring)
    return ring


def add_key() -> str:
    """Add a new encryption key and make it active; return its id."""
    ring = keyring()
    n = max(int(k[1:]) for k in ring.enc) + 1
    new_id = f"k{n}"
    ring = Keyring(active=new_id, enc={**ring.enc, new_id: secrets.token_bytes(32)}, mac=ring.mac)
    _write(_path(), ring)
    _cache.clear()
    _checked.clear()
    return new_id


def encrypt(plaintext: str, purpose: str) -> str:
    ring = keyring()
    nonce = secrets.token_bytes(12)
    ct = AESGCM(ring.enc[ring.active]).encrypt(nonce, plaintext.encode("utf-8"), purpose.encode())
    return f"{ring.active}${base64.b64encode(nonce + ct).decode()}"


def decrypt(token: str, purpose: str) -> str:
    if not token:
        return ""
    try:
        key_id, payload = token.split("$", 1)
        raw = base64.b64decode(payload)
        key = keyring().enc[key_id]
        return AESGCM(key).decrypt(raw[:12], raw[12:], purpose.encode()).decode("utf-8")
    except Exception as exc:  # noqa: BLE001 - any failure is an integrity failure
        raise DecryptionError("密文无法解密或已被篡改") from exc


def key_id_of(token: str) -> str:
    return token.split("$", 1)[0] if token else ""


def blind_index(value: str, purpose: str) -> str:
    """A keyed, deterministic digest of a normalised value, for exact lookup and uniqueness."""
    return hmac.new(keyring().mac, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


class BatchCipher:
    """`encrypt` and `blind_index` for many values at once (a roster import): the same tokens and
    digests, with one AESGCM object for the key active when the batch starts and nonces drawn from
    the CSPRNG 1,024 at a time instead of one system call each."""

    NONCES = 1024

    def __init__(self) -> None:
        ring = keyring()
        self._prefix = f"{ring.active}$"
        self._aead = AESGCM(ring.enc[ring.active])
        self._mac = ring.mac
        self._nonces = b""
        self._at = 0

    def encrypt(self, plaintext: str, purpose: str) -> str:
        if self._at >= len(self._nonces):
            self._nonces, self._at = secrets.token_bytes(12 * self.NONCES), 0
        nonce = self._nonces[self._at : self._at + 12]
        self._at += 12
        ct = self._aead.encrypt(nonce, plaintext.encode("utf-8"), purpose.encode())
        return self._prefix + base64.b64encode(nonce + ct).decode()

    def blind_index(self, value: str, purpose: str) -> str:
        return hmac.new(self._mac, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
