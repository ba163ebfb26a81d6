"""System checks that `check --deploy` does not cover (security.md CFG-2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def ronghe_security(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if settings.SESSION_COOKIE_AGE > 1800:
        problems.append(Warning("会话空闲超时超过30分钟", id="ronghe.W001"))
    if not settings.AUTH_PASSWORD_VALIDATORS:
        problems.append(Error("未配置密码复杂度规则", id="ronghe.E002"))
    if "Argon2" not in settings.PASSWORD_HASHERS[0]:
        problems.append(Error("首选密码哈希算法必须为 Argon2", id="ronghe.E003"))
    return problems
