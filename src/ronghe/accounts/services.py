"""Account use-cases that are not role management: the one-time bootstrap of the 三员 accounts."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from ronghe.accounts.choices import THREE_ADMINS, Role
from ronghe.accounts.models import RoleAssignment, User
from ronghe.core import audit
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization

# username, display name, role — one account per role, never combined (三员分立).
THREE_ADMIN_ACCOUNTS = (
    ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN),
    ("secadmin", "安全管理员", Role.SECURITY_ADMIN),
    ("auditadmin", "审计管理员", Role.AUDIT_ADMIN),
)


class BootstrapRefused(Exception):
    """The bootstrap would duplicate or guess; the message says why, in Chinese."""


@dataclass(frozen=True)
class IssuedLogin:
    role_label: str
    username: str
    password: str
    organization: str


def one_time_password(user: User, length: int = 16) -> str:
    """A random password that passes the project's password rules (all four character classes)."""
    pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "@#%+=-_!")
    rng = secrets.SystemRandom()
    while True:
        chars = [rng.choice(pool) for pool in pools]
        chars += [rng.choice("".join(pools)) for _ in range(length - len(pools))]
        rng.shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def _root_organization(root_name: str | None) -> Organization:
    roots = list(Organization.objects.filter(parent__isnull=True)[:2])
    if len(roots) > 1:
        raise BootstrapRefused("存在多个根党组织，无法确定三员账户的管理范围。")
    if roots:
        return roots[0]
    if not root_name:
        raise BootstrapRefused("尚无根党组织，请用 --root-name 指定机关工委名称（如“县直机关工委”）。")
    org = Organization.objects.create(name=root_name, kind=OrgKind.COMMITTEE)
    audit.record("orgs.create", obj=org, username="(命令行)", changes={"name": [None, root_name]})
    return org


def bootstrap_three_admins(*, root_name: str | None = None, dry_run: bool = False) -> list[IssuedLogin]:
    """Create the system, security and audit administrator at the root organization, once.

    Each gets a random one-time password and must change it at first login (security.md AUTH-9, ASVS 6.4.1).
    Refused when any of the three roles is already held or any of the usernames is taken. Never creates a
    superuser.
    """
    usernames = [username for username, _, _ in THREE_ADMIN_ACCOUNTS]
    with transaction.atomic():
        holders = RoleAssignment.objects.filter(role__in=THREE_ADMINS, user__is_active=True)
        if holders.exists() or User.objects.filter(username__in=usernames).exists():
            raise BootstrapRefused("三员账户已存在，不再重复生成。如需重置密码，请由安全管理员处理。")
        root = _root_organization(root_name)
        issued = []
        for username, label, role in THREE_ADMIN_ACCOUNTS:
            user = User(username=username, display_name=label, must_change_password=True)
            password = one_time_password(user)
            user.set_password(password)
            user.save()
            RoleAssignment.objects.create(user=user, role=role, organization=root)
            audit.record(
                "accounts.bootstrap_admin",
                obj=user,
                username="(命令行)",
                org_path=root.path,
                changes={"role": [None, str(role)], "organization": [None, root.name]},
            )
            issued.append(IssuedLogin(label, username, password, root.name))
        if dry_run:
            transaction.set_rollback(True)
    return issued
