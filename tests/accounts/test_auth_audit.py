"""Every sign-in event leaves exactly one audit row, and no row ever holds a password (security.md AUD-1, AUD-3)."""

import json
import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from ronghe.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
PASSWORD = "P@ss-Unique-123"
WRONG = "Wr0ng#Secret-987"


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", password=PASSWORD)


def _events(username="alice"):
    return list(
        AuditEntry.objects.filter(actor_username=username).order_by("id").values_list("event", "outcome")
    )


def test_login_writes_exactly_one_row(client, alice):
    client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert _events() == [("auth.login", "success")]


def test_failure_writes_exactly_one_row(client, alice):
    client.post(LOGIN, {"username": "alice", "password": WRONG})
    assert _events() == [("auth.login_failed", "failure")]


def test_fifth_failure_writes_one_failure_and_one_lockout(client, alice):
    # given: four failures
    for _ in range(4):
        client.post(LOGIN, {"username": "alice", "password": WRONG})
    assert AuditEntry.objects.filter(event="auth.lockout").count() == 0
    # when: the fifth
    client.post(LOGIN, {"username": "alice", "password": WRONG})
    # then
    events = _events()
    assert events.count(("auth.login_failed", "failure")) == 5
    assert events.count(("auth.lockout", "failure")) == 1
    assert len(events) == 6


def test_attempt_while_locked_out_is_one_refused_row_and_no_login(client, alice):
    for _ in range(5):
        client.post(LOGIN, {"username": "alice", "password": WRONG})
    last_id = AuditEntry.objects.order_by("id").last().id
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    new = list(AuditEntry.objects.filter(id__gt=last_id).values_list("event", "outcome", "changes"))
    assert new == [("auth.login_failed", "failure", {"reason": "locked"})]
    assert AuditEntry.objects.filter(event="auth.lockout").count() == 1
    assert not AuditEntry.objects.filter(event="auth.login").exists()


def test_logout_writes_exactly_one_row(client, alice):
    client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    client.post(reverse("accounts:logout"))
    assert _events() == [("auth.login", "success"), ("auth.logout", "success")]


def test_password_change_writes_exactly_one_row(client, alice):
    client.force_login(alice)
    count_before = AuditEntry.objects.count()
    client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "Brand#New2026x", "new_password2": "Brand#New2026x"},
    )
    assert AuditEntry.objects.count() == count_before + 1
    assert AuditEntry.objects.filter(event="auth.password_changed", actor_username="alice").count() == 1


def test_rejected_password_change_writes_no_change_row(client, alice):
    client.force_login(alice)
    client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert not AuditEntry.objects.filter(event="auth.password_changed").exists()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_no_password_in_audit_rows_or_logs(client, alice, caplog):
    # given: every kind of sign-in event, with the passwords typed in full
    caplog.set_level(logging.DEBUG)
    new_password = "N3w!Unique-456"
    client.post(LOGIN, {"username": "alice", "password": WRONG})
    client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    client.post(reverse("accounts:logout"))
    for _ in range(6):
        client.post(LOGIN, {"username": "alice", "password": WRONG})
    # when: every audit row and every captured log line is dumped
    rows = json.dumps(
        [*AuditEntry.objects.values(), *AccessAttempt.objects.values()], ensure_ascii=False, default=str
    )
    logs = caplog.text
    # then
    assert AuditEntry.objects.filter(event="auth.lockout").exists()
    for secret in (PASSWORD, WRONG, new_password):
        assert secret not in rows
        assert secret not in logs
