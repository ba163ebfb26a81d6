"""PBKDF2-HMAC-SM3 beside Argon2 (RONGHE_PASSWORD_HASHER=pbkdf2_sm3), and the checks that follow the
choice of algorithms."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core.checks import run_checks

from ronghe.accounts.hashers import PBKDF2SM3PasswordHasher
from ronghe.core import crypto
from tests.factories import UserFactory

SM3_FIRST = [
    "ronghe.accounts.hashers.PBKDF2SM3PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]


@pytest.fixture
def sm3_hasher(settings, monkeypatch):
    monkeypatch.setattr(PBKDF2SM3PasswordHasher, "iterations", 1000)  # the real count is 600,000
    settings.PASSWORD_HASHERS = SM3_FIRST


def test_sm3_hash_verifies_and_refuses(sm3_hasher):
    encoded = make_password("Dangjian#2026")
    assert encoded.startswith("pbkdf2_sm3$1000$")
    assert check_password("Dangjian#2026", encoded)
    assert not check_password("Dangjian#2025", encoded)
    # PBKDF2 (RFC 8018) over HMAC-SM3, computed independently of the hasher
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    _alg, iterations, salt, digest = encoded.split("$")
    import base64

    kdf = PBKDF2HMAC(hashes.SM3(), 32, salt.encode(), int(iterations))
    assert base64.b64decode(digest) == kdf.derive(b"Dangjian#2026")


@pytest.mark.django_db
def test_an_argon2_password_is_rehashed_to_sm3_at_login(sm3_hasher, client):
    # given an account whose password was set under Argon2
    user = UserFactory(username="lisi")
    user.password = make_password("Dangjian#2026", hasher="argon2")
    user.save(update_fields=["password"])
    # when the user logs in
    client.post("/accounts/login/", {"username": "lisi", "password": "Dangjian#2026"})
    # then the stored hash is PBKDF2-HMAC-SM3
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "pbkdf2_sm3"


@pytest.mark.django_db
def test_deploy_check_accepts_sm3_first_and_refuses_pbkdf2_sha256_first(settings):
    settings.PASSWORD_HASHERS = SM3_FIRST
    assert "ronghe.E003" not in {m.id for m in run_checks(include_deployment_checks=True, tags=["security"])}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    assert "ronghe.E003" in {m.id for m in run_checks(include_deployment_checks=True, tags=["security"])}


def test_settings_read_the_guomi_switches():
    # the environment variables an operator sets, read by a fresh settings module
    code = (
        "from ronghe import settings as s;"
        "print(s.RONGHE_CRYPTO, s.PASSWORD_HASHERS[0].rsplit('.', 1)[1], s.PASSWORD_HASHERS[1].rsplit('.', 1)[1])"
    )
    env = {**os.environ, "RONGHE_CRYPTO": "SM4", "RONGHE_PASSWORD_HASHER": "pbkdf2_sm3"}
    src = str(Path(__file__).resolve().parents[2] / "src")
    env["PYTHONPATH"] = src
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["sm4", "PBKDF2SM3PasswordHasher", "Argon2PasswordHasher"]
    env["RONGHE_CRYPTO"] = "des"
    bad = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "RONGHE_CRYPTO must be aes or sm4" in bad.stderr


@pytest.mark.django_db
def test_deploy_check_warns_while_keys_are_not_yet_guomi(settings, tmp_path):
    # given a deployment switched to 国密 whose keys are still AES
    settings.FIELD_KEYS_FILE = tmp_path / "field_keys.json"
    settings.AUDIT_KEYS_FILE = tmp_path / "audit_keys.json"
    crypto.keyring()
    settings.RONGHE_CRYPTO = "sm4"
    found = {m.id: m for m in run_checks(include_deployment_checks=True, tags=["security"])}
    assert "rotate_keys --algorithm sm4" in found["ronghe.W009"].hint
    # when the keys are SM4/SM3 but the index move is unfinished
    crypto.rotate("sm4-gcm", "hmac-sm3")
    ring = json.loads(settings.FIELD_KEYS_FILE.read_text())
    assert ring["mac"]["previous"] == "m1"
    from ronghe.core import auditkeys

    auditkeys.add_key("hmac-sm3")
    found = {m.id for m in run_checks(include_deployment_checks=True, tags=["security"])}
    assert found & {"ronghe.W008", "ronghe.W009"} == {"ronghe.W008"}
    crypto.end_mac_move()
    found = {m.id for m in run_checks(include_deployment_checks=True, tags=["security"])}
    assert not found & {"ronghe.W008", "ronghe.W009"}
