"""三员分立 (security.md AC-1, issue 17 finding 3): the three administrator roles exclude each other and
every business role, in either order; nobody grants a role to themselves; the audit administrator is
never disabled or demoted by one person alone. Each refusal is audited as a failure and writes nothing."""

import pytest
from django.urls import reverse

from ronghe.accounts import services
from ronghe.accounts.choices import THREE_ADMINS, Role
from ronghe.accounts.models import RoleAssignment
from ronghe.accounts.policy import roles_conflict
from ronghe.core.models import AuditEntry
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

BUSINESS_ROLES = sorted(set(Role.values) - THREE_ADMINS)


@pytest.fixture
def secadmin(cast):
    user = UserFactory(username="secadmin")
    grant(user, Role.SECURITY_ADMIN, cast.committee)
    return user


def _roles(user) -> list[str]:
    return sorted(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def test_security_admin_cannot_give_system_admin_the_committee_admin_role(client_for, cast, secadmin):
    # given the probe's first step: 系统管理员 + 工委管理员 (who reads full IDs)
    # when
    response = client_for(secadmin).post(
        reverse("accounts:role-grant"),
        {"username": "sysadmin", "role": "work_committee_admin", "organization": cast.committee.code},
    )
    # then
    assert response.status_code == 200
    assert "三员分立：该用户已担任系统管理员，不能再授予工委管理员" in response.content.decode()
    assert _roles(cast.sysadmin) == ["system_admin"]
    entry = AuditEntry.objects.get(event="role.grant")
    assert (entry.outcome, entry.changes["role"]) == ("failure", "work_committee_admin")


def test_security_admin_cannot_give_committee_admin_the_audit_role(client_for, cast, secadmin):
    # given the probe's second step: 工委管理员 + 审计管理员 (who reads their own trail)
    # when
    response = client_for(secadmin).post(
        reverse("accounts:role-grant"),
        {"username": "gw", "role": "audit_admin", "organization": cast.committee.code},
    )
    # then
    assert "三员分立：该用户已担任工委管理员，不能再授予审计管理员" in response.content.decode()
    assert _roles(cast.committee_admin) == ["work_committee_admin"]
    assert AuditEntry.objects.get(event="role.grant").outcome == "failure"


@pytest.mark.parametrize("admin_role", sorted(THREE_ADMINS))
@pytest.mark.parametrize("business_role", BUSINESS_ROLES)
@pytest.mark.parametrize("admin_first", [True, False], ids=["admin_first", "business_first"])
def test_admin_roles_exclude_every_business_role_in_either_order(
    cast, secadmin, admin_role, business_role, admin_first
):
    # given
    user = UserFactory(username="dual")
    first, second = (admin_role, business_role) if admin_first else (business_role, admin_role)
    services.grant_role(actor=secadmin, user=user, role=first, organization=cast.org_a)
    # when / then
    with pytest.raises(services.AccountError, match="^三员分立：该用户已担任"):
        services.grant_role(actor=secadmin, user=user, role=second, organization=cast.branch_a)
    assert _roles(user) == [first]


@pytest.mark.parametrize("first", sorted(THREE_ADMINS))
@pytest.mark.parametrize("second", sorted(THREE_ADMINS))
def test_admin_roles_exclude_each_other(cast, secadmin, first, second):
    # given
    user = UserFactory(username="dual")
    services.grant_role(actor=secadmin, user=user, role=first, organization=cast.committee)
    if first == second:
        # the same administrator role at another node is not a conflict
        services.grant_role(actor=secadmin, user=user, role=second, organization=cast.org_a)
        assert _roles(user) == [first, second]
        return
    # when / then
    with pytest.raises(services.AccountError, match="^三员分立"):
        services.grant_role(actor=secadmin, user=user, role=second, organization=cast.org_a)
    assert _roles(user) == [first]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("system_admin", "work_committee_admin", True),
        ("audit_admin", "member", True),
        ("security_admin", "judge", True),
        ("audit_admin", "system_admin", True),
        ("audit_admin", "audit_admin", False),
        ("branch_secretary", "unit_admin", False),
    ],
    ids=[
        "sys_gw_case",
        "audit_member_case",
        "sec_judge_case",
        "audit_sys_case",
        "same_case",
        "business_case",
    ],
)
def test_roles_conflict_rule(a, b, expected):
    assert roles_conflict(a, b) is expected
    assert roles_conflict(b, a) is expected


def test_business_roles_can_still_be_combined(cast, secadmin):
    services.grant_role(actor=secadmin, user=cast.member_a, role=Role.JUDGE, organization=cast.org_a)
    assert _roles(cast.member_a) == ["judge", "member"]


def test_nobody_revokes_their_own_role_and_the_attempt_is_audited(cast, secadmin):
    own = RoleAssignment.objects.get(user=secadmin)
    with pytest.raises(services.AccountError, match="^不能撤销自己的角色$"):
        services.revoke_role(actor=secadmin, assignment=own)
    assert _roles(secadmin) == ["security_admin"]
    assert AuditEntry.objects.get(event="role.revoke").outcome == "failure"


def test_system_admin_cannot_deactivate_the_auditor(client_for, cast):
    # given the probe's third step
    # when
    client_for(cast.sysadmin).post(
        reverse("accounts:user-set-active", args=[cast.auditor.pk]), {"active": "0"}
    )
    # then
    cast.auditor.refresh_from_db()
    assert cast.auditor.is_active is True
    entry = AuditEntry.objects.get(event="user.deactivate")
    assert (entry.outcome, entry.object_id) == ("failure", str(cast.auditor.pk))
    with pytest.raises(services.AccountError) as exc:
        services.set_active(actor=cast.sysadmin, user=cast.auditor, active=False)
    assert exc.value.message == (
        "三员分立：审计管理员账户不能由系统管理员单独停用，请先由安全管理员撤销其审计管理员角色"
    )


def test_the_only_auditor_cannot_be_demoted(client_for, cast, secadmin):
    # given one active auditor
    assignment = RoleAssignment.objects.get(user=cast.auditor)
    # when
    client_for(secadmin).post(reverse("accounts:role-revoke", args=[assignment.pk]))
    # then
    assert _roles(cast.auditor) == ["audit_admin"]
    assert AuditEntry.objects.get(event="role.revoke").outcome == "failure"
    with pytest.raises(services.AccountError) as exc:
        services.revoke_role(actor=secadmin, assignment=assignment)
    assert exc.value.message == (
        "三员分立：撤销后该范围内将没有其他在用的审计管理员，请先为另一账户授予审计管理员角色"
    )


def test_an_inactive_second_auditor_does_not_count(cast, secadmin):
    other = UserFactory(username="auditor2", is_active=False)
    grant(other, Role.AUDIT_ADMIN, cast.committee)
    with pytest.raises(services.AccountError, match="^三员分立：撤销后"):
        services.revoke_role(actor=secadmin, assignment=RoleAssignment.objects.get(user=cast.auditor))


def test_auditor_is_demoted_then_deactivated_by_two_people(client_for, cast, secadmin):
    # given a second active auditor at the root
    grant(UserFactory(username="auditor2"), Role.AUDIT_ADMIN, cast.committee)
    assignment = RoleAssignment.objects.get(user=cast.auditor)
    # when the security administrator demotes, then the system administrator deactivates
    client_for(secadmin).post(reverse("accounts:role-revoke", args=[assignment.pk]))
    client_for(cast.sysadmin).post(
        reverse("accounts:user-set-active", args=[cast.auditor.pk]), {"active": "0"}
    )
    # then
    cast.auditor.refresh_from_db()
    assert (_roles(cast.auditor), cast.auditor.is_active) == ([], False)
    assert list(
        AuditEntry.objects.filter(event__in=["role.revoke", "user.deactivate"])
        .order_by("id")
        .values_list("event", "outcome")
    ) == [("role.revoke", "success"), ("user.deactivate", "success")]
