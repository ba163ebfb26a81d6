import pytest

from ronghe.core import crypto


def test_roundtrip_and_random_nonce():
    a = crypto.encrypt("11010519491231002X", "id_number")
    b = crypto.encrypt("11010519491231002X", "id_number")
    assert a != b
    assert crypto.decrypt(a, "id_number") == "11010519491231002X"


def test_tampered_or_wrong_purpose_fails():
    token = crypto.encrypt("13800138000", "phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, "id_number")
    key_id, payload = token.split("$")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{key_id}${flipped}", "phone")


def test_blind_index_is_deterministic_and_keyed():
    assert crypto.blind_index("x", "id_number") == crypto.blind_index("x", "id_number")
    assert crypto.blind_index("x", "id_number") != crypto.blind_index("x", "phone")


def test_old_tokens_readable_after_new_key(settings, tmp_path):
    settings.FIELD_KEYS_FILE = tmp_path / "keys.json"
    old = crypto.encrypt("secret", "id_number")
    new_id = crypto.add_key()
    assert crypto.key_id_of(crypto.encrypt("secret", "id_number")) == new_id
    assert crypto.decrypt(old, "id_number") == "secret"
