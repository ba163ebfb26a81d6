"""PBKDF2-HMAC-SM3, offered beside Argon2 where a 密评 assessor asks for a 国密-based password hash
(RONGHE_PASSWORD_HASHER=pbkdf2_sm3). Whether assessors require it is UNCONFIRMED (security.md DC-3):
Argon2 stays the default. Stored as ``pbkdf2_sm3$<iterations>$<salt>$<b64 32-byte key>``, Django's
PBKDF2 layout, so a changed iteration count re-hashes at the next login (`must_update`)."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils.crypto import constant_time_compare


class PBKDF2SM3PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sm3"
    # OWASP's PBKDF2-HMAC-SHA256 figure (600,000); SM3 costs about 2.5× SHA-256 per iteration here.
    iterations = 600_000

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        if password is None or not salt or "$" in salt:
            raise ValueError("password and a salt without '$' are required")
        iterations = iterations or self.iterations
        kdf = PBKDF2HMAC(algorithm=hashes.SM3(), length=32, salt=salt.encode(), iterations=iterations)
        digest = base64.b64encode(kdf.derive(password.encode())).decode("ascii").strip()
        return f"{self.algorithm}${iterations}${salt}${digest}"

    def verify(self, password: str, encoded: str) -> bool:
        decoded: dict[str, Any] = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"], decoded["iterations"]))
