"""Account hygiene (issue 17 item 9): password maximum age per role (AUTH-3), idle accounts (AUTH-10).

Each rule is checked at its boundary: one day before the period ends nothing happens, one day after it does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from ronghe.accounts import hygiene
from ronghe.accounts.choices import Role
from ronghe.accounts.models import ApiToken, User
from ronghe.accounts.services import issue_token
from ronghe.core.models import AuditEntry
from ronghe.envconf import env_int_map
from ronghe.orgs.choices import OrgKind
from tests.factories import OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOME = reverse("home:home")
CHANGE = reverse("accounts:password-change")


@pytest.fixture
def root(db):  # noqa: ANN001, ANN201
    return OrganizationFactory(name="测试县直机关工委", kind=OrgKind.COMMITTEE)


def _user_at(time_machine, when: datetime, **kwargs):  # noqa: ANN001, ANN003, ANN202
    time_machine.move_to(when, tick=False)
    return UserFactory(**kwargs)


# ------------------------------------------------------------------ password maximum age (AUTH-3)


@pytest.mark.parametrize(("days", "redirected"), [(89, False), (91, True)])
def test_password_past_its_maximum_age_must_be_changed_first(client, time_machine, days, redirected):
    user = _user_at(time_machine, T0, username="alice", password="Good@Pass123")
    time_machine.move_to(T0 + timedelta(days=days), tick=False)
    client.force_login(user)
    response = client.get(HOME)
    if not redirected:
        assert response.status_code == 200
        return
    assert response.status_code == 302 and response["Location"] == CHANGE
    # every URL but change-password and logout goes there, the API too
    assert client.get("/api/v1/me")["Location"] == CHANGE
    assert client.get(reverse("accounts:role-list"))["Location"] == CHANGE
    assert client.get(CHANGE).status_code == 200
    response = client.post(
        CHANGE,
        {"old_password": "Good@Pass123", "new_password1": "Brand#New2026", "new_password2": "Brand#New2026"},
    )
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_logout_stays_reachable_with_an_expired_password(client, time_machine):
    user = _user_at(time_machine, T0)
    time_machine.move_to(T0 + timedelta(days=91), tick=False)
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] != CHANGE


@pytest.mark.parametrize(("days", "expired"), [(29, False), (31, True)])
def test_maximum_age_is_per_role_and_the_shortest_wins(settings, time_machine, root, days, expired):
    settings.RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE = {"security_admin": 30, "member": 0}
    secadmin = _user_at(time_machine, T0)
    grant(secadmin, Role.SECURITY_ADMIN, root)
    plain = UserFactory()
    member = UserFactory()
    grant(member, Role.MEMBER, root)
    now = T0 + timedelta(days=days)
    assert hygiene.password_expired(secadmin, now) is expired
    assert hygiene.password_expired(plain, now) is False  # the default, 90 days
    assert hygiene.password_expired(member, T0 + timedelta(days=3650)) is False  # 0: no maximum
    grant(member, Role.SECURITY_ADMIN, root)
    assert hygiene.password_expired(member, now) is expired


def test_demo_accounts_are_exempt(time_machine):
    demo = _user_at(time_machine, T0, is_demo=True)
    assert hygiene.password_expired(demo, T0 + timedelta(days=400)) is False


def test_a_password_never_changed_counts_from_joining(time_machine):
    user = _user_at(time_machine, T0)
    User.objects.filter(pk=user.pk).update(password_changed_at=None)
    user.refresh_from_db()
    assert hygiene.password_expired(user, T0 + timedelta(days=89)) is False
    assert hygiene.password_expired(user, T0 + timedelta(days=91)) is True


def test_per_role_setting_is_parsed_strictly(monkeypatch, settings):
    monkeypatch.setenv("X_AGES", "security_admin=30, member=180")
    assert env_int_map("X_AGES", {}) == {"security_admin": 30, "member": 180}
    monkeypatch.setenv("X_AGES", "security_admin")
    with pytest.raises(ImproperlyConfigured):
        env_int_map("X_AGES", {})
    settings.RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE = {"root": 1}
    with pytest.raises(ImproperlyConfigured):
        hygiene.max_age_for_roles({"member"})


# ---------------------------------------------------------------------- idle accounts (AUTH-10)


def _last_login(user: User, when: datetime) -> User:
    User.objects.filter(pk=user.pk).update(last_login=when)
    user.refresh_from_db()
    return user


@pytest.mark.parametrize(("days", "disabled"), [(89, False), (91, True)])
def test_idle_account_is_disabled_with_one_audit_row(time_machine, days, disabled):
    user = _last_login(_user_at(time_machine, T0 - timedelta(days=300)), T0)
    time_machine.move_to(T0, tick=False)
    token = issue_token(user=user, days=365).token
    time_machine.move_to(T0 + timedelta(days=days), tick=False)
    call_command("disable_idle_accounts")
    user.refresh_from_db()
    token.refresh_from_db()
    assert user.is_active is not disabled
    assert token.revoked is disabled
    rows = AuditEntry.objects.filter(event="user.deactivate_idle", object_id=str(user.pk))
    assert rows.count() == (1 if disabled else 0)
    if disabled:
        assert rows.get().actor_username == hygiene.JOB_USERNAME
        assert rows.get().changes["idle_days"] == 90


@pytest.mark.parametrize(("days", "disabled"), [(89, False), (91, True)])
def test_never_logged_in_counts_from_joining(time_machine, days, disabled):
    user = _user_at(time_machine, T0)
    time_machine.move_to(T0 + timedelta(days=days), tick=False)
    plan = hygiene.disable_idle_accounts()
    user.refresh_from_db()
    assert user.is_active is not disabled
    assert [u.pk for u in plan.disable] == ([user.pk] if disabled else [])


def test_second_run_changes_nothing(time_machine):
    _user_at(time_machine, T0)
    time_machine.move_to(T0 + timedelta(days=91), tick=False)
    hygiene.disable_idle_accounts()
    before = AuditEntry.objects.count()
    assert hygiene.disable_idle_accounts().disable == []
    assert AuditEntry.objects.count() == before


def test_dry_run_lists_and_writes_nothing(time_machine, capsys):
    user = _user_at(time_machine, T0, username="sleepy")
    time_machine.move_to(T0 + timedelta(days=91), tick=False)
    before = AuditEntry.objects.count()
    call_command("disable_idle_accounts", "--dry-run")
    out = capsys.readouterr().out
    assert "将停用\tsleepy" in out and "将停用 1 个账户" in out
    user.refresh_from_db()
    assert user.is_active and AuditEntry.objects.count() == before


def test_period_is_configurable(settings, time_machine):
    settings.RONGHE_IDLE_ACCOUNT_DAYS = 30
    user = _user_at(time_machine, T0)
    time_machine.move_to(T0 + timedelta(days=29), tick=False)
    assert hygiene.disable_idle_accounts().disable == []
    time_machine.move_to(T0 + timedelta(days=31), tick=False)
    assert [u.pk for u in hygiene.disable_idle_accounts().disable] == [user.pk]


def test_last_active_holder_of_each_admin_role_is_kept(time_machine, root, capsys):
    sysadmin = _user_at(time_machine, T0, username="sysadmin")
    grant(sysadmin, Role.SYSTEM_ADMIN, root)
    auditor = UserFactory(username="auditor")
    grant(auditor, Role.AUDIT_ADMIN, root)
    sec_old, sec_recent = UserFactory(username="sec_old"), UserFactory(username="sec_recent")
    grant(sec_old, Role.SECURITY_ADMIN, root)
    grant(sec_recent, Role.SECURITY_ADMIN, root)
    _last_login(sec_recent, T0 + timedelta(days=5))
    # a second, active auditor: the idle one is no longer the last
    time_machine.move_to(T0 + timedelta(days=200), tick=False)
    fresh_auditor = UserFactory(username="auditor2")
    grant(fresh_auditor, Role.AUDIT_ADMIN, root)
    call_command("disable_idle_accounts")
    out = capsys.readouterr().out
    active = set(User.objects.filter(is_active=True).values_list("username", flat=True))
    assert active == {"sysadmin", "sec_recent", "auditor2"}
    assert "保留\tsysadmin\t最后一名在用的系统管理员" in out
    assert "保留\tsec_recent\t最后一名在用的安全管理员" in out


def test_a_login_after_planning_keeps_the_account(time_machine):
    user = _user_at(time_machine, T0)
    time_machine.move_to(T0 + timedelta(days=91), tick=False)
    plan = hygiene.plan_idle()
    _last_login(user, T0 + timedelta(days=91))
    assert hygiene.disable_idle_accounts().disable == []
    assert [u.pk for u in plan.disable] == [user.pk]
    user.refresh_from_db()
    assert user.is_active


# ------------------------------------------------------------- shown to the security administrator


def test_security_administrator_sees_both_on_the_role_page(client, time_machine, root, settings):
    expired = _user_at(time_machine, T0, username="old_pw", display_name="老密码")
    grant(expired, Role.BRANCH_SECRETARY, root)
    _last_login(expired, T0 + timedelta(days=80))
    idle = _user_at(time_machine, T0 + timedelta(days=5), username="idle_one")
    grant(idle, Role.MEMBER, root)
    User.objects.filter(pk=idle.pk).update(password_changed_at=T0 + timedelta(days=60))
    time_machine.move_to(T0 + timedelta(days=96), tick=False)
    secadmin = UserFactory(username="secadmin")
    grant(secadmin, Role.SECURITY_ADMIN, root)
    client.force_login(secadmin)
    page = client.get(reverse("accounts:role-list")).content.decode()
    hygiene_section = page[page.index('id="account-hygiene"') :]
    assert "密码已过期（1）" in hygiene_section and "old_pw" in hygiene_section
    assert "长期未使用的账户（1）" in hygiene_section and "idle_one" in hygiene_section
    assert "下次定时任务停用" in hygiene_section
    assert "超过 90 天未登录" in hygiene_section
    # an htmx page of rows does not compute it
    partial = client.get(reverse("accounts:role-list"), headers={"HX-Request": "true"}).content.decode()
    assert "account-hygiene" not in partial


def test_page_lists_only_accounts_in_scope(client, time_machine, root):
    unit = OrganizationFactory(name="甲局总支", kind=OrgKind.GENERAL_BRANCH, parent=root)
    other = OrganizationFactory(name="乙局总支", kind=OrgKind.GENERAL_BRANCH, parent=root)
    inside = _user_at(time_machine, T0, username="inside")
    grant(inside, Role.BRANCH_SECRETARY, unit)
    outside = UserFactory(username="outside")
    grant(outside, Role.BRANCH_SECRETARY, other)
    time_machine.move_to(T0 + timedelta(days=100), tick=False)
    secadmin = UserFactory(username="unit_sec")
    grant(secadmin, Role.SECURITY_ADMIN, unit)
    client.force_login(secadmin)
    page = client.get(reverse("accounts:role-list")).content.decode()
    section = page[page.index('id="account-hygiene"') :]
    assert "inside" in section and "outside" not in section
    assert ApiToken.objects.count() == 0


def test_system_check_names_an_unknown_role(settings):
    from ronghe.accounts.checks import password_max_age_roles

    assert password_max_age_roles(None) == []
    settings.RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE = {"root": 30, "member": -1}
    settings.RONGHE_IDLE_ACCOUNT_DAYS = 0
    assert [p.id for p in password_max_age_roles(None)] == ["ronghe.E005", "ronghe.E006", "ronghe.E007"]
