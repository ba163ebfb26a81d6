"""Changing one's own password (security.md AUTH-3; issue 17 finding 7): the same password is refused."""

import pytest
from django.urls import reverse

from ronghe.accounts import services
from ronghe.accounts.models import User
from ronghe.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CHANGE = "accounts:password-change"


@pytest.fixture
def alice(db):
    user = UserFactory(username="alice", password="Init@Pass123")
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    user.refresh_from_db()
    return user


def test_change_to_the_same_password_is_refused(client, alice):
    # given
    client.force_login(alice)
    changed_at = alice.password_changed_at
    # when
    response = client.post(
        reverse(CHANGE),
        {"old_password": "Init@Pass123", "new_password1": "Init@Pass123", "new_password2": "Init@Pass123"},
    )
    # then
    assert response.status_code == 200
    assert "新密码不能与当前密码相同" in response.content.decode()
    alice.refresh_from_db()
    assert (alice.password_changed_at, alice.must_change_password) == (changed_at, True)
    assert not AuditEntry.objects.filter(event="auth.password_changed").exists()


def test_service_refuses_the_same_password_on_its_field(alice):
    with pytest.raises(services.AccountError) as exc:
        services.change_password(user=alice, new_password="Init@Pass123")
    assert (exc.value.message, exc.value.field) == ("新密码不能与当前密码相同", "new_password1")


def test_change_password_clears_the_first_login_flag_and_is_audited(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse(CHANGE),
        {"old_password": "Init@Pass123", "new_password1": "Brand#New2026", "new_password2": "Brand#New2026"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Brand#New2026") and alice.must_change_password is False
    assert AuditEntry.objects.get(event="auth.password_changed").actor_id == alice.pk


def test_none_of_the_last_five_passwords_comes_back(alice):
    # given four changes after the first password: Init, P1, P2, P3, P4 (current)
    user = User.objects.get(pk=alice.pk)
    for n in range(1, 5):
        services.change_password(user=user, new_password=f"Pass@Word{n}x")
    # when the user tries to go back to any of the last five (the current one included)
    for old in ("Init@Pass123", "Pass@Word1x", "Pass@Word2x", "Pass@Word3x"):
        with pytest.raises(services.AccountError) as err:
            services.change_password(user=user, new_password=old)
        # then it is refused on the new-password field, and the password is unchanged
        assert (err.value.field, err.value.message) == (
            "new_password1",
            "新密码不能与最近 5 次使用过的密码相同",
        )
    user.refresh_from_db()
    assert user.check_password("Pass@Word4x")
    # a sixth change pushes the first password out of the five, so it may come back after that
    services.change_password(user=user, new_password="Pass@Word5x")
    services.change_password(user=user, new_password="Init@Pass123")
    assert User.objects.get(pk=user.pk).check_password("Init@Pass123")
    assert user.password_history.count() == 4


def test_history_size_is_configurable(alice, settings):
    settings.RONGHE_PASSWORD_HISTORY = 1  # only the current password is refused
    user = User.objects.get(pk=alice.pk)
    services.change_password(user=user, new_password="Pass@Word1x")
    services.change_password(user=user, new_password="Init@Pass123")
    assert User.objects.get(pk=user.pk).check_password("Init@Pass123")
    assert not user.password_history.exists()
