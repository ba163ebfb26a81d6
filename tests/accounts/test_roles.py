"""三员 administration: security admin grants roles, system admin manages accounts, all audited."""

import pytest
from django.urls import reverse

from ronghe.accounts.models import RoleAssignment, User
from ronghe.core.models import AuditEntry
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def secadmin(cast):
    user = UserFactory(username="secadmin")
    grant(user, "security_admin", cast.committee)
    return user


def test_security_admin_grants_and_revokes(client_for, cast, secadmin):
    newbie = UserFactory(username="newbie")
    client = client_for(secadmin)
    response = client.post(
        reverse("accounts:role-grant"),
        {"username": "NewBie", "role": "branch_secretary", "organization": cast.branch_a.code},
    )
    assert response.status_code == 302
    ra = RoleAssignment.objects.get(user=newbie)
    assert (ra.role, ra.organization_id) == ("branch_secretary", cast.branch_a.pk)
    assert AuditEntry.objects.get(event="role.grant").changes["role"] == "branch_secretary"
    client.post(reverse("accounts:role-revoke", args=[ra.pk]))
    assert not RoleAssignment.objects.filter(user=newbie).exists()
    assert AuditEntry.objects.filter(event="role.revoke").count() == 1


def test_nobody_grants_themselves(client_for, cast, secadmin):
    response = client_for(secadmin).post(
        reverse("accounts:role-grant"),
        {"username": "secadmin", "role": "work_committee_admin", "organization": cast.committee.code},
    )
    assert "不能给自己授予角色" in response.content.decode()
    assert list(RoleAssignment.objects.filter(user=secadmin).values_list("role", flat=True)) == [
        "security_admin"
    ]
    assert AuditEntry.objects.get(event="role.grant").outcome == "failure"


def test_three_admins_are_exclusive(client_for, cast, secadmin):
    response = client_for(secadmin).post(
        reverse("accounts:role-grant"),
        {"username": "sysadmin", "role": "audit_admin", "organization": cast.committee.code},
    )
    assert "三员分立" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=cast.sysadmin, role="audit_admin").exists()


def test_unknown_user_message(client_for, cast, secadmin):
    response = client_for(secadmin).post(
        reverse("accounts:role-grant"),
        {"username": "ghost", "role": "member", "organization": cast.branch_a.code},
    )
    assert "没有这个用户" in response.content.decode()


def test_system_admin_cannot_grant_roles_or_read_audit(client_for, cast):
    client = client_for(cast.sysadmin)
    assert client.get(reverse("accounts:role-list")).status_code == 403
    response = client.post(
        reverse("accounts:role-grant"),
        {"username": "sysadmin", "role": "work_committee_admin", "organization": cast.committee.code},
    )
    assert response.status_code == 403
    assert client.get(reverse("audit:entry-list")).status_code == 403
    assert list(RoleAssignment.objects.filter(user=cast.sysadmin).values_list("role", flat=True)) == [
        "system_admin"
    ]


def test_security_admin_cannot_read_members_or_audit(client_for, cast, secadmin):
    client = client_for(secadmin)
    assert client.get(reverse("members:member-list")).status_code == 403
    assert client.get(reverse("audit:entry-list")).status_code == 403


def test_system_admin_creates_and_deactivates_users(client_for, cast):
    client = client_for(cast.sysadmin)
    response = client.post(
        reverse("accounts:user-create"),
        {"username": "Wang", "display_name": "王五", "password": "Hong#Qi-2026-Lake"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="wang")
    assert user.must_change_password and user.check_password("Hong#Qi-2026-Lake")
    client.post(reverse("accounts:user-set-active", args=[user.pk]), {"active": "0"})
    user.refresh_from_db()
    assert user.is_active is False
    assert list(
        AuditEntry.objects.filter(event__startswith="user.").order_by("id").values_list("event", flat=True)
    ) == [
        "user.create",
        "user.deactivate",
    ]


def test_duplicate_username_message(client_for, cast):
    response = client_for(cast.sysadmin).post(
        reverse("accounts:user-create"),
        {"username": "ＳＥＣ_Ａ", "display_name": "重名", "password": "Hong#Qi-2026-Lake"},
    )
    assert "用户名：已被使用" in response.content.decode()


def test_weak_password_message(client_for, cast):
    response = client_for(cast.sysadmin).post(
        reverse("accounts:user-create"), {"username": "zhao", "display_name": "赵", "password": "12345678"}
    )
    assert "初始密码：" in response.content.decode()
    assert not User.objects.filter(username="zhao").exists()


def test_audit_admin_changes_nothing(client_for, cast):
    client = client_for(cast.auditor)
    assert client.post(reverse("accounts:user-create"), {"username": "x"}).status_code == 403
    assert client.post(reverse("orgs:organization-create"), {"name": "x"}).status_code == 403
    assert client.get(reverse("audit:entry-list")).status_code == 200
