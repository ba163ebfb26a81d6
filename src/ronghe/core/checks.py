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
    if not any(name in settings.PASSWORD_HASHERS[0] for name in ("Argon2", "PBKDF2SM3")):
        problems.append(Error("首选密码哈希算法必须为 Argon2（或 PBKDF2-HMAC-SM3）", id="ronghe.E003"))
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


@register(deploy=True)
def restore_drill_recent(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """BR-2: a backup never restored is not known to work. Warn when the last successful restore
    (drill) is older than RONGHE_RESTORE_DRILL_DAYS, or when backups have been made for that long
    without one. A new installation without any backup record is not warned here."""
    from datetime import UTC, datetime, timedelta

    from ronghe.core.backup import history, last_drill

    days = settings.RONGHE_RESTORE_DRILL_DAYS
    entries = history()
    if not entries:
        return []
    drill = last_drill()
    since = (drill or entries[0]).get("at", "")
    try:
        at = datetime.strptime(since, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        at = datetime.min.replace(tzinfo=UTC)
    if datetime.now(UTC) - at <= timedelta(days=days):
        return []
    what = f"最近一次成功的恢复演练在 {since}" if drill else f"自 {since} 起有备份，但没有成功的恢复演练"
    return [
        Warning(
            f"{what}，已超过 {days} 天",
            hint="在另一台机器或临时数据库上用 ronghe restore 做一次恢复演练（docs/deployment.md 第 9 节）。",
            id="ronghe.W005",
        )
    ]


@register(Tags.security, deploy=True)
def guomi_keys_in_use(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """RONGHE_CRYPTO=sm4 promises 国密 for stored personal data (密评): warn while the active field or
    audit key is still AES/SHA-256, or a blind-index move is unfinished, so the operator runs
    `rotate_keys --algorithm sm4` (or `--resume`). Only existing key files are read."""
    from pathlib import Path

    from ronghe.core import auditkeys, crypto

    if not Path(settings.FIELD_KEYS_FILE).exists():
        return []
    ring = crypto.keyring()
    problems: list[CheckMessage] = []
    if ring.mac_previous:
        problems.append(
            Warning(
                f"盲索引正从密钥 {ring.mac_previous} 迁往 {ring.mac_active}，尚未完成",
                hint="运行 ronghe rotate_keys --resume 完成。",
                id="ronghe.W008",
            )
        )
    wanted = crypto.FAMILIES[crypto.configured_family()]
    audit_ring = auditkeys.load()
    in_use = (ring.enc[ring.active].alg, ring.mac.alg, audit_ring.active.alg if audit_ring else wanted[1])
    if in_use != (*wanted, wanted[1]):
        problems.append(
            Warning(
                f"RONGHE_CRYPTO={crypto.configured_family()}，但当前密钥为 {'、'.join(in_use)}",
                hint=f"运行 ronghe rotate_keys --algorithm {crypto.configured_family()}（docs/deployment.md）。",
                id="ronghe.W009",
            )
        )
    return problems
