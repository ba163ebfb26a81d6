import pytest

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
