"""Helpers for the two-factor tests: the current code of an account's authenticator, and enrolment."""

from __future__ import annotations

import pyotp
from django.utils import timezone

from ronghe.accounts import twofactor
from ronghe.accounts.models import OtpDevice, User
from ronghe.core import crypto


def seed_of(user: User) -> str:
    return crypto.decrypt(OtpDevice.objects.get(user=user).seed_encrypted, twofactor.SEED_PURPOSE)


def code_for(user: User, step: int = 0) -> str:
    """The code of the time step `step` away from now (the server accepts -1, 0 and +1)."""
    return pyotp.TOTP(seed_of(user)).at(timezone.now(), counter_offset=step)


def enrol(user: User) -> list[str]:
    """Bind an authenticator as the setup page does; returns the recovery codes."""
    enrolment = twofactor.start_enrolment(user=user)
    code = pyotp.TOTP(enrolment.secret).at(timezone.now(), counter_offset=-1)
    return twofactor.confirm_enrolment(user=user, sealed=enrolment.sealed, code=code)


def pending_secret(client) -> str:  # noqa: ANN001
    """The seed the enrolment page showed to this client's session."""
    return crypto.decrypt(client.session["_ronghe_otp_sealed"], twofactor.SEED_PURPOSE)


def pending_code(client) -> str:  # noqa: ANN001
    return pyotp.TOTP(pending_secret(client)).now()
