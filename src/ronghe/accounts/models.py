from __future__ import annotations

import hashlib
from typing import Any, ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from ronghe.accounts.choices import Role, TokenRevocation
from ronghe.accounts.policy import roles_conflict


class User(AbstractUser):
    """A login. Linked to at most one Member (a person has one account)."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    member = models.OneToOneField(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        verbose_name="对应党员",
    )
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    is_demo = models.BooleanField("演示账户", default=False)

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # 三员分立: no account holds every right, so no active superuser is ever saved (security.md AUTH-9, AC-1).
        if self.is_superuser and self.is_active:
            raise ValidationError(
                "本系统不设超级用户，请用 ronghe bootstrap_admins 建立系统、安全、审计管理员账户。"
            )
        super().save(*args, **kwargs)

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class RoleAssignment(models.Model):
    """A user acts in a role at an organization node and sees exactly its subtree."""

    scope_org_field = "organization"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name="用户"
    )
    role = models.CharField("角色", max_length=40, choices=Role.choices)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="role_assignments", verbose_name="党组织"
    )
    created_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授予"
        verbose_name_plural = "角色授予"
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="unique_role_at_node"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.organization}"

    def clean(self) -> None:
        held = (
            RoleAssignment.objects.filter(user_id=self.user_id)
            .exclude(pk=self.pk)
            .values_list("role", flat=True)
        )
        if any(roles_conflict(role, self.role) for role in held):
            raise ValidationError(
                "三员分立：管理员角色不能与其他管理员角色或有业务数据权限的角色由同一账户兼任"
            )


class ApiToken(models.Model):
    """A bearer token for machine clients; only its SHA-256 digest is stored. It authenticates until
    `expires_at` unless revoked (by hand, or with the owner's password change or deactivation)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="用户")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("到期时间")
    revoked = models.BooleanField("已吊销", default=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_reason = models.CharField(
        "吊销原因", max_length=20, choices=TokenRevocation.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def status(self) -> str:
        if self.revoked:
            return "已吊销"
        return "已过期" if self.expires_at <= timezone.now() else "有效"


class OtpDevice(models.Model):
    """An account's TOTP authenticator (RFC 6238, 30 s, 6 digits). The base32 seed is stored only
    encrypted (`core.crypto`, purpose `accounts.otp_seed`); `last_counter` is the last time step accepted,
    so the same code is never accepted twice (security.md AUTH-8)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="otp_device", verbose_name="用户"
    )
    seed_encrypted = models.TextField("密钥（加密）")
    confirmed_at = models.DateTimeField("启用时间", null=True, blank=True)
    last_counter = models.BigIntegerField("最近使用的时间步", null=True, blank=True)
    failures = models.PositiveSmallIntegerField("连续错误次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "动态口令设备"
        verbose_name_plural = "动态口令设备"
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.user} 动态口令"


class RecoveryCode(models.Model):
    """A single-use recovery code; only its keyed digest (`core.crypto.blind_index`) is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name="用户"
    )
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "恢复码"
        verbose_name_plural = "恢复码"
        ordering = ["user_id", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="unique_recovery_code")]

    def __str__(self) -> str:
        return f"{self.user} 恢复码"


class PasswordHistory(models.Model):
    """A password the user had before (its hash), so a change cannot go back to one of the last few
    (security.md AUTH-3; how many: RONGHE_PASSWORD_HISTORY)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
