"""Bad input and failures get a clear Chinese page with the right status, never a stack trace (DEBUG off)."""

from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse

from ronghe.core.models import AuditEntry
from ronghe.orglife.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_client(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def _database_down():
    return mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("connection refused")
    )


def test_database_outage_on_a_normal_page_gives_chinese_500(production_client, cast):
    # given: a signed-in secretary whose session lives in the database
    production_client.force_login(cast.secretary_a)
    # when: the database stops answering
    with _database_down():
        response = production_client.get(reverse("home:home"))
    # then
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时无法处理您的请求" in body
    assert "数据库暂时无响应" in body
    assert "connection refused" not in body
    assert "Traceback" not in body
    assert response["X-Request-ID"] in body


def test_database_outage_during_a_post_saves_nothing(production_client, cast):
    production_client.force_login(cast.secretary_a)
    with _database_down():
        response = production_client.post(reverse("accounts:logout"))
    assert response.status_code == 500
    assert Meeting.objects.count() == 0
    assert not AuditEntry.objects.filter(event="auth.logout").exists()


def test_database_outage_on_the_login_page_for_a_visitor(production_client, db):
    with _database_down():
        response = production_client.post(
            reverse("accounts:login"), {"username": "alice", "password": "whatever1A"}
        )
    assert response.status_code == 500
    assert "系统暂时无法处理您的请求" in response.content.decode()


def test_unknown_url_gets_chinese_404_with_debug_off(production_client, cast):
    production_client.force_login(cast.secretary_a)
    response = production_client.get("/members/nowhere/at/all/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body
    assert "Page not found" not in body
    assert "返回首页" in body


def test_unknown_url_for_a_visitor_gets_chinese_404(production_client, db):
    response = production_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_unknown_api_path_is_json_404(production_client, cast):
    production_client.force_login(cast.secretary_a)
    response = production_client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404


def test_missing_csrf_token_on_a_signed_in_form_gets_chinese_403(settings, cast):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.secretary_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期" in body
    assert "安全校验失败" in body
    assert "CSRF verification failed" not in body
    # and: the user is still signed in
    assert client.get(reverse("home:home")).status_code == 200


def test_expired_session_on_htmx_request_redirects_to_login(client, cast, time_machine):
    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    client.force_login(cast.auditor)
    client.get("/audit/")
    time_machine.move_to("2026-11-24 09:31:00+08:00", tick=False)
    response = client.get("/audit/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == reverse("accounts:login")


def test_idle_session_on_htmx_request_is_audited_and_redirects(client, cast, settings, time_machine):
    # given: the session row outlives the idle limit (the app's own idle check, not the cookie, ends it)
    settings.RONGHE_IDLE_TIMEOUT_MINUTES = 10
    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    client.force_login(cast.auditor)
    client.get("/audit/")
    time_machine.move_to("2026-11-24 09:11:00+08:00", tick=False)
    response = client.get("/audit/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == reverse("accounts:login")
    assert AuditEntry.objects.filter(event="auth.session_expired", actor_username="auditor").count() == 1


def test_expired_session_message_after_browser_comes_back(client, cast, time_machine):
    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    client.force_login(cast.secretary_a)
    client.get(reverse("home:home"))
    time_machine.move_to("2026-11-24 09:45:00+08:00", tick=False)
    response = client.get(reverse("home:home"), follow=True)
    assert response.status_code == 200
    assert "登录已超时，请重新登录。" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))


def test_locked_account_gets_429_with_chinese_message(client, cast):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "sec_a", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "sec_a", "password": "Test@Pass123"})
    assert response.status_code == 429
    assert "登录失败次数过多，账户已锁定15分钟，请稍后再试。" in response.content.decode()
