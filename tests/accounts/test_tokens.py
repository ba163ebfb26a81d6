"""API tokens (issue 17 finding 6): they expire, the security administrator lists and revokes them,
`ronghe tokens` does the same from the command line, and a password change or deactivation revokes them."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ronghe.accounts import services
from ronghe.accounts.choices import Role
from ronghe.accounts.models import ApiToken
from ronghe.core.models import AuditEntry
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=TZ)
ME = "/api/v1/me"


@pytest.fixture
def secadmin(cast):
    user = UserFactory(username="secadmin")
    grant(user, Role.SECURITY_ADMIN, cast.committee)
    return user


def _issue(user, days=None) -> tuple[ApiToken, str]:
    issued = services.issue_token(user=user, days=days)
    return issued.token, issued.secret


def _me(client, secret: str) -> int:
    return client.get(ME, headers={"Authorization": f"Bearer {secret}"}).status_code


# --- expiry ---------------------------------------------------------------------------------------


def test_a_token_expires_after_the_default_days(client, cast, settings, time_machine):
    # given
    settings.RONGHE_TOKEN_DAYS = 90
    time_machine.move_to(NOW, tick=False)
    token, secret = _issue(cast.committee_admin)
    # then
    assert token.expires_at == NOW + timedelta(days=90)
    time_machine.move_to(NOW + timedelta(days=90) - timedelta(minutes=1), tick=False)
    assert _me(client, secret) == 200
    time_machine.move_to(NOW + timedelta(days=90), tick=False)
    assert _me(client, secret) == 401


def test_issue_token_command_takes_days(cast, time_machine):
    time_machine.move_to(NOW, tick=False)
    out = io.StringIO()
    call_command("issue_token", "gw", "--days", "7", stdout=out)
    token = ApiToken.objects.get(user=cast.committee_admin)
    assert token.expires_at == NOW + timedelta(days=7)
    assert "到期时间：2026-12-01 09:00" in out.getvalue()
    assert AuditEntry.objects.get(event="token.issue").changes == {"days": 7, "prefix": token.prefix}


@pytest.mark.parametrize("days", ["0", "366", "-1"])
def test_issue_token_refuses_days_out_of_range(cast, days):
    with pytest.raises(CommandError, match="^有效天数：须在 1 到 365 之间$"):
        call_command("issue_token", "gw", "--days", days, stdout=io.StringIO())
    assert not ApiToken.objects.exists()


# --- revoked automatically ------------------------------------------------------------------------


def test_password_change_revokes_the_users_tokens(client, cast):
    # given
    token, secret = _issue(cast.member_a)
    other, other_secret = _issue(cast.secretary_a)
    # when
    services.change_password(user=cast.member_a, new_password="Brand#New2026")
    # then
    token.refresh_from_db()
    assert (token.revoked, token.revoked_reason) == (True, "password_changed")
    assert _me(client, secret) == 401
    assert _me(client, other_secret) == 200
    entry = AuditEntry.objects.get(event="token.revoke")
    assert (entry.object_id, entry.changes) == (str(token.pk), {"reason": "password_changed"})


def test_deactivation_revokes_the_users_tokens(client, cast):
    token, secret = _issue(cast.member_a)
    services.set_active(actor=cast.sysadmin, user=cast.member_a, active=False)
    token.refresh_from_db()
    assert (token.revoked, token.revoked_reason) == (True, "deactivated")
    assert AuditEntry.objects.get(event="token.revoke").changes == {"reason": "deactivated"}
    # reactivating the account does not bring the token back
    services.set_active(actor=cast.sysadmin, user=cast.member_a, active=True)
    assert _me(client, secret) == 401


# --- the page -------------------------------------------------------------------------------------


def test_security_admin_lists_tokens(client_for, cast, secadmin):
    # given
    token, _ = _issue(cast.member_a)
    # when
    response = client_for(secadmin).get(reverse("accounts:token-list"))
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "接口令牌" in body and f"token-{token.pk}-row" in body and "mem_a" in body
    assert 'data-confirm="确认吊销' in body


def test_token_list_empty_state(client_for, secadmin):
    response = client_for(secadmin).get(reverse("accounts:token-list"))
    assert "没有符合条件的令牌" in response.content.decode()


def test_token_list_shows_only_the_subtree(client_for, cast):
    # given a security administrator of subtree B
    sec_b = UserFactory(username="secadmin_b")
    grant(sec_b, Role.SECURITY_ADMIN, cast.org_b)
    token_a, _ = _issue(cast.member_a)
    # when
    body = client_for(sec_b).get(reverse("accounts:token-list")).content.decode()
    # then
    assert f"token-{token_a.pk}-row" not in body


def test_token_list_runs_a_constant_number_of_queries(client_for, cast, secadmin, django_assert_num_queries):
    client = client_for(secadmin)
    _issue(cast.member_a)
    client.get(reverse("accounts:token-list"))
    # 8 before issue 19: the session is no longer saved (3) and the roles come with the account (1)
    with django_assert_num_queries(4) as small:
        client.get(reverse("accounts:token-list"))
    for user in (cast.secretary_a, cast.committee_admin, cast.outsider_b):
        _issue(user)
        _issue(user)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("accounts:token-list"))


def test_security_admin_revokes_a_token(client_for, cast, secadmin):
    # given
    token, _ = _issue(cast.member_a)
    # when
    response = client_for(secadmin).post(reverse("accounts:token-revoke", args=[token.pk]))
    # then
    assert response.status_code == 302
    token.refresh_from_db()
    assert (token.revoked, token.revoked_reason, token.revoked_at is not None) == (True, "manual", True)
    entry = AuditEntry.objects.get(event="token.revoke")
    assert (entry.actor_id, entry.outcome, entry.changes) == (secadmin.pk, "success", {"reason": "manual"})


def test_revoking_an_already_revoked_token_says_so(client_for, cast, secadmin):
    token, _ = _issue(cast.member_a)
    services.revoke_token(actor=secadmin, token=token)
    response = client_for(secadmin).post(reverse("accounts:token-revoke", args=[token.pk]), follow=True)
    assert "该令牌已吊销" in response.content.decode()
    assert AuditEntry.objects.filter(event="token.revoke").count() == 1


def test_system_admin_cannot_list_or_revoke_tokens(client_for, cast):
    token, _ = _issue(cast.member_a)
    client = client_for(cast.sysadmin)
    assert client.get(reverse("accounts:token-list")).status_code == 403
    assert client.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked is False


def test_revoking_outside_the_subtree_is_404(client_for, cast):
    sec_b = UserFactory(username="secadmin_b")
    grant(sec_b, Role.SECURITY_ADMIN, cast.org_b)
    token, _ = _issue(cast.member_a)
    assert client_for(sec_b).post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked is False


# --- the command ----------------------------------------------------------------------------------


def test_tokens_list_command(cast):
    token, _ = _issue(cast.member_a)
    out = io.StringIO()
    call_command("tokens", "list", stdout=out)
    line = out.getvalue().splitlines()[-1]
    assert line.split()[:3] == [str(token.pk), "mem_a", token.prefix]
    assert line.split()[-1] == "有效"


def test_tokens_revoke_command(cast):
    token, _ = _issue(cast.member_a)
    call_command("tokens", "revoke", str(token.pk), "--dry-run", stdout=io.StringIO())
    token.refresh_from_db()
    assert token.revoked is False
    out = io.StringIO()
    call_command("tokens", "revoke", str(token.pk), stdout=out)
    token.refresh_from_db()
    assert (token.revoked, token.revoked_reason) == (True, "manual")
    assert AuditEntry.objects.get(event="token.revoke").actor_username == "(命令行)"


def test_tokens_revoke_unknown_id(cast):
    with pytest.raises(CommandError, match="^没有编号为 999 的令牌$"):
        call_command("tokens", "revoke", "999", stdout=io.StringIO())


# --- last use: recorded at most once a minute (issue 19 item 1) -----------------------------------


def test_last_use_is_written_at_most_once_a_minute(client, cast, time_machine):
    time_machine.move_to(NOW, tick=False)
    token, secret = _issue(cast.secretary_a)
    assert _me(client, secret) == 200
    token.refresh_from_db()
    assert token.last_used_at == NOW
    time_machine.move_to(NOW + timedelta(seconds=59), tick=False)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert _me(client, secret) == 200
    assert [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("SELECT")] == []
    token.refresh_from_db()
    assert token.last_used_at == NOW
    time_machine.move_to(NOW + timedelta(seconds=60), tick=False)
    assert _me(client, secret) == 200
    token.refresh_from_db()
    assert token.last_used_at == NOW + timedelta(seconds=60)


def test_token_request_carries_the_roles_read_with_the_token(client, cast):
    _token, secret = _issue(cast.secretary_a)
    body = client.get(ME, headers={"Authorization": f"Bearer {secret}"}).json()
    assert body["roles"] == [{"role": Role.BRANCH_SECRETARY, "organization_path": cast.org_a.path}]
    no_roles = UserFactory(username="noroles")
    _token, secret = _issue(no_roles)
    assert client.get(ME, headers={"Authorization": f"Bearer {secret}"}).json()["roles"] == []


def test_token_calls_get_no_signed_in_marker_nor_a_timeout_message(client, cast):
    # a machine client keeping cookies was given the session marker, then told "登录已超时" on its next
    # call, a message stored in a cookie each time (found profiling issue 19)
    from ronghe.accounts.middleware import MARKER

    _token, secret = _issue(cast.secretary_a)
    for _ in range(3):
        response = client.get(ME, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200
        assert MARKER not in response.cookies
        assert "messages" not in response.cookies
