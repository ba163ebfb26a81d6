from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_csp_forbids_inline_script_and_sets_security_headers(client, db):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'self'" in script_src
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_external_host(client_for, cast):
    html = client_for(cast.committee_admin).get(reverse("home:home")).content.decode()
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "http://" not in html
    assert "https://" not in html


def test_unknown_url_gets_chinese_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_healthz_ok_and_503_when_database_down(client, db):
    assert client.get("/healthz").status_code == 200
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "数据库无响应" in response.json()["database"]


def test_server_error_page_has_no_traceback(client, db, settings):
    from django.test import Client

    c = Client(raise_request_exception=False)
    with mock.patch("ronghe.home.views.home_summary", side_effect=RuntimeError("secret detail")):
        from ronghe.accounts.choices import Role
        from tests.factories import OrganizationFactory, UserFactory, grant

        user = UserFactory()
        grant(user, Role.WORK_COMMITTEE_ADMIN, OrganizationFactory())
        c.force_login(user)
        response = c.get(reverse("home:home"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统暂时无法处理" in body
    assert "secret detail" not in body
    assert "Traceback" not in body


def test_audit_page_only_for_audit_admin(client_for, cast):
    assert client_for(cast.auditor).get("/audit/").status_code == 200
    assert client_for(cast.sysadmin).get("/audit/").status_code == 403
    assert client_for(cast.committee_admin).get("/audit/").status_code == 403


def test_audit_page_filters_and_htmx_fragment(client_for, cast):
    from ronghe.core import audit

    audit.record("member.update", username="sec_a")
    audit.record("auth.login", username="gw")
    c = client_for(cast.auditor)
    response = c.get("/audit/?event=member", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "member.update" in html
    assert "auth.login<" not in html
    assert "<html" not in html


def test_audit_page_bad_date_range_message(client_for, cast):
    response = client_for(cast.auditor).get("/audit/?start=2026-02-01&end=2026-01-01")
    assert "起始日期不能晚于截止日期" in response.content.decode()
