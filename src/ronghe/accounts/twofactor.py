"""Two-factor login (security.md AUTH-8): TOTP enrolment, verification, recovery codes and the
security administrator's reset. Audited.

pyotp does the RFC 6238 arithmetic; this module keeps the seed encrypted (`core.crypto`, purpose
`accounts.otp_seed`), refuses a code whose time step was already used, counts wrong codes per account
(`RONGHE_LOCKOUT_FAILURES` wrong → locked for `RONGHE_LOCKOUT_MINUTES`) and stores recovery codes only as
keyed digests, each deleted when used (RIP-1).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import OtpDevice, RecoveryCode, User
from ronghe.accounts.policy import mfa_required
from ronghe.core import audit, crypto
from ronghe.core.errors import DomainError
from ronghe.core.scope import can_manage_user

SEED_PURPOSE = "accounts.otp_seed"
RECOVERY_PURPOSE = "accounts.recovery_code"
ISSUER = "融合"
RECOVERY_CODES = 10
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class SecondFactorError(DomainError):
    """A refused code or enrolment, with a Chinese message."""


def is_required(user: User) -> bool:
    roles = set(user.role_assignments.values_list("role", flat=True))
    return mfa_required(roles, settings.RONGHE_MFA_ROLES)


def device_of(user: User) -> OtpDevice | None:
    return OtpDevice.objects.filter(user=user).first()


def is_enrolled(user: User) -> bool:
    return OtpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def _totp(device: OtpDevice) -> pyotp.TOTP:
    return pyotp.TOTP(crypto.decrypt(device.seed_encrypted, SEED_PURPOSE))


def _audit(
    event: str, user: User, *, actor: User | None = None, outcome: str = "success", **changes: object
) -> None:
    audit.record(
        event,
        actor=actor or user,
        object_type="accounts.user",
        object_id=str(user.pk),
        object_repr=user.username,
        outcome=outcome,
        changes=dict(changes) or None,
    )


@dataclass(frozen=True)
class Enrolment:
    secret: str  # shown on the enrolment page for manual entry, never logged
    sealed: str  # the secret encrypted, kept in the session until the first code confirms it
    uri: str
    qr_svg: str


def start_enrolment(*, user: User, sealed: str = "") -> Enrolment:
    """A fresh seed (or the one `sealed` from the page shown before) for an account without an
    authenticator. Writes nothing: the seed is stored only when the first code confirms it. Refused once
    enrolled: only the security administrator's reset opens enrolment again."""
    if is_enrolled(user):
        raise SecondFactorError("已绑定动态口令，如需更换请联系安全管理员重置")
    secret = _unseal(sealed) if sealed else ""
    if not secret:
        secret = pyotp.random_base32()
        sealed = crypto.encrypt(secret, SEED_PURPOSE)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    qr = segno.make(uri, error="m")
    return Enrolment(
        secret=secret, sealed=sealed, uri=uri, qr_svg=qr.svg_inline(scale=4, title="动态口令二维码")
    )


def _unseal(sealed: str) -> str:
    try:
        return crypto.decrypt(sealed, SEED_PURPOSE)
    except crypto.DecryptionError:
        return ""


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=crypto.blind_index(code, RECOVERY_PURPOSE)) for code in codes
    )
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def confirm_enrolment(*, user: User, sealed: str, code: str) -> list[str]:
    """Store the authenticator the page showed (`sealed`) once its first code is right; returns the
    recovery codes (shown once)."""
    try:
        return _confirm(user=user, sealed=sealed, code=code)
    except SecondFactorError as exc:
        _audit("auth.otp_enrol", user, outcome="failure", reason=exc.message)
        raise


@transaction.atomic
def _confirm(*, user: User, sealed: str, code: str) -> list[str]:
    User.objects.select_for_update().filter(pk=user.pk).exists()
    if is_enrolled(user):
        raise SecondFactorError("已绑定动态口令，如需更换请联系安全管理员重置")
    if not _unseal(sealed):
        raise SecondFactorError("请重新打开绑定页面扫描二维码")
    device = OtpDevice(user=user, seed_encrypted=sealed)
    _check_code(device, code)
    device.confirmed_at = timezone.now()
    device.save()
    _audit("auth.otp_enrol", user)
    return _new_recovery_codes(user)


def _check_code(device: OtpDevice, code: str) -> None:
    """Accept a six-digit code of this or the adjacent 30 s step not used before; count a wrong one.
    Saves the counters on failure itself (the caller's transaction is then rolled back by the raise),
    so the count is committed by `verify` outside."""
    now = timezone.now()
    if device.locked_until is not None and device.locked_until > now:
        raise SecondFactorError("动态口令错误次数过多，账户已锁定，请稍后再试", field="code")
    digits = "".join(ch for ch in (code or "") if not ch.isspace())
    totp = _totp(device)
    counter = None
    if len(digits) == 6 and digits.isdigit():
        current = totp.timecode(now)
        for candidate in (current, current - 1, current + 1):
            if secrets.compare_digest(totp.generate_otp(candidate), digits):
                counter = candidate
                break
    if counter is None:
        raise SecondFactorError("动态口令：验证码不正确", field="code", code="wrong")
    if device.last_counter is not None and counter <= device.last_counter:
        raise SecondFactorError("动态口令：该验证码已使用过，请等待下一个验证码", field="code", code="reused")
    device.last_counter = counter
    device.failures = 0
    device.locked_until = None


def _count_failure(user: User, exc: SecondFactorError) -> None:
    """One wrong or reused code: counted, and the account locked at the limit. Audited."""
    with transaction.atomic():
        device = OtpDevice.objects.select_for_update().get(user=user)
        device.failures += 1
        locked = device.failures >= settings.AXES_FAILURE_LIMIT
        if locked:
            minutes = round(settings.AXES_COOLOFF_TIME * 60)
            device.locked_until = timezone.now() + timedelta(minutes=minutes)
            device.failures = 0
        device.save(update_fields=["failures", "locked_until", "updated_at"])
    _audit("auth.otp_failure", user, outcome="failure", reason=exc.message, locked=locked)


def verify(*, user: User, code: str) -> None:
    """The second step of a login with a TOTP code or a recovery code. Raises `SecondFactorError`."""
    device = device_of(user)
    if device is None or device.confirmed_at is None:
        raise SecondFactorError("尚未绑定动态口令")
    try:
        with transaction.atomic():
            device = OtpDevice.objects.select_for_update().get(pk=device.pk)
            if len(_normalise(code)) == 10:
                _use_recovery_code(device, code)
                return
            _check_code(device, code)
            device.save(update_fields=["last_counter", "failures", "locked_until", "updated_at"])
    except SecondFactorError as exc:
        if exc.code in ("wrong", "reused"):
            _count_failure(user, exc)
        else:
            _audit("auth.otp_failure", user, outcome="failure", reason=exc.message)
        raise
    _audit("auth.otp_success", user)


def _use_recovery_code(device: OtpDevice, code: str) -> None:
    if device.locked_until is not None and device.locked_until > timezone.now():
        raise SecondFactorError("动态口令错误次数过多，账户已锁定，请稍后再试", field="code")
    # every MAC key in the file: a recovery code's digest cannot be rebuilt under a new MAC key
    digests = crypto.all_digests(_normalise(code), RECOVERY_PURPOSE)
    deleted, _ = RecoveryCode.objects.filter(user_id=device.user_id, digest__in=digests).delete()
    if not deleted:
        raise SecondFactorError("恢复码：不正确或已使用", field="code", code="wrong")
    device.failures = 0
    device.locked_until = None
    device.save(update_fields=["failures", "locked_until", "updated_at"])
    left = RecoveryCode.objects.filter(user_id=device.user_id).count()
    _audit("auth.otp_recovery_used", device.user, remaining=left)


@transaction.atomic
def reset(*, actor: User, user: User) -> None:
    """The security administrator removes an account's authenticator and recovery codes; the account
    enrols again at its next login. Nobody resets their own."""
    if not can_manage_user(actor, "security.policy", user):
        raise PermissionDenied("该账户不在您的安全管理范围内")
    if user.pk == actor.pk:
        raise SecondFactorError("不能重置自己的动态口令")
    removed, _ = OtpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if not removed:
        raise SecondFactorError("该账户尚未绑定动态口令")
    _audit("auth.otp_reset", user, actor=actor)


def reencrypt_seeds() -> int:
    """Re-encrypt every stored seed under the active field key (`ronghe rotate_keys`); returns the count."""
    active = crypto.keyring().active
    count = 0
    for device in OtpDevice.objects.only("pk", "seed_encrypted").iterator():
        if crypto.key_id_of(device.seed_encrypted) == active:
            continue
        seed = crypto.decrypt(device.seed_encrypted, SEED_PURPOSE)
        OtpDevice.objects.filter(pk=device.pk, seed_encrypted=device.seed_encrypted).update(
            seed_encrypted=crypto.encrypt(seed, SEED_PURPOSE)
        )
        count += 1
    return count
