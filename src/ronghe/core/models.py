"""Core tables: the append-only, hash-chained audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN003, ANN201
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):  # noqa: ANN201
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEntry(models.Model):
    """One audited event. Rows are never updated or deleted; `hash` chains to the previous row."""

    created_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="操作人",
    )
    actor_username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    role = models.CharField("角色", max_length=40, blank=True)
    ip = models.CharField("来源地址", max_length=64, blank=True)
    request_id = models.CharField("请求编号", max_length=40, blank=True)
    event = models.CharField("事件", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    org_path = models.CharField("所属组织路径", max_length=255, blank=True)
    outcome = models.CharField("结果", max_length=10, default="success")
    changes = models.JSONField("变更内容", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"#{self.pk} {self.event} {self.actor_username}"

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise PermissionError("审计日志只能追加，不能删除")


class AuditHead(models.Model):
    """The latest hash, kept apart so that truncating the tail of the log is detected."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"

    def __str__(self) -> str:
        return f"#{self.last_id}"
