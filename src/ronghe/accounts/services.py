"""Account use-cases: the one-time bootstrap of the 三员 accounts, roles at nodes (安全管理员)
and user accounts (系统管理员). Audited.

三员分立: the system, security and audit administrator roles are mutually exclusive for one
account, and nobody grants or revokes their own roles.
"""

from __future__ import annotations

import secrets
import string
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ronghe.accounts.choices import THREE_ADMINS, Role, TokenRevocation
from ronghe.accounts.models import ApiToken, PasswordHistory, RoleAssignment, User
from ronghe.accounts.policy import roles_conflict
from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import can_manage_user, has_perm_anywhere, require_at
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


class AccountError(DomainError):
    """A refused change, with a Chinese message."""


def normalize_username(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip().casefold()


def _refused(event: str, *, actor: User, user: User, exc: AccountError, **changes: str) -> None:
    """Record a refused account change. Called outside the refused transaction so the row stays."""
    audit.record(
        event,
        actor=actor,
        object_type="accounts.user",
        object_id=str(user.pk),
        object_repr=user.username,
        outcome="failure",
        changes={**changes, "reason": exc.message},
    )


def grant_role(*, actor: User, user: User, role: str, organization: Organization) -> RoleAssignment:
    """Grant `role` at `organization`. Refused (and audited as a failure) when the actor grants
    themselves or the grant would break 三员分立 (`policy.roles_conflict`)."""
    require_at(actor, "roles.grant", organization.path)
    try:
        return _grant(actor=actor, user=user, role=role, organization=organization)
    except AccountError as exc:
        _refused("role.grant", actor=actor, user=user, exc=exc, role=role, organization=organization.name)
        raise


@transaction.atomic
def _grant(*, actor: User, user: User, role: str, organization: Organization) -> RoleAssignment:
    if user.pk == actor.pk:
        raise AccountError("不能给自己授予角色")
    if role not in Role.values:
        raise AccountError("角色：无效的角色", field="role")
    # one grant at a time per account, so two concurrent grants cannot each miss the other
    User.objects.select_for_update().filter(pk=user.pk).exists()
    for held in sorted(set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))):
        if roles_conflict(held, role):
            raise AccountError(f"三员分立：该用户已担任{Role(held).label}，不能再授予{Role(role).label}")
    if RoleAssignment.objects.filter(user=user, role=role, organization=organization).exists():
        raise AccountError("该用户已在此党组织担任此角色")
    assignment = RoleAssignment.objects.create(user=user, role=role, organization=organization)
    audit.record(
        "role.grant",
        actor=actor,
        object_type="accounts.roleassignment",
        object_id=str(assignment.pk),
        object_repr=str(assignment),
        org_path=organization.path,
        changes={"user": user.username, "role": role, "organization": organization.name},
    )
    return assignment


def revoke_role(*, actor: User, assignment: RoleAssignment) -> None:
    """Take a role away. Nobody revokes their own; the 审计管理员 role of an active account is revoked
    only while another active account holds it at the same node or above (the audit function never
    ends by one person's act; its account is then deactivated by the system administrator)."""
    require_at(actor, "roles.grant", assignment.organization.path)
    try:
        _revoke(actor=actor, assignment=assignment)
    except AccountError as exc:
        _refused(
            "role.revoke",
            actor=actor,
            user=assignment.user,
            exc=exc,
            role=assignment.role,
            organization=assignment.organization.name,
        )
        raise


@transaction.atomic
def _revoke(*, actor: User, assignment: RoleAssignment) -> None:
    if assignment.user_id == actor.pk:
        raise AccountError("不能撤销自己的角色")
    if assignment.role == Role.AUDIT_ADMIN and assignment.user.is_active:
        # lock every audit role so two revocations cannot each count on the other auditor
        others = (
            RoleAssignment.objects.select_for_update()
            .filter(role=Role.AUDIT_ADMIN, user__is_active=True)
            .exclude(user_id=assignment.user_id)
            .values_list("organization__path", flat=True)
        )
        if not any(assignment.organization.path.startswith(path) for path in others):
            raise AccountError(
                "三员分立：撤销后该范围内将没有其他在用的审计管理员，请先为另一账户授予审计管理员角色"
            )
    audit.record(
        "role.revoke",
        actor=actor,
        object_type="accounts.roleassignment",
        object_id=str(assignment.pk),
        object_repr=str(assignment),
        org_path=assignment.organization.path,
        changes={
            "user": assignment.user.username,
            "role": assignment.role,
            "organization": assignment.organization.name,
        },
    )
    assignment.delete()


def _require_user_admin(actor: User) -> None:
    if not has_perm_anywhere(actor, "users.manage"):
        raise PermissionDenied("您没有管理用户账户的权限")


@transaction.atomic
def create_user(*, actor: User, username: str, display_name: str, password: str) -> User:
    """A new local account that must change its password at first login."""
    _require_user_admin(actor)
    name = normalize_username(username)
    if not name:
        raise AccountError("用户名：不能为空")
    if any(
        normalize_username(u) == name
        for u in User.objects.filter(username__iexact=name).values_list("username", flat=True)
    ):
        raise AccountError("用户名：已被使用")
    user = User(username=name, display_name=display_name.strip(), must_change_password=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("初始密码：" + "；".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    audit.record(
        "user.create",
        actor=actor,
        object_type="accounts.user",
        object_id=str(user.pk),
        object_repr=user.username,
    )
    return user


def set_active(*, actor: User, user: User, active: bool) -> User:
    """(De)activate an account. Nobody deactivates themselves, and an account holding the 审计管理员
    role is not deactivated by the system administrator alone: the security administrator first revokes
    the role (`revoke_role`, which needs another active auditor). Refusals are audited as failures."""
    _require_user_admin(actor)
    if not can_manage_user(actor, "users.manage", user):
        raise PermissionDenied("该账户有角色或党员信息在您的管理范围之外，请由上级系统管理员处理")
    try:
        return _set_active(actor=actor, user=user, active=active)
    except AccountError as exc:
        _refused("user.activate" if active else "user.deactivate", actor=actor, user=user, exc=exc)
        raise


@transaction.atomic
def _set_active(*, actor: User, user: User, active: bool) -> User:
    if user.pk == actor.pk:
        raise AccountError("不能停用自己的账户")
    # the same row lock as `_grant`: an audit role granted meanwhile is seen here
    User.objects.select_for_update().filter(pk=user.pk).exists()
    if not active and RoleAssignment.objects.filter(user=user, role=Role.AUDIT_ADMIN).exists():
        raise AccountError(
            "三员分立：审计管理员账户不能由系统管理员单独停用，请先由安全管理员撤销其审计管理员角色"
        )
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            "user.activate" if active else "user.deactivate",
            actor=actor,
            object_type="accounts.user",
            object_id=str(user.pk),
            object_repr=user.username,
        )
    if not active:
        _revoke_tokens_of(user, TokenRevocation.DEACTIVATED, actor=actor)
    return user


@transaction.atomic
def change_password(*, user: User, new_password: str) -> User:
    """The user's own password change; the form has checked the old password and the password rules.

    The same password again is refused, and so is any of the previous ones kept (security.md AUTH-3:
    not one of the last RONGHE_PASSWORD_HISTORY, the current one included); older hashes are dropped.
    """
    if user.check_password(new_password):
        raise AccountError("新密码不能与当前密码相同", field="new_password1")
    keep = max(settings.RONGHE_PASSWORD_HISTORY - 1, 0)
    previous = list(user.password_history.all()[:keep]) if keep else []
    if any(check_password(new_password, old.password) for old in previous):
        raise AccountError(
            f"新密码不能与最近 {settings.RONGHE_PASSWORD_HISTORY} 次使用过的密码相同", field="new_password1"
        )
    with transaction.atomic():
        if keep and user.has_usable_password():
            PasswordHistory.objects.create(user=user, password=user.password)
            stale = user.password_history.values_list("pk", flat=True)[keep:]
            PasswordHistory.objects.filter(pk__in=list(stale)).delete()
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record("auth.password_changed", actor=user, object_type="accounts.user", object_id=str(user.pk))
    _revoke_tokens_of(user, TokenRevocation.PASSWORD_CHANGED, actor=user)
    return user


# --- API tokens -----------------------------------------------------------------------------------

TOKEN_DAYS_MAX = 365


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def issue_token(*, user: User, days: int | None = None, actor: User | None = None) -> IssuedToken:
    """A new bearer token for an active account, valid for `days` (default `RONGHE_TOKEN_DAYS`, 1–365).
    Only its SHA-256 digest is stored."""
    days = settings.RONGHE_TOKEN_DAYS if days is None else days
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise AccountError(f"有效天数：须在 1 到 {TOKEN_DAYS_MAX} 之间", field="days")
    if not user.is_active:
        raise AccountError("用户已停用，不能签发令牌", field="username")
    secret = "rh_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(secret),
        prefix=secret[:8],
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(
        "token.issue",
        actor=actor,
        obj=user,
        username="" if actor is not None else "(命令行)",
        changes={"days": days, "prefix": token.prefix},
    )
    return IssuedToken(token, secret)


def _revoke_token_row(token: ApiToken, reason: str, *, actor: User | None) -> None:
    token.revoked = True
    token.revoked_at = timezone.now()
    token.revoked_reason = reason
    token.save(update_fields=["revoked", "revoked_at", "revoked_reason"])
    audit.record(
        "token.revoke",
        actor=actor,
        object_type="accounts.apitoken",
        object_id=str(token.pk),
        object_repr=f"{token.user.username} {token.prefix}…",
        username="" if actor is not None else "(命令行)",
        changes={"reason": reason},
    )


@transaction.atomic
def revoke_token(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke one token by hand (the security administrator's page, or `ronghe tokens revoke` with no
    actor). The caller has fetched it through scope."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked:
        raise AccountError("该令牌已吊销")
    _revoke_token_row(token, TokenRevocation.MANUAL, actor=actor)
    return token


def _revoke_tokens_of(user: User, reason: str, *, actor: User | None) -> None:
    """Every live token of the account, revoked with the reason, one audit row each (inside the caller's
    transaction). Expired tokens are left as they are: they no longer authenticate."""
    live = ApiToken.objects.select_for_update().select_related("user")
    for token in live.filter(user=user, revoked=False, expires_at__gt=timezone.now()):
        _revoke_token_row(token, reason, actor=actor)
