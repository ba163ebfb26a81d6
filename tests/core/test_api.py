import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from ronghe.accounts.models import ApiToken
from ronghe.points.models import Claim
from ronghe.points.services import seed_default_scheme

pytestmark = pytest.mark.django_db


def test_openapi_schema_and_local_docs(client):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "融合 API"
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_bearer_token_from_command_authenticates(client, cast):
    out = io.StringIO()
    call_command("issue_token", "gw", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["username"] == "gw"


def test_bad_token_and_anonymous_are_401(client, cast):
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_session_auth_for_browser(client_for, cast):
    assert client_for(cast.secretary_a).get("/api/v1/me").json()["username"] == "sec_a"


def _token_for(username: str) -> str:
    out = io.StringIO()
    call_command("issue_token", username, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def _claim_body() -> str:
    today = date.today()
    return json.dumps(
        {"indicator": "article", "occurred_on": today.isoformat(), "points": "3", "description": "学习心得"}
    )


def test_a_token_writes_without_a_csrf_token(cast):
    # given: a points scheme for member A, and a token for member A's account
    seed_default_scheme(organization=cast.committee, year=date.today().year)
    token = _token_for("mem_a")
    client = Client(enforce_csrf_checks=True)
    # when
    response = client.post(
        "/api/v1/points/claims",
        data=_claim_body(),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    # then
    assert response.status_code == 201, response.content
    claim = Claim.objects.get(code=response.json()["code"])
    assert (claim.member_id, claim.indicator.code, claim.points, claim.state) == (
        cast.member_a_record.pk,
        "article",
        Decimal("3.00"),
        "submitted",
    )
    assert claim.submitted_by.username == "mem_a"


def test_a_token_is_read_before_a_session(cast):
    # given: a browser session of one user and the token of another, no CSRF token
    seed_default_scheme(organization=cast.committee, year=date.today().year)
    token = _token_for("mem_a")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.secretary_a)
    # when
    response = client.post(
        "/api/v1/points/claims",
        data=_claim_body(),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    # then: the token's user wrote it
    assert response.status_code == 201, response.content
    assert Claim.objects.get().submitted_by.username == "mem_a"


def test_a_session_write_without_csrf_token_is_refused(cast):
    # given
    seed_default_scheme(organization=cast.committee, year=date.today().year)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member_a)
    # when
    response = client.post("/api/v1/points/claims", data=_claim_body(), content_type="application/json")
    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "安全校验失败（CSRF），请刷新页面后重试"}
    assert not Claim.objects.exists()


def test_a_session_write_with_its_csrf_token_works(cast):
    # given: the token a page would carry (cookie + X-CSRFToken header)
    seed_default_scheme(organization=cast.committee, year=date.today().year)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member_a)
    client.get("/accounts/password/")  # any page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    # when
    response = client.post(
        "/api/v1/points/claims",
        data=_claim_body(),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    # then
    assert response.status_code == 201, response.content
    assert Claim.objects.get().member_id == cast.member_a_record.pk


def test_a_revoked_token_is_401_and_writes_nothing(cast):
    seed_default_scheme(organization=cast.committee, year=date.today().year)
    token = _token_for("mem_a")
    ApiToken.objects.update(revoked=True)
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/points/claims",
        data=_claim_body(),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录，或在 Authorization 头中提供有效的访问令牌"}
    assert not Claim.objects.exists()
