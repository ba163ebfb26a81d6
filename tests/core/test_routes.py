"""Every URL pattern and API operation, enumerated: outsiders and plain members get 403/404, no data."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from ronghe.core.permissions import view_permission
from tests import routes

pytestmark = pytest.mark.django_db
SKIP_PREFIXES = ("api/v1/", "static/")


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield prefix + str(entry.pattern), name, entry.callback


def _site_routes():
    return [r for r in _walk(get_resolver()) if not r[0].startswith(SKIP_PREFIXES)]


def _fill(pattern: str, kwargs: dict) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), pattern)
    return "/" + path.lstrip("^").rstrip("$")


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="ignore")
    return response.content.decode(errors="ignore")


def _a_data(cast) -> list[str]:
    # Not the ID mask: it keeps the area code only, so members of one area and birth date share it.
    return [cast.member_a_record.name, cast.branch_a.name, str(cast.member_a_record.code)]


def test_every_view_declares_a_permission():
    undeclared = [(p, n) for p, n, cb in _site_routes() if view_permission(cb) is None]
    assert undeclared == []


def test_every_route_with_arguments_has_a_sample():
    missing = [n for p, n, _ in _site_routes() if "<" in p and n not in routes.URL_SAMPLES]
    assert missing == []


@pytest.mark.parametrize("who", ["outsider_b", "member_a"])
def test_routes_refuse_outsiders_and_plain_members(client, cast, who):
    user = getattr(cast, who)
    client.force_login(user)
    checked = 0
    for pattern, name, _ in _site_routes():
        if name in routes.ANY_LOGIN or (who == "member_a" and name in routes.SELF_SERVICE):
            continue
        kwargs = routes.URL_SAMPLES[name](cast) if "<" in pattern else {}
        path = _fill(pattern, kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            body = _body(response)
            if response.status_code in (403, 404, 405):
                for text in _a_data(cast):
                    assert text not in body, (who, method, path)
                checked += 1
                continue
            if who == "outsider_b" and "<" not in pattern and response.status_code in (200, 302):
                # list pages of B's own subtree are fine, as long as nothing of A shows
                for text in _a_data(cast):
                    assert text not in body, (who, method, path)
                checked += 1
                continue
            pytest.fail(f"{who} {method.upper()} {path} → {response.status_code}")
    assert checked >= 0


def test_anonymous_is_sent_to_login(client, cast):
    for pattern, name, _ in _site_routes():
        if name in ("accounts:login", "accounts:logout", "healthz"):
            continue
        kwargs = routes.URL_SAMPLES[name](cast) if "<" in pattern else {}
        response = client.get(_fill(pattern, kwargs))
        assert response.status_code in (302, 401, 403), (pattern, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


def _fill_api(path: str, kwargs: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), path)


def _api_operations(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method in ops:
            yield path, method


def test_every_api_path_with_parameters_has_a_sample(client, db):
    missing = {p for p, _ in _api_operations(client) if "{" in p and p not in routes.API_SAMPLES}
    assert missing == set()


@pytest.mark.parametrize("who", ["outsider_b", "member_a"])
def test_api_refuses_outsiders_and_plain_members(client, cast, who):
    user = getattr(cast, who)
    client.force_login(user)
    for path, method in _api_operations(client):
        if path in routes.API_ANY_LOGIN or (who == "member_a" and path in routes.API_SELF_SERVICE):
            continue
        kwargs = routes.API_SAMPLES[path](cast) if "{" in path else {}
        url = _fill_api(path, kwargs)
        response = getattr(client, method)(
            url, content_type="application/json", data="{}" if method != "get" else None
        )
        body = _body(response)
        if "{" in path or method != "get":
            assert response.status_code in (403, 404, 405, 422), (who, method, url, response.status_code)
        for text in _a_data(cast):
            assert text not in body, (who, method, url)


def test_api_anonymous_is_401(client, cast):
    for path, method in _api_operations(client):
        kwargs = routes.API_SAMPLES[path](cast) if "{" in path else {}
        url = _fill_api(path, kwargs)
        response = getattr(client, method)(url)
        assert response.status_code == 401, (method, url)
