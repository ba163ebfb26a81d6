import time
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ronghe.accounts.middleware import LAST_SEEN, REFRESH_SECONDS
from ronghe.accounts.models import User
from ronghe.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE"}


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


def test_failures_from_one_ip_across_accounts_lock_that_ip_at_the_address_limit(client, alice):
    UserFactory(username="bob", password="Good@Pass123")
    for i in range(30):
        client.post(LOGIN, {"username": f"nobody{i}", "password": "wrong"})
    response = client.post(LOGIN, {"username": "bob", "password": "Good@Pass123"})
    assert response.status_code == 429
    assert "本网络地址登录失败次数过多" in response.content.decode()


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
    # AUTH-5: the session row expires 30 minutes after its last save; SessionTimeoutMiddleware saves it
    # (refreshing the activity time) at most once a minute instead of on every request (issue 19)
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert REFRESH_SECONDS <= 60
    assert time.time() > 0


# ------------------------------------------------- idle timeout at its boundary (AUTH-5, issue 19 item 1)


def _writes(client, url: str) -> tuple[int, list[str]]:
    """The status of a GET and the INSERT/UPDATE/DELETE statements it ran."""
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    return status, [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().split()[0] in WRITES]


def _at(time_machine, clock: str) -> None:
    time_machine.move_to(f"2026-11-24 {clock}+08:00", tick=False)


def test_idle_session_lives_until_29_59_after_the_last_refresh_and_ends_at_30_00(client, alice, time_machine):
    home = reverse("home:home")
    _at(time_machine, "09:00:00")
    client.force_login(alice)
    assert client.get(home).status_code == 200  # the activity time is refreshed: 09:00:00
    _at(time_machine, "09:29:59")
    assert client.get(home).status_code == 200  # 29:59 idle: alive, and refreshed again
    _at(time_machine, "09:59:58")
    assert client.get(home).status_code == 200  # 29:59 after that refresh
    _at(time_machine, "10:29:58")  # exactly 30:00 after the last refresh
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_request_59_s_after_the_refresh_writes_nothing_and_one_at_60_s_refreshes(
    client, alice, time_machine
):
    home = reverse("home:home")
    _at(time_machine, "09:00:00")
    client.force_login(alice)
    status, writes = _writes(client, home)
    assert status == 200 and any("django_session" in sql for sql in writes)  # first request: refreshed
    _at(time_machine, "09:00:59")
    assert _writes(client, home) == (200, [])
    _at(time_machine, "09:01:00")
    status, writes = _writes(client, home)
    assert status == 200 and [sql for sql in writes if "django_session" in sql]
    assert client.session[LAST_SEEN] == datetime(2026, 11, 24, 1, 1, tzinfo=UTC).timestamp()


def test_requests_between_refreshes_do_not_extend_the_idle_time(client, alice, time_machine):
    # the timeout holds to within the refresh interval: counted from the last refresh, not the last request
    home = reverse("home:home")
    _at(time_machine, "09:00:00")
    client.force_login(alice)
    assert client.get(home).status_code == 200
    _at(time_machine, "09:00:59")
    assert client.get(home).status_code == 200  # not a refresh
    _at(time_machine, "09:30:00")  # 29:01 after the last request, 30:00 after the last refresh
    response = client.get(home, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "登录已超时" in response.content.decode()


def test_the_idle_check_itself_ends_the_session_at_the_limit_and_audits_it(
    client, alice, settings, time_machine
):
    # a shorter idle limit than the session row's lifetime: the middleware's own check decides
    settings.RONGHE_IDLE_TIMEOUT_MINUTES = 10
    home = reverse("home:home")
    _at(time_machine, "09:00:00")
    client.force_login(alice)
    assert client.get(home).status_code == 200
    _at(time_machine, "09:09:59")
    assert client.get(home).status_code == 200  # 9:59 idle: alive, refreshed
    _at(time_machine, "09:19:59")  # 10:00 after the refresh
    response = client.get(home)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(event="auth.session_expired", actor_username="alice").count() == 1


def test_sessions_are_read_from_the_cache_only_when_every_process_shares_it(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    import ronghe

    src = str(Path(ronghe.__file__).parent.parent)

    def engine(**env: str) -> str:
        script = 'from ronghe import settings as s; print(getattr(s, "SESSION_ENGINE", "django.contrib.sessions.backends.db"))'
        environ = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        environ |= {"RONGHE_DATA_DIR": str(tmp_path), "PYTHONPATH": src, **env}
        out = subprocess.run(
            [sys.executable, "-c", script], env=environ, capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    assert engine() == "django.contrib.sessions.backends.db"
    assert engine(REDIS_URL="redis://127.0.0.1:6379/0") == "django.contrib.sessions.backends.cached_db"
