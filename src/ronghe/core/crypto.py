"""Field encryption (AES-256-GCM or SM4-GCM, random nonce) and a keyed blind index (HMAC-SHA256 or
HMAC-SM3) for lookup. The algorithm belongs to the key, so one deployment can move between them.

Keys live in a JSON keyring in the data directory (generated on first use, never committed)::

    {"active": "k2",
     "enc": {"k1": {"alg": "aes-256-gcm", "key": "<b64>"}, "k2": {"alg": "sm4-gcm", "key": "<b64>"}},
     "mac": {"active": "m2", "previous": "m1",
             "keys": {"m1": {"alg": "hmac-sha256", "key": "<b64>"}, "m2": {"alg": "hmac-sm3", "key": "<b64>"}}}}

A token names the key it was written with (``k2$<b64 nonce+ciphertext+tag>``), so rotation adds a
key, re-encrypts rows in place, and reads keep working throughout. A blind index does not name its
key (the columns hold 64 hex characters, and both MACs give 32 bytes): while ``mac.previous`` is set
(`rotate_keys` is rebuilding the indexes under a new MAC key), writes use the active MAC key and
lookups try both (`blind_indexes`), so a lookup never misses mid-move. The file written by earlier
versions (``"enc": {"k1": "<b64>"}, "mac": "<b64>"``) reads as AES-256-GCM keys and one HMAC-SHA256 key.

SM4 (GB/T 32907) and SM3 (GB/T 32905) come from `cryptography`'s bundled OpenSSL: SM4 in GCM mode
through the `Cipher` API (there is no SM4 AEAD class), with the same nonce ‖ ciphertext ‖ 16-byte tag
layout as AES-GCM; known-answer tests in tests/core/test_guomi.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as chmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

# Encryption algorithms and their key sizes in bytes; MAC algorithms; the two families an operator
# chooses between (RONGHE_CRYPTO / `rotate_keys --algorithm`).
ENC_ALGORITHMS = {"aes-256-gcm": 32, "sm4-gcm": 16}
MAC_ALGORITHMS = ("hmac-sha256", "hmac-sm3")
FAMILIES = {"aes": ("aes-256-gcm", "hmac-sha256"), "sm4": ("sm4-gcm", "hmac-sm3")}
_TAG = 16


class DecryptionError(Exception):
    pass


class KeyringError(Exception):
    pass


@dataclass(frozen=True)
class FieldKey:
    alg: str
    secret: bytes


@dataclass(frozen=True)
class Keyring:
    active: str
    enc: dict[str, FieldKey]
    mac_active: str
    macs: dict[str, FieldKey]
    mac_previous: str | None = None
    _aeads: dict[str, _Aead] = field(default_factory=dict, compare=False, repr=False)

    @property
    def mac(self) -> FieldKey:
        return self.macs[self.mac_active]

    @property
    def family(self) -> str:
        """`aes` or `sm4` when the active encryption and MAC keys agree, else `mixed`."""
        pair = (self.enc[self.active].alg, self.mac.alg)
        return next((name for name, algs in FAMILIES.items() if algs == pair), "mixed")

    def aead(self, key_id: str) -> _Aead:
        found = self._aeads.get(key_id)
        if found is None:
            found = self._aeads[key_id] = _aead(self.enc[key_id])
        return found

    def lookup_macs(self) -> list[FieldKey]:
        """The MAC keys a lookup must try: the active one, and the previous one while indexes move."""
        keys = [self.mac]
        if self.mac_previous and self.mac_previous != self.mac_active:
            keys.append(self.macs[self.mac_previous])
        return keys

    def to_json(self) -> str:
        def spec(k: FieldKey) -> dict[str, str]:
            return {"alg": k.alg, "key": base64.b64encode(k.secret).decode()}

        mac: dict[str, object] = {
            "active": self.mac_active,
            "keys": {i: spec(k) for i, k in self.macs.items()},
        }
        if self.mac_previous:
            mac["previous"] = self.mac_previous
        return json.dumps(
            {"active": self.active, "enc": {i: spec(k) for i, k in self.enc.items()}, "mac": mac}, indent=2
        )

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        data = json.loads(text)

        def key(raw: object, default_alg: str) -> FieldKey:
            if isinstance(raw, str):  # the format before algorithms were named
                return FieldKey(default_alg, base64.b64decode(raw))
            assert isinstance(raw, dict)
            return FieldKey(raw["alg"], base64.b64decode(raw["key"]))

        enc = {kid: key(raw, "aes-256-gcm") for kid, raw in data["enc"].items()}
        mac = data["mac"]
        if isinstance(mac, str):
            macs, mac_active, previous = {"m1": key(mac, "hmac-sha256")}, "m1", None
        else:
            macs = {kid: key(raw, "hmac-sha256") for kid, raw in mac["keys"].items()}
            mac_active, previous = mac["active"], mac.get("previous")
        for kid, k in enc.items():
            if k.alg not in ENC_ALGORITHMS or len(k.secret) != ENC_ALGORITHMS[k.alg]:
                raise KeyringError(f"字段加密密钥 {kid} 的算法 {k.alg} 不受支持或密钥长度不符")
        for kid, k in macs.items():
            if k.alg not in MAC_ALGORITHMS:
                raise KeyringError(f"盲索引密钥 {kid} 的算法 {k.alg} 不受支持")
        if data["active"] not in enc or mac_active not in macs or (previous and previous not in macs):
            raise KeyringError("字段加密密钥文件中缺少当前密钥")
        return cls(data["active"], enc, mac_active, macs, previous)


class _Aead(Protocol):
    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes: ...
    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes: ...


class SM4GCM:
    """SM4 in GCM mode with AESGCM's interface: returns ciphertext ‖ 16-byte tag."""

    def __init__(self, key: bytes) -> None:
        self._algorithm = algorithms.SM4(key)

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        enc = Cipher(self._algorithm, modes.GCM(nonce)).encryptor()
        if associated_data:
            enc.authenticate_additional_data(associated_data)
        ct = enc.update(data) + enc.finalize()
        return ct + enc.tag

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        if len(data) < _TAG:
            raise ValueError("ciphertext shorter than its tag")
        dec = Cipher(self._algorithm, modes.GCM(nonce, data[-_TAG:])).decryptor()
        if associated_data:
            dec.authenticate_additional_data(associated_data)
        return dec.update(data[:-_TAG]) + dec.finalize()


def _aead(key: FieldKey) -> _Aead:
    return AESGCM(key.secret) if key.alg == "aes-256-gcm" else SM4GCM(key.secret)


def hmac_hex(alg: str, key: bytes, data: bytes) -> str:
    """HMAC-SHA256 (the standard library) or HMAC-SM3 (`cryptography`, whatever Python's OpenSSL has)."""
    if alg == "hmac-sha256":
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    if alg == "hmac-sm3":
        h = chmac.HMAC(key, hashes.SM3())
        h.update(data)
        return h.finalize().hex()
    raise KeyringError(f"算法 {alg} 不受支持")


def sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


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
    _cache.clear()
    _checked.clear()


def configured_family() -> str:
    """The family a new installation's keys are generated in (settings.RONGHE_CRYPTO)."""
    return str(getattr(settings, "RONGHE_CRYPTO", "aes"))


def _new_key(alg: str) -> FieldKey:
    return FieldKey(alg, secrets.token_bytes(ENC_ALGORITHMS.get(alg, 32)))


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
        enc_alg, mac_alg = FAMILIES[configured_family()]
        _write(path, Keyring("k1", {"k1": _new_key(enc_alg)}, "m1", {"m1": _new_key(mac_alg)}))
    mtime = path.stat().st_mtime
    _checked[name] = now
    if cached and cached[0] == mtime:
        return cached[1]
    ring = Keyring.from_json(path.read_text(encoding="utf-8"))
    _cache[name] = (mtime, ring)
    return ring


def add_key(alg: str | None = None) -> str:
    """Add a new encryption key (by default in the active key's algorithm) and make it active."""
    ring = keyring()
    alg = alg or ring.enc[ring.active].alg
    if alg not in ENC_ALGORITHMS:
        raise KeyringError(f"算法 {alg} 不受支持")
    new_id = f"k{max(int(k[1:]) for k in ring.enc) + 1}"
    _write(_path(), replace(ring, active=new_id, enc={**ring.enc, new_id: _new_key(alg)}, _aeads={}))
    return new_id


def rotate(enc_alg: str | None = None, mac_alg: str | None = None) -> tuple[str, str | None]:
    """Add a new encryption key (in `enc_alg`, by default the active key's) and, when `mac_alg` is
    given, a new MAC key whose move `begin_mac_move` describes, in one write of the file: no process
    ever sees a token under the new key beside an index under the old MAC key alone. Returns the new
    ids (the MAC id None when the MAC key stays)."""
    ring = keyring()
    enc_alg = enc_alg or ring.enc[ring.active].alg
    if enc_alg not in ENC_ALGORITHMS or (mac_alg and mac_alg not in MAC_ALGORITHMS):
        raise KeyringError(f"算法 {enc_alg}/{mac_alg} 不受支持")
    if mac_alg and ring.mac_previous:
        raise KeyringError(f"盲索引正从 {ring.mac_previous} 迁往 {ring.mac_active}：先用 --resume 完成")
    enc_id = f"k{max(int(k[1:]) for k in ring.enc) + 1}"
    ring = replace(ring, active=enc_id, enc={**ring.enc, enc_id: _new_key(enc_alg)}, _aeads={})
    mac_id = None
    if mac_alg:
        mac_id = f"m{max(int(k[1:]) for k in ring.macs) + 1}"
        macs = {**ring.macs, mac_id: _new_key(mac_alg)}
        ring = replace(ring, mac_active=mac_id, macs=macs, mac_previous=ring.mac_active)
    _write(_path(), ring)
    return enc_id, mac_id


def begin_mac_move(alg: str) -> str:
    """Add a MAC key and make it active, keeping the old one as `previous` so lookups try both until
    `end_mac_move` (after every stored index is rebuilt). Returns the new MAC key's id."""
    ring = keyring()
    if alg not in MAC_ALGORITHMS:
        raise KeyringError(f"算法 {alg} 不受支持")
    if ring.mac_previous:
        raise KeyringError(f"盲索引正从 {ring.mac_previous} 迁往 {ring.mac_active}：先用 --resume 完成")
    new_id = f"m{max(int(k[1:]) for k in ring.macs) + 1}"
    macs = {**ring.macs, new_id: _new_key(alg)}
    _write(_path(), replace(ring, mac_active=new_id, macs=macs, mac_previous=ring.mac_active, _aeads={}))
    return new_id


def end_mac_move() -> None:
    """Stop trying the previous MAC key in lookups. It stays in the file: recovery-code digests
    cannot be recomputed (only the digest is stored), so `digest_matches` keeps trying every key."""
    ring = keyring()
    if ring.mac_previous:
        _write(_path(), replace(ring, mac_previous=None, _aeads={}))


def mac_moving() -> bool:
    return keyring().mac_previous is not None


def encrypt(plaintext: str, purpose: str) -> str:
    ring = keyring()
    nonce = secrets.token_bytes(12)
    ct = ring.aead(ring.active).encrypt(nonce, plaintext.encode("utf-8"), purpose.encode())
    return f"{ring.active}${base64.b64encode(nonce + ct).decode()}"


def decrypt(token: str, purpose: str) -> str:
    if not token:
        return ""
    try:
        key_id, payload = token.split("$", 1)
        raw = base64.b64decode(payload)
        return keyring().aead(key_id).decrypt(raw[:12], raw[12:], purpose.encode()).decode("utf-8")
    except Exception as exc:  # noqa: BLE001 - any failure is an integrity failure
        raise DecryptionError("密文无法解密或已被篡改") from exc


def key_id_of(token: str) -> str:
    return token.split("$", 1)[0] if token else ""


def blind_index(value: str, purpose: str) -> str:
    """A keyed, deterministic digest of a normalised value, for exact lookup and uniqueness (the
    active MAC key: what a write stores)."""
    key = keyring().mac
    return hmac_hex(key.alg, key.secret, f"{purpose}:{value}".encode())


def blind_indexes(value: str, purpose: str) -> list[str]:
    """Every digest a stored row may hold for this value: the active MAC key's first, then the
    previous key's while `rotate_keys` is rebuilding indexes. Lookups filter on `__in` this list."""
    data = f"{purpose}:{value}".encode()
    return [hmac_hex(k.alg, k.secret, data) for k in keyring().lookup_macs()]


def all_digests(value: str, purpose: str) -> list[str]:
    """The digest under every MAC key in the file, for digests that cannot be rebuilt because the
    value is not stored (two-factor recovery codes)."""
    data = f"{purpose}:{value}".encode()
    ring = keyring()
    keys = [ring.mac, *(k for i, k in sorted(ring.macs.items()) if i != ring.mac_active)]
    return [hmac_hex(k.alg, k.secret, data) for k in keys]


class BatchCipher:
    """`encrypt` and `blind_index` for many values at once (a roster import): the same tokens and
    digests, with one cipher object for the key active when the batch starts and nonces drawn from
    the CSPRNG 1,024 at a time instead of one system call each."""

    NONCES = 1024

    def __init__(self) -> None:
        ring = keyring()
        self._prefix = f"{ring.active}$"
        self._aead = ring.aead(ring.active)
        self._macs = ring.lookup_macs()
        self._mac = self._macs[0]
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
        return hmac_hex(self._mac.alg, self._mac.secret, f"{purpose}:{value}".encode())

    def blind_indexes(self, value: str, purpose: str) -> list[str]:
        data = f"{purpose}:{value}".encode()
        return [hmac_hex(k.alg, k.secret, data) for k in self._macs]
