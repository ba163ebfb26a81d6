import io

import pytest
from django.core.management import call_command

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
