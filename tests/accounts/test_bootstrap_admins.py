import io
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from ronghe.accounts.choices import Role
from ronghe.accounts.models import RoleAssignment, User
from ronghe.core.models import AuditEntry
from ronghe.orgs.models import Organization
from tests.accounts.otp import pending_code
from tests.factories import OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
LINE = re.compile(r"用户名 (\w+)  初始密码 (\S+)")


def _bootstrap(*args: str) -> dict[str, str]:
    out = io.StringIO()
    call_command("bootstrap_admins", *args, stdout=out)
    return dict(LINE.findall(out.getvalue()))


def test_creates_three_admins_at_root_with_one_time_passwords(client):
    # given
    root = OrganizationFactory(name="县直机关工委")
    OrganizationFactory(name="甲局机关党委", parent=root)
    # when
    logins = _bootstrap()
    # then
    assert sorted(logins) == ["auditadmin", "secadmin", "sysadmin"]
    assert len(set(logins.values())) == 3
    roles = dict(RoleAssignment.objects.values_list("user__username", "role"))
    assert roles == {
        "sysadmin": Role.SYSTEM_ADMIN,
        "secadmin": Role.SECURITY_ADMIN,
        "auditadmin": Role.AUDIT_ADMIN,
    }
    assert set(RoleAssignment.objects.values_list("organization_id", flat=True)) == {root.pk}
    for username, password in logins.items():
        user = User.objects.get(username=username)
        assert user.must_change_password is True
        assert user.is_superuser is False
        assert user.is_staff is False
        assert user.check_password(password)
        validate_password(password, user)
    assert User.objects.filter(is_superuser=True).count() == 0
    assert AuditEntry.objects.filter(event="accounts.bootstrap_admin").count() == 3


def test_printed_password_logs_in_and_must_be_changed_first(client):
    OrganizationFactory(name="县直机关工委")
    password = _bootstrap()["auditadmin"]
    response = client.post(reverse("accounts:login"), {"username": "auditadmin", "password": password})
    assert response.status_code == 302
    # the second factor first (AUTH-8: nothing but the OTP step before it), then the password change
    assert client.get("/audit/")["Location"] == reverse("accounts:otp-setup")
    client.get(reverse("accounts:otp-setup"))
    client.post(reverse("accounts:otp-setup"), {"code": pending_code(client)})
    assert client.get("/audit/")["Location"] == reverse("accounts:password-change")


def test_passwords_never_reach_the_audit_log():
    OrganizationFactory(name="县直机关工委")
    logins = _bootstrap()
    dumped = " ".join(str(row) for row in AuditEntry.objects.values())
    for password in logins.values():
        assert password not in dumped


def test_refuses_when_they_exist_and_changes_nothing():
    OrganizationFactory(name="县直机关工委")
    first = _bootstrap()
    with pytest.raises(CommandError, match="三员账户已存在"):
        _bootstrap()
    assert User.objects.count() == 3
    assert all(User.objects.get(username=u).check_password(p) for u, p in first.items())


def test_refuses_when_a_role_is_already_held_elsewhere():
    root = OrganizationFactory(name="县直机关工委")
    grant(UserFactory(username="old_audit"), Role.AUDIT_ADMIN, root)
    with pytest.raises(CommandError, match="三员账户已存在"):
        _bootstrap()
    assert not User.objects.filter(username="sysadmin").exists()


def test_without_any_organization_asks_for_root_name_then_creates_it():
    with pytest.raises(CommandError, match="--root-name"):
        _bootstrap()
    assert User.objects.count() == 0
    logins = _bootstrap("--root-name", "某县直机关工委")
    root = Organization.objects.get()
    assert root.name == "某县直机关工委"
    assert root.parent_id is None
    assert len(logins) == 3


def test_dry_run_writes_nothing():
    OrganizationFactory(name="县直机关工委")
    out = io.StringIO()
    call_command("bootstrap_admins", "--dry-run", stdout=out)
    assert "检查通过" in out.getvalue()
    assert "初始密码" not in out.getvalue()
    assert User.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_createsuperuser_is_refused_in_chinese():
    with pytest.raises(CommandError, match="本系统不设超级用户"):
        call_command("createsuperuser", username="root", email="", interactive=False, stdout=io.StringIO())
    assert not User.objects.filter(username="root").exists()


def test_saving_an_active_superuser_is_refused():
    user = UserFactory(username="boss")
    user.is_superuser = True
    with pytest.raises(ValidationError):
        user.save()
    user.refresh_from_db()
    assert user.is_superuser is False


def test_deploy_check_fails_when_an_active_superuser_exists():
    # given: a superuser smuggled in past the model guard
    user = UserFactory(username="root")
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    # when
    errors = [e for e in run_checks(include_deployment_checks=True) if e.id == "ronghe.E004"]
    # then
    assert len(errors) == 1
    assert "root" in errors[0].msg
    # and: deactivating it clears the check
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not [e for e in run_checks(include_deployment_checks=True) if e.id == "ronghe.E004"]
