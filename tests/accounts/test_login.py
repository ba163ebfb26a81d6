import time

import pytest
from django.urls import reverse

from ronghe.accounts.models import User
from ronghe.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", password="Good@Pass123")


def test_login_success_is_audited_and_lands_on_home(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "Good@Pass123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home:home")
    assert AuditEntry.objects.filter(event="auth.login", actor_username="alice").count() == 1


def test_wrong_password_shows_chinese_error_and_is_audited(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert (
        AuditEntry.objects.filter(
            event="auth.login_failed", actor_username="alice", outcome="failure"
        ).count()
        == 1
    )


def test_five_failures_lock_the_account_even_for_the_right_password(client, alice):
    for _ in range(5):
        client.post(LOGIN, {"username": "alice", "password": "wrong"})
    response = client.post(LOGIN, {"username": "alice", "password": "Good@Pass123"})
    assert response.status_code == 429
    assert "已锁定15分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(event="auth.lockout").exists()


def test_lock_is_lifted_after_fifteen_minutes(client, alice, time_machine):
    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    for _ in range(5):
        client.post(LOGIN, {"username": "alice", "password": "wrong"})
    time_machine.move_to("2026-11-24 09:16:00+08:00", tick=False)
    response = client.post(LOGIN, {"username": "alice", "password": "Good@Pass123"})
    assert response.status_code == 302


def test_failures_from_one_ip_across_accounts_lock_that_ip(client, alice):
    UserFactory(username="bob", password="Good@Pass123")
    for i in range(5):
        client.post(LOGIN, {"username": f"nobody{i}", "password": "wrong"})
    response = client.post(LOGIN, {"username": "bob", "password": "Good@Pass123"})
    assert response.status_code == 429


def test_logout_ends_session_and_is_audited(client, alice):
    client.post(LOGIN, {"username": "alice", "password": "Good@Pass123"})
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home:home")).status_code == 302
    assert AuditEntry.objects.filter(event="auth.logout", actor_username="alice").count() == 1


def test_idle_session_expires_after_thirty_minutes(client, alice, time_machine):
    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    client.force_login(alice)
    assert client.get(reverse("home:home")).status_code == 200
    time_machine.move_to("2026-11-24 09:29:00+08:00", tick=False)
    assert client.get(reverse("home:home")).status_code == 200
    time_machine.move_to("2026-11-24 10:00:00+08:00", tick=False)
    response = client.get(reverse("home:home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "登录已超时" in response.content.decode()


def test_seeded_account_must_change_password_first(client, db):
    user = UserFactory(username="newadmin", password="Init@Pass123")
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client.post(LOGIN, {"username": "newadmin", "password": "Init@Pass123"})
    response = client.get(reverse("home:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-change")
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "Init@Pass123", "new_password1": "Brand#New2026", "new_password2": "Brand#New2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is False
    assert client.get(reverse("home:home")).status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "至少 8 个字符"),
        ("abcdefgh", "至少3类"),
        ("newadmin#A1", "不能包含用户名"),
        ("12345678", "至少3类"),
    ],
)
def test_password_rules(client, db, password, message):
    user = UserFactory(username="newadmin", password="Init@Pass123")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "Init@Pass123", "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_passwords_are_hashed_with_argon2():
    from ronghe import settings as base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_missing_csrf_token_gets_chinese_403(alice):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(LOGIN, {"username": "alice", "password": "Good@Pass123"})
    assert response.status_code == 403
    assert "安全校验失败" in response.content.decode()


def test_session_cookie_age_matches_idle_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert time.time() > 0
