"""System checks that `check --deploy` does not cover (security.md CFG-2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db.utils import DatabaseError


@register(Tags.security, deploy=True)
def ronghe_security(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.SESSION_COOKIE_AGE > 1800:
        problems.append(Warning("会话空闲超时超过30分钟", id="ronghe.W001"))
    if not settings.AUTH_PASSWORD_VALIDATORS:
        problems.append(Error("未配置密码复杂度规则", id="ronghe.E002"))
    if "Argon2" not in settings.PASSWORD_HASHERS[0]:
        problems.append(Error("首选密码哈希算法必须为 Argon2", id="ronghe.E003"))
    return problems


@register(Tags.security, deploy=True)
def no_active_superuser(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """三员分立 leaves no room for an all-powerful account (security.md AUTH-9, CFG-2 AC-1)."""
    from django.contrib.auth import get_user_model

    try:
        names = list(
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .values_list("username", flat=True)
        )
    except DatabaseError:  # not migrated yet: no account can exist
        return []
    if not names:
        return []
    return [
        Error(
            f"存在启用的超级用户：{'、'.join(names)}",
            hint="停用这些账户（is_active=False），改用 ronghe bootstrap_admins 建立的三员账户。",
            id="ronghe.E004",
        )
    ]


@register(Tags.security)
def password_max_age_roles(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """`RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE` names only known roles, with non-negative days (AUTH-3)."""
    from ronghe.accounts.choices import Role

    configured = settings.RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE
    unknown = sorted(set(configured) - set(Role.values))
    problems: list[CheckMessage] = []
    if unknown:
        problems.append(
            Error(
                f"RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE 中有未知角色：{', '.join(unknown)}",
                hint=f"可用角色：{', '.join(Role.values)}",
                id="ronghe.E005",
            )
        )
    if any(days < 0 for days in [settings.RONGHE_PASSWORD_MAX_AGE_DAYS, *configured.values()]):
        problems.append(Error("密码最长使用天数不能为负数（0 为不限）", id="ronghe.E006"))
    if settings.RONGHE_IDLE_ACCOUNT_DAYS < 1:
        problems.append(Error("RONGHE_IDLE_ACCOUNT_DAYS 至少为 1", id="ronghe.E007"))
    return problems
