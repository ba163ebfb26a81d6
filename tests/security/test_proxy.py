"""RONGHE_TRUSTED_PROXIES: only behind a listed proxy is the last X-Forwarded-For hop the client
address — for the audit log and for the per-address login lockout. A forged header is ignored."""

from __future__ import annotations

import pytest

from ronghe.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def trusted(settings):
    settings.RONGHE_TRUSTED_PROXIES = frozenset({PROXY})
    settings.RONGHE_LOCKOUT_ADDRESS_FAILURES = 5  # the per-address limit, low enough to reach here


def _login(client, username, password, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_audit_records_the_client_behind_a_trusted_proxy(client):
    UserFactory(username="alice", password="Good@Pass123")
    _login(client, "alice", "Good@Pass123", PROXY, "1.2.3.4, 192.168.5.7")
    assert AuditEntry.objects.get(event="auth.login").ip == "192.168.5.7"


def test_forwarded_header_from_an_untrusted_peer_is_ignored(client):
    UserFactory(username="alice", password="Good@Pass123")
    _login(client, "alice", "Good@Pass123", "192.168.9.9", "10.10.10.10")
    assert AuditEntry.objects.get(event="auth.login").ip == "192.168.9.9"


def test_a_malformed_last_hop_falls_back_to_the_proxy_address(client):
    UserFactory(username="alice", password="Good@Pass123")
    _login(client, "alice", "Good@Pass123", PROXY, "192.168.5.7, <script>")
    assert AuditEntry.objects.get(event="auth.login").ip == PROXY


def test_lockout_by_address_is_per_client_behind_the_proxy(client):
    """Five failures from one client (different accounts) lock that client, not everyone behind the proxy."""
    UserFactory(username="bob", password="Good@Pass123")
    for i in range(5):
        _login(client, f"ghost{i}", "wrong", PROXY, "192.168.5.7")
    assert _login(client, "bob", "Good@Pass123", PROXY, "192.168.5.7").status_code == 429
    assert _login(client, "bob", "Good@Pass123", PROXY, "192.168.5.8").status_code == 302


def test_a_forged_header_does_not_escape_the_address_lockout(client):
    UserFactory(username="bob", password="Good@Pass123")
    for i in range(5):
        _login(client, f"ghost{i}", "wrong", "192.168.9.9", f"172.16.0.{i}")
    assert _login(client, "bob", "Good@Pass123", "192.168.9.9", "172.16.0.99").status_code == 429
