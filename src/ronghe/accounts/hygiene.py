"""Account hygiene (issue 17 item 9): a password's maximum age per role, and idle accounts disabled.

security.md AUTH-3 (22239 L3 "定期更换"): a password older than its maximum age (default 90 days,
`RONGHE_PASSWORD_MAX_AGE_DAYS`, per role `RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE`; an account with several
roles gets the shortest) must be changed before anything else (`PasswordChangeRequiredMiddleware`).
Demo accounts share a published password and are exempt.

security.md AUTH-10 (22239 L3 "及时删除或停用多余的、过期的账户"): an active account with no login for
`RONGHE_IDLE_ACCOUNT_DAYS` (default 90; since it joined when it never logged in) is deactivated by the
daily `ronghe disable_idle_accounts`, one audit row each, its tokens revoked. The last active holder of
each of the three administrator roles is kept, so the job never locks the administrators out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import DateTimeField, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from ronghe.accounts.choices import THREE_ADMINS, Role, TokenRevocation
from ronghe.accounts.models import RoleAssignment, User
from ronghe.core import audit

JOB_USERNAME = "(定时任务)"


# --------------------------------------------------------------------------- password maximum age


def _by_role() -> dict[str, int]:
    configured = settings.RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE
    unknown = set(configured) - set(Role.values)
    if unknown:
        raise ImproperlyConfigured(
            f"RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE: unknown roles {sorted(unknown)}; known: {Role.values}"
        )
    return dict(configured)


def max_age_for_roles(roles: set[str] | frozenset[str]) -> int | None:
    """Days a password of an account with these roles may be used; None when there is no maximum.
    The shortest of the roles' ages; the default for an account without a role configured."""
    by_role = _by_role()
    ages = [by_role.get(role, settings.RONGHE_PASSWORD_MAX_AGE_DAYS) for role in roles] or [
        settings.RONGHE_PASSWORD_MAX_AGE_DAYS
    ]
    positive = [age for age in ages if age > 0]
    return min(positive) if positive else None


def _shortest_configured() -> int | None:
    ages = [a for a in [settings.RONGHE_PASSWORD_MAX_AGE_DAYS, *_by_role().values()] if a > 0]
    return min(ages) if ages else None


def password_set_at(user: User) -> datetime:
    return user.password_changed_at or user.date_joined


def password_expires_at(user: User, roles: set[str] | None = None) -> datetime | None:
    """When the account's password must be changed; None for demo accounts and when there is no maximum."""
    if user.is_demo:
        return None
    if roles is None:
        roles = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    days = max_age_for_roles(roles)
    return None if days is None else password_set_at(user) + timedelta(days=days)


def password_expired(user: User, now: datetime | None = None) -> bool:
    """True once the password is older than its maximum age. Cheap for a fresh password: the roles are
    read only when it is older than the shortest configured age."""
    if user.is_demo:
        return False
    now = now or timezone.now()
    shortest = _shortest_configured()
    if shortest is None or now - password_set_at(user) <= timedelta(days=shortest):
        return False
    expires = password_expires_at(user)
    return expires is not None and now > expires


@dataclass(frozen=True)
class ExpiredPassword:
    user: User
    changed_at: datetime
    expires_at: datetime


def expired_passwords(users: QuerySet[User], now: datetime | None = None) -> list[ExpiredPassword]:
    """The active, non-demo accounts among `users` whose password is past its maximum age, oldest first."""
    now = now or timezone.now()
    shortest = _shortest_configured()
    if shortest is None:
        return []
    candidates = (
        users.filter(is_active=True, is_demo=False)
        .annotate(set_at=Coalesce("password_changed_at", "date_joined", output_field=DateTimeField()))
        .filter(set_at__lt=now - timedelta(days=shortest))
        .prefetch_related("role_assignments")
        .order_by("set_at", "pk")
    )
    found = []
    for user in candidates:
        expires = password_expires_at(user, {ra.role for ra in user.role_assignments.all()})
        if expires is not None and now > expires:
            found.append(ExpiredPassword(user, password_set_at(user), expires))
    return found


# ------------------------------------------------------------------------------- idle accounts


def last_seen_expr() -> Coalesce:
    return Coalesce("last_login", "date_joined", output_field=DateTimeField())


def idle_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.RONGHE_IDLE_ACCOUNT_DAYS)


def idle_accounts(now: datetime | None = None) -> QuerySet[User]:
    """Active accounts with no login (or, never logged in, joined) before the idle period, oldest first."""
    return (
        User.objects.filter(is_active=True)
        .annotate(last_seen=last_seen_expr())
        .filter(last_seen__lt=idle_cutoff(now))
        .order_by("last_seen", "pk")
    )


@dataclass(frozen=True)
class IdlePlan:
    disable: list[User]
    kept: list[tuple[User, str]]  # (account, why it is kept)


def plan_idle(now: datetime | None = None) -> IdlePlan:
    """Which idle accounts go, and which are kept as the last active holder of an administrator role.

    For each of the three administrator roles whose active holders are all idle, the most recently seen
    of them is kept (the role would otherwise have nobody left to hold it)."""
    idle = list(idle_accounts(now))
    idle_ids = {u.pk for u in idle}
    keep: dict[int, str] = {}
    for role in sorted(THREE_ADMINS):
        holders = (
            User.objects.filter(is_active=True, role_assignments__role=role)
            .annotate(last_seen=last_seen_expr())
            .order_by("-last_seen", "-pk")
            .distinct()
        )
        holder_ids = [u.pk for u in holders]
        if holder_ids and all(pk in idle_ids for pk in holder_ids):
            keep.setdefault(holder_ids[0], f"最后一名在用的{Role(role).label}")
    return IdlePlan(
        disable=[u for u in idle if u.pk not in keep],
        kept=[(u, keep[u.pk]) for u in idle if u.pk in keep],
    )


def disable_idle_accounts(*, dry_run: bool = False, now: datetime | None = None) -> IdlePlan:
    """Deactivate the idle accounts of `plan_idle`: one audit row each (`user.deactivate_idle`), and their
    live tokens revoked. Returns what was done; with `dry_run`, only the plan."""
    from ronghe.accounts.services import _revoke_tokens_of

    plan = plan_idle(now)
    if dry_run:
        return plan
    days = settings.RONGHE_IDLE_ACCOUNT_DAYS
    done: list[User] = []
    for user in plan.disable:
        with transaction.atomic():
            # a login meanwhile (or a deactivation by hand) takes the account off the list
            locked = User.objects.select_for_update().filter(pk=user.pk, is_active=True)
            fresh = locked.annotate(last_seen=last_seen_expr()).filter(last_seen__lt=idle_cutoff(now)).first()
            if fresh is None:
                continue
            fresh.is_active = False
            fresh.save(update_fields=["is_active"])
            audit.record(
                "user.deactivate_idle",
                object_type="accounts.user",
                object_id=str(fresh.pk),
                object_repr=fresh.username,
                username=JOB_USERNAME,
                changes={
                    "last_seen": timezone.localtime(user.last_seen).isoformat(),  # type: ignore[attr-defined]
                    "idle_days": days,
                },
            )
            _revoke_tokens_of(fresh, TokenRevocation.DEACTIVATED, actor=None)
        done.append(user)
    return IdlePlan(disable=done, kept=plan.kept)
