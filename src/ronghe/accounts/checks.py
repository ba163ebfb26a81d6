"""System checks of the accounts settings: the per-role password ages and the idle-account period."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from ronghe.accounts.choices import Role


@register(Tags.security)
def password_max_age_roles(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """`RONGHE_PASSWORD_MAX_AGE_DAYS_BY_ROLE` names only known roles, with non-negative days (AUTH-3)."""

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
