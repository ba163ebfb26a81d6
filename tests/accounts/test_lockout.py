import pytest

from ronghe.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def test_trying_during_the_lock_restarts_the_fifteen_minutes(client, time_machine):
    # given: a lock that began at 09:00
    UserFactory(username="alice", password="Good@Pass123")
    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    for _ in range(5):
        client.post(LOGIN, {"username": "alice", "password": "wrong"})
    # when: another wrong attempt at 09:10
    time_machine.move_to("2026-11-24 09:10:00+08:00", tick=False)
    assert client.post(LOGIN, {"username": "alice", "password": "wrong"}).status_code == 429
    # then: still locked at 09:16 (that refused attempt counts too, so the lock now runs to 09:31)
    time_machine.move_to("2026-11-24 09:16:00+08:00", tick=False)
    assert client.post(LOGIN, {"username": "alice", "password": "Good@Pass123"}).status_code == 429
    time_machine.move_to("2026-11-24 09:32:00+08:00", tick=False)
    assert client.post(LOGIN, {"username": "alice", "password": "Good@Pass123"}).status_code == 302


def test_fourteen_minutes_fifty_nine_is_still_locked(client, time_machine):
    UserFactory(username="alice", password="Good@Pass123")
    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    for _ in range(5):
        client.post(LOGIN, {"username": "alice", "password": "wrong"})
    time_machine.move_to("2026-11-24 09:14:59+08:00", tick=False)
    assert client.post(LOGIN, {"username": "alice", "password": "Good@Pass123"}).status_code == 429


def test_four_failures_do_not_lock(client):
    UserFactory(username="alice", password="Good@Pass123")
    for _ in range(4):
        client.post(LOGIN, {"username": "alice", "password": "wrong"})
    assert client.post(LOGIN, {"username": "alice", "password": "Good@Pass123"}).status_code == 302


def _room_login(client, username, password):
    """A login from the meeting room's one NAT address."""
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.20.30.40")


def test_a_meeting_room_behind_one_address_is_not_locked_out_by_typos(client):
    """Issue 22: five typos on five accounts from one address locked the whole room out."""
    members = [UserFactory(username=f"room{i:02d}", password="Good@Pass123") for i in range(40)]
    # given: five members mistype their password once each, and two of them twice more
    for user in members[:5]:
        assert _room_login(client, user.username, "wrong").status_code == 200
    for user in members[:2]:
        _room_login(client, user.username, "wrong")
        _room_login(client, user.username, "wrong")
    # then: all 40 sign in with their right password from the same address
    for user in members:
        client.logout()
        assert _room_login(client, user.username, "Good@Pass123").status_code == 302, user.username


def test_one_account_is_still_locked_after_five_failures_from_one_address(client):
    UserFactory(username="alice", password="Good@Pass123")
    UserFactory(username="bob", password="Good@Pass123")
    for _ in range(5):
        _room_login(client, "alice", "wrong")
    assert _room_login(client, "alice", "Good@Pass123").status_code == 429
    # the rest of the room signs in
    assert _room_login(client, "bob", "Good@Pass123").status_code == 302


def test_many_accounts_guessed_from_one_address_lock_that_address(client, settings):
    """A guesser trying one password on many accounts is stopped at the per-address limit."""
    settings.RONGHE_LOCKOUT_ADDRESS_FAILURES = 12
    UserFactory(username="bob", password="Good@Pass123")
    for i in range(11):
        assert _room_login(client, f"victim{i}", "Spring2026!").status_code == 200
    assert _room_login(client, "victim11", "Spring2026!").status_code == 429
    # every account from that address, the right password too; another address is not affected
    assert _room_login(client, "bob", "Good@Pass123").status_code == 429
    assert client.post(LOGIN, {"username": "bob", "password": "Good@Pass123"}).status_code == 302
    lock = AuditEntry.objects.get(event="auth.lockout")
    assert lock.changes == {"ip": "10.20.30.40", "scope": "address"}


def test_the_address_limit_is_never_below_the_account_limit(settings):
    from ronghe.accounts.lockout import address_limit

    settings.RONGHE_LOCKOUT_ADDRESS_FAILURES = 2
    assert address_limit() == settings.AXES_FAILURE_LIMIT
