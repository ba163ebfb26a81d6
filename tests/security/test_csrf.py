"""AC-6: every route refuses a POST without a CSRF token from a logged-in browser session, and no
GET changes state (GET on a mutating route answers 405 or leaves the database as it was)."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.apps import apps
from django.test import Client

from ronghe.accounts.models import User
from ronghe.orglife.models import OrgLifePolicy
from tests import routes
from tests.core.test_routes import _api_operations, _fill, _fill_api, _site_routes
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

# Rows a GET may legitimately write: sessions, login bookkeeping and the audit log itself
# (exports and audit-log searches are recorded, which is the point).
# A 通知公告 read receipt is written when the notice is opened, like the audit row of a sensitive read.
_VOLATILE = {
    "sessions.session",
    "core.auditentry",
    "core.audithead",
    "accounts.apitoken",
    "notices.noticeread",
}
_NO_CSRF_NEEDED = {"healthz"}


def _fingerprint() -> dict[str, str]:
    out = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _VOLATILE or label.startswith(("axes.", "contenttypes.", "auth.permission")):
            continue
        rows = list(model._default_manager.order_by("pk").values())
        out[label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


@pytest.fixture
def all_rights(cast):
    """One user holding every domain role at the root, so no route stops at a 403 before acting."""
    user = UserFactory(username="allrights")
    for role in ("work_committee_admin", "security_admin"):
        grant(user, role, cast.committee)
    return User.objects.get(pk=user.pk)


def _page_paths(cast, skip=()) -> list[str]:  # noqa: ANN001
    """All page paths, samples created up front (creating them is not what is under test)."""
    return [
        _fill(pattern, routes.URL_SAMPLES[name](cast) if "<" in pattern else {})
        for pattern, name, _ in _site_routes()
        if name not in skip
    ]


def _api_urls(client, cast, get: bool) -> list[tuple[str, str]]:  # noqa: ANN001
    return [
        (method, _fill_api(path, routes.API_SAMPLES[path](cast) if "{" in path else {}))
        for path, method in _api_operations(client)
        if (method == "get") == get
    ]


def test_post_without_csrf_token_is_refused_on_every_route(cast, all_rights):
    client = Client(enforce_csrf_checks=True)
    client.force_login(all_rights)
    paths = _page_paths(cast, skip=_NO_CSRF_NEEDED)
    before = _fingerprint()
    accepted = []
    for path in paths:
        response = client.post(path, {"name": "x"})
        if response.status_code != 403:
            accepted.append((path, response.status_code))
    assert accepted == []
    assert _fingerprint() == before


def test_api_with_session_and_no_csrf_token_is_refused(cast, all_rights):
    client = Client(enforce_csrf_checks=True)
    client.force_login(all_rights)
    urls = _api_urls(client, cast, get=False)
    before = _fingerprint()
    accepted = []
    for method, url in urls:
        response = getattr(client, method)(url, data=json.dumps({}), content_type="application/json")
        if response.status_code != 403:
            accepted.append((method, url, response.status_code))
    assert accepted == []
    assert _fingerprint() == before


def test_get_never_changes_state(client, cast, all_rights):
    OrgLifePolicy.current()  # the settings singleton is created with its defaults on first read
    client.force_login(all_rights)
    for path in _page_paths(cast, skip=("accounts:logout", "accounts:login")):
        before = _fingerprint()
        response = client.get(path)
        assert response.status_code in (200, 302, 403, 404, 405), (path, response.status_code)
        assert _fingerprint() == before, path
    for _, url in _api_urls(client, cast, get=True):
        before = _fingerprint()
        client.get(url)
        assert _fingerprint() == before, url
