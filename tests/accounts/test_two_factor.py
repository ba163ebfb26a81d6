"""AUTH-8: two-factor login. The 三员 and the 工委管理员 always, other roles by `RONGHE_MFA_ROLES`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ronghe.accounts import services, twofactor
from ronghe.accounts.choices import Role
from ronghe.accounts.models import OtpDevice, RecoveryCode
from ronghe.accounts.policy import MFA_ALWAYS, mfa_required
from ronghe.core.models import AuditEntry
from tests.accounts.otp import code_for, enrol, pending_code, pending_secret, seed_of
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
VERIFY = "/accounts/otp/"
SETUP = "/accounts/otp/setup/"
PASSWORD = "Test@Pass123"  # noqa: S105
PROTECTED = [
    "/",
    "/accounts/password/",
    "/accounts/roles/",
    "/accounts/users/",
    "/accounts/tokens/",
    "/audit/",
]


def _admin(cast, role: str = Role.SECURITY_ADMIN, username: str = "secadmin"):
    user = UserFactory(username=username)
    grant(user, role, cast.committee)
    return user


def _password_login(client, username: str) -> None:
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _events(name: str) -> list[tuple[str, str]]:
    return list(AuditEntry.objects.filter(event=name).values_list("actor_username", "outcome"))


# --- the requirement and the gate (written first) ---------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "extra", "required"),
    [
        ({Role.SYSTEM_ADMIN}, frozenset(), True),
        ({Role.SECURITY_ADMIN}, frozenset(), True),
        ({Role.AUDIT_ADMIN}, frozenset(), True),
        ({Role.WORK_COMMITTEE_ADMIN, Role.MEMBER}, frozenset(), True),
        ({Role.BRANCH_SECRETARY}, frozenset(), False),
        ({Role.BRANCH_SECRETARY}, frozenset({Role.BRANCH_SECRETARY}), True),
        ({Role.MEMBER}, frozenset({Role.BRANCH_SECRETARY}), False),
        ({Role.MEMBER}, frozenset({"all"}), True),
        (set(), frozenset({"all"}), False),
    ],
    ids=[
        "system",
        "security",
        "audit",
        "committee",
        "secretary_off",
        "secretary_on",
        "member_off",
        "all",
        "no_role",
    ],
)
def test_mfa_required_by_role(roles, extra, required):
    assert mfa_required(roles, extra) is required


@pytest.mark.parametrize("role", sorted(MFA_ALWAYS))
def test_password_only_admin_is_redirected_everywhere(client, cast, role):
    # given: an administrator who has only given the password
    _admin(cast, role, "admin1")
    _password_login(client, "admin1")
    # when / then: every protected page leads to the enrolment step, and nothing else is served
    for path in PROTECTED:
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, SETUP), path
    htmx = client.get("/", headers={"HX-Request": "true"})
    assert (htmx.status_code, htmx["HX-Redirect"]) == (401, SETUP)
    api = client.get("/api/v1/me")
    assert (api.status_code, api.json()) == (401, {"detail": "请先完成动态口令验证"})


def test_enrolled_admin_is_sent_to_the_code_step(client, cast):
    # given
    admin = _admin(cast)
    enrol(admin)
    _password_login(client, "secadmin")
    # when
    response = client.get("/accounts/roles/")
    # then
    assert (response.status_code, response["Location"]) == (302, VERIFY)
    assert client.get(VERIFY).status_code == 200
    # and a password alone cannot bind a second authenticator
    assert client.post(SETUP, {"code": "123456"})["Location"] == VERIFY
    assert OtpDevice.objects.filter(user=admin).count() == 1


def test_bearer_token_api_is_unaffected(client, cast):
    # given: an administrator with a token, never through the OTP step
    admin = _admin(cast)
    secret = services.issue_token(user=admin).secret
    # when
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    # then
    assert response.status_code == 200


def test_role_not_required_is_not_asked(client, cast):
    # given: a branch secretary (not required by default)
    # when
    _password_login(client, cast.secretary_a.username)
    # then
    assert client.get("/").status_code == 200
    assert not OtpDevice.objects.exists()


def test_account_not_asked_cannot_enrol(client, cast):
    # given
    _password_login(client, cast.secretary_a.username)
    # when
    response = client.get(SETUP)
    # then
    assert (response.status_code, response["Location"]) == (302, "/")
    assert "_ronghe_otp_sealed" not in client.session


def test_role_switched_on_by_setting_is_asked(client, cast, settings):
    # given
    settings.RONGHE_MFA_ROLES = frozenset({Role.BRANCH_SECRETARY})
    # when
    _password_login(client, cast.secretary_a.username)
    # then
    assert client.get("/")["Location"] == SETUP


# --- enrolment --------------------------------------------------------------------------------------


def test_enrolment_with_qr_code_gives_recovery_codes_once(client, cast):
    # given
    admin = _admin(cast)
    _password_login(client, "secadmin")
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and pending_secret(client) in page
    assert not OtpDevice.objects.exists()
    # when
    response = client.post(SETUP, {"code": pending_code(client)})
    # then: ten codes shown, ten digests stored, the session passed
    body = response.content.decode()
    assert response.status_code == 200 and "只显示这一次" in body
    assert body.count("<li>") == 10
    assert RecoveryCode.objects.filter(user=admin).count() == 10
    assert OtpDevice.objects.get(user=admin).confirmed_at is not None
    assert client.get("/accounts/roles/").status_code == 200
    assert _events("auth.otp_enrol") == [("secadmin", "success")]
    # and the setup page is no longer available to change the authenticator
    assert client.get(SETUP)["Location"] == "/"
    assert OtpDevice.objects.filter(user=admin).count() == 1


def test_enrolment_with_a_wrong_code_is_refused(client, cast):
    # given
    admin = _admin(cast)
    _password_login(client, "secadmin")
    client.get(SETUP)
    seed = pending_secret(client)
    # when
    response = client.post(SETUP, {"code": "000000" if pending_code(client) != "000000" else "111111"})
    # then: the same seed offered again, nothing stored, the message announced
    assert response.status_code == 422
    assert "动态口令：验证码不正确" in response.content.decode()
    assert seed in response.content.decode() and pending_secret(client) == seed
    assert not OtpDevice.objects.filter(user=admin).exists()
    assert _events("auth.otp_enrol") == [("secadmin", "failure")]
    assert client.get("/")["Location"] == SETUP


def test_seed_is_not_in_the_database_in_plaintext(cast):
    # given
    admin = _admin(cast)
    enrol(admin)
    seed = seed_of(admin)
    # when: every text in every table is dumped
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            dump.extend(str(value) for row in cursor.fetchall() for value in row)
    text = "\n".join(dump)
    # then
    assert seed not in text and seed.lower() not in text


# --- the code step ----------------------------------------------------------------------------------


def _enrolled_and_password_only(client, cast):
    admin = _admin(cast)
    codes = enrol(admin)
    _password_login(client, "secadmin")
    return admin, codes


def test_correct_code_lets_the_session_through(client, cast):
    # given
    admin, _ = _enrolled_and_password_only(client, cast)
    session_key = client.session.session_key
    # when
    response = client.post(VERIFY, {"code": code_for(admin), "next": "/accounts/roles/"})
    # then: through, on a new session key
    assert (response.status_code, response["Location"]) == (302, "/accounts/roles/")
    assert client.get("/accounts/roles/").status_code == 200
    assert client.session.session_key != session_key
    assert _events("auth.otp_success") == [("secadmin", "success")]


def test_wrong_code_is_refused_and_audited(client, cast):
    # given
    admin, _ = _enrolled_and_password_only(client, cast)
    wrong = "123456" if code_for(admin) != "123456" else "654321"
    # when
    response = client.post(VERIFY, {"code": wrong})
    # then
    assert response.status_code == 422
    assert "动态口令：验证码不正确" in response.content.decode()
    body = response.content.decode()
    assert '<div class="visually-hidden" role="alert" id="otp-error">动态口令：验证码不正确</div>' in body
    assert 'aria-invalid="true"' in body and 'aria-describedby="id_code_error"' in body
    assert client.get("/")["Location"] == VERIFY
    assert _events("auth.otp_failure") == [("secadmin", "failure")]
    assert OtpDevice.objects.get(user=admin).failures == 1


def test_reused_code_is_refused(client, cast):
    # given: a code already accepted once
    admin, _ = _enrolled_and_password_only(client, cast)
    code = code_for(admin)
    client.post(VERIFY, {"code": code})
    client.post("/accounts/logout/")
    _password_login(client, "secadmin")
    # when: the same code within its window
    response = client.post(VERIFY, {"code": code})
    # then
    assert response.status_code == 422
    assert "该验证码已使用过" in response.content.decode()
    assert client.get("/")["Location"] == VERIFY


def test_five_wrong_codes_lock_for_the_lockout_period(client, cast, time_machine):
    # given
    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    admin, _ = _enrolled_and_password_only(client, cast)
    wrong = "000000" if code_for(admin, 1) != "000000" else "111111"
    for _ in range(5):
        client.post(VERIFY, {"code": wrong})
    # when: the right code during the lock
    time_machine.move_to("2026-11-24 09:14:00+08:00", tick=False)
    response = client.post(VERIFY, {"code": code_for(admin)})
    # then: refused; accepted once the 15 minutes are over
    assert "账户已锁定" in response.content.decode()
    assert AuditEntry.objects.filter(event="auth.otp_failure", changes__locked=True).count() == 1
    time_machine.move_to("2026-11-24 09:15:30+08:00", tick=False)
    assert client.post(VERIFY, {"code": code_for(admin)}).status_code == 302


def test_recovery_code_works_once(client, cast):
    # given
    admin, codes = _enrolled_and_password_only(client, cast)
    # when
    response = client.post(VERIFY, {"code": codes[0].lower()})
    # then
    assert response.status_code == 302
    assert RecoveryCode.objects.filter(user=admin).count() == 9
    assert _events("auth.otp_recovery_used") == [("secadmin", "success")]
    # and a second time it is refused
    client.post("/accounts/logout/")
    _password_login(client, "secadmin")
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 422
    assert "恢复码：不正确或已使用" in again.content.decode()


# --- reset by the security administrator ------------------------------------------------------------


def test_security_admin_resets_an_authenticator(client_for, cast):
    # given
    secadmin = _admin(cast)
    enrol(cast.committee_admin)
    device = OtpDevice.objects.get(user=cast.committee_admin)
    # when
    response = client_for(secadmin).post(f"/accounts/otp/devices/{device.pk}/reset/")
    # then
    assert response.status_code == 302
    assert not OtpDevice.objects.filter(user=cast.committee_admin).exists()
    assert not RecoveryCode.objects.filter(user=cast.committee_admin).exists()
    assert list(
        AuditEntry.objects.filter(event="auth.otp_reset").values_list("actor_username", "object_repr")
    ) == [("secadmin", cast.committee_admin.username)]


def test_after_a_reset_the_next_login_enrols_again(client, cast):
    # given
    secadmin = _admin(cast)
    admin = _admin(cast, Role.AUDIT_ADMIN, "auditadmin")
    enrol(admin)
    twofactor.reset(actor=secadmin, user=admin)
    # when
    _password_login(client, "auditadmin")
    # then
    assert client.get("/")["Location"] == SETUP


def test_reset_needs_the_security_policy_right(client_for, cast):
    # given
    enrol(cast.committee_admin)
    device = OtpDevice.objects.get(user=cast.committee_admin)
    # when
    response = client_for(cast.sysadmin).post(f"/accounts/otp/devices/{device.pk}/reset/")
    # then
    assert response.status_code == 403
    assert OtpDevice.objects.filter(pk=device.pk).exists()


def test_reset_outside_the_scope_is_not_found(client_for, cast):
    # given: a security administrator of subtree B only
    sec_b = UserFactory(username="security_b")
    grant(sec_b, Role.SECURITY_ADMIN, cast.org_b)
    enrol(cast.committee_admin)
    device = OtpDevice.objects.get(user=cast.committee_admin)
    # when
    response = client_for(sec_b).post(f"/accounts/otp/devices/{device.pk}/reset/")
    # then
    assert response.status_code == 404
    assert OtpDevice.objects.filter(pk=device.pk).exists()


def test_nobody_resets_their_own(client_for, cast):
    # given
    secadmin = _admin(cast)
    enrol(secadmin)
    device = OtpDevice.objects.get(user=secadmin)
    # when
    client_for(secadmin).post(f"/accounts/otp/devices/{device.pk}/reset/")
    # then
    assert OtpDevice.objects.filter(pk=device.pk).exists()
    assert not AuditEntry.objects.filter(event="auth.otp_reset").exists()


def test_device_list_shows_accounts_in_scope(client_for, cast):
    # given
    secadmin = _admin(cast)
    enrol(cast.committee_admin)
    # when
    response = client_for(secadmin).get("/accounts/otp/devices/")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert cast.committee_admin.username in body and "已绑定" in body


def test_lock_ends_with_the_lockout_minutes(cast, time_machine):
    # given
    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    admin = _admin(cast)
    enrol(admin)
    for _ in range(5):
        with pytest.raises(twofactor.SecondFactorError):
            twofactor.verify(user=admin, code="abcdef")
    # then
    assert OtpDevice.objects.get(user=admin).locked_until == timezone.now() + timedelta(minutes=15)
