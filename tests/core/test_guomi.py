"""国密 building blocks: known-answer tests from the standards, SM4-GCM tokens, the keyring's
algorithms (and the file written before algorithms were named), and HMAC-SM3 in the audit chain."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ronghe.core import audit, auditkeys, crypto
from ronghe.core.models import AuditEntry


def test_sm4_known_answer_gb_t_32907():
    # GB/T 32907-2016 附录 A 示例 1: one block, key = plaintext
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (enc.update(key) + enc.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm3_known_answer_gb_t_32905():
    # GB/T 32905-2016 附录 A 示例 1 and 示例 2
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert crypto.sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_sm4_gcm_known_answer_rfc_8998():
    # RFC 8998 appendix A.1 (SM4-GCM in TLS 1.3), through the class field encryption uses
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    iv = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plain = bytes.fromhex("".join(c * 16 for c in "ABCDEFEA"))
    sealed = crypto.SM4GCM(key).encrypt(iv, plain, aad)
    assert sealed[:-16].hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert sealed[-16:].hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"
    assert crypto.SM4GCM(key).decrypt(iv, sealed, aad) == plain


def test_hmac_sm3_matches_rfc_2104_over_sm3():
    # HMAC-SM3 built by hand from the SM3 known-answer function (block size 64)
    key, data = b"k" * 20, b"11010519491231002X"
    padded = key.ljust(64, b"\0")
    inner = bytes.fromhex(crypto.sm3_hex(bytes(b ^ 0x36 for b in padded) + data))
    expected = crypto.sm3_hex(bytes(b ^ 0x5C for b in padded) + inner)
    assert crypto.hmac_hex("hmac-sm3", key, data) == expected


@pytest.fixture
def sm4_keys(settings, tmp_path):
    settings.FIELD_KEYS_FILE = tmp_path / "field_keys.json"
    settings.RONGHE_CRYPTO = "sm4"
    return settings.FIELD_KEYS_FILE


def test_new_installation_with_sm4_writes_sm4_tokens(sm4_keys):
    # when a deployment chose 国密 and encrypts its first value
    token = crypto.encrypt("11010519491231002X", "id_number")
    # then the key file records the algorithms, and the token opens only with its purpose
    ring = json.loads(sm4_keys.read_text())
    assert ring["enc"]["k1"]["alg"] == "sm4-gcm"
    assert len(base64.b64decode(ring["enc"]["k1"]["key"])) == 16
    assert ring["mac"]["keys"]["m1"]["alg"] == "hmac-sm3"
    assert crypto.decrypt(token, "id_number") == "11010519491231002X"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, "phone")
    key_id, payload = token.split("$")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{key_id}${base64.b64encode(bytes(raw)).decode()}", "id_number")
    # and the blind index is HMAC-SM3 under the MAC key
    mac_key = base64.b64decode(ring["mac"]["keys"]["m1"]["key"])
    assert crypto.blind_index("x", "id_number") == crypto.hmac_hex("hmac-sm3", mac_key, b"id_number:x")


def test_key_file_from_before_algorithms_reads_as_aes(settings, tmp_path):
    # given a key file in the old format and a token written under it
    settings.FIELD_KEYS_FILE = tmp_path / "old.json"
    enc, mac = b"e" * 32, b"m" * 32
    settings.FIELD_KEYS_FILE.write_text(
        json.dumps(
            {
                "active": "k1",
                "enc": {"k1": base64.b64encode(enc).decode()},
                "mac": base64.b64encode(mac).decode(),
            }
        )
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    old_token = (
        "k1$" + base64.b64encode(b"n" * 12 + AESGCM(enc).encrypt(b"n" * 12, b"secret", b"phone")).decode()
    )
    # then it decrypts, and the index is the old HMAC-SHA256
    assert crypto.decrypt(old_token, "phone") == "secret"
    assert crypto.keyring().family == "aes"
    import hashlib
    import hmac

    assert crypto.blind_index("v", "p") == hmac.new(mac, b"p:v", hashlib.sha256).hexdigest()
    # and a rotation to SM4 keeps the old key readable
    crypto.rotate("sm4-gcm", "hmac-sm3")
    assert crypto.keyring().family == "sm4"
    assert crypto.decrypt(old_token, "phone") == "secret"
    assert crypto.key_id_of(crypto.encrypt("secret", "phone")) == "k2"


def test_lookups_try_both_indexes_while_the_mac_key_moves(sm4_keys):
    # given a digest under the first MAC key
    before = crypto.blind_index("11010519491231002X", "id_number")
    # when a new MAC key is made active
    crypto.rotate("aes-256-gcm", "hmac-sha256")
    # then writes use the new key and lookups try the new one, then the old one
    after = crypto.blind_index("11010519491231002X", "id_number")
    assert after != before
    assert crypto.blind_indexes("11010519491231002X", "id_number") == [after, before]
    assert crypto.BatchCipher().blind_indexes("11010519491231002X", "id_number") == [after, before]
    # and once the move ends, only the new one
    crypto.end_mac_move()
    assert crypto.blind_indexes("11010519491231002X", "id_number") == [after]
    # but unrebuildable digests (recovery codes) still match under every key
    assert before in crypto.all_digests("11010519491231002X", "id_number")


@pytest.mark.django_db
def test_audit_chain_with_an_hmac_sm3_key_verifies_and_detects_tampering(settings, tmp_path):
    # given a chain started under HMAC-SHA256, then continued under an HMAC-SM3 key
    settings.AUDIT_KEYS_FILE = tmp_path / "audit_keys.json"
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    audit.record("test.before", object_type="t", object_id="1")
    new_id = auditkeys.add_key("hmac-sm3")
    audit.record("test.after", object_type="t", object_id="2")
    # then each row names its key and the whole chain verifies
    assert AuditEntry.objects.get(event="test.after").key_id == new_id
    assert auditkeys.keys().active.alg == "hmac-sm3"
    assert audit.verify().ok
    # and a changed row under the SM3 key is found
    from django.db import connection  # raw SQL: the ORM refuses to change an audit row

    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditEntry._meta.db_table} SET object_id = '9' WHERE event = 'test.after'")
    assert not audit.verify().ok


def test_audit_key_file_for_a_guomi_installation_starts_with_hmac_sm3(settings, tmp_path):
    settings.AUDIT_KEYS_FILE = tmp_path / "audit_keys.json"
    settings.RONGHE_CRYPTO = "sm4"
    assert auditkeys.keys().active.alg == "hmac-sm3"
