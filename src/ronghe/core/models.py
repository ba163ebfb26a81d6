"""Core tables: the append-only, hash-chained audit log."""

from __future__ import annotations

import uuid
from typing import Any, Never

from django.conf import settings
from django.db import models


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> Never:
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self) -> Never:
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
    # The audit key the hash was computed with (core.auditkeys); "" only on rows written before the
    # chain was keyed, which migration 0004 re-keys and `verify()` refuses.
    key_id = models.CharField(max_length=16, default="", blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"#{self.pk} {self.event} {self.actor_username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Never:
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


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", "待确认各列"
    VALIDATING = "validating", "正在检查"
    VALIDATED = "validated", "已检查，待导入"
    REFUSED = "refused", "文件被拒绝"
    COMMITTING = "committing", "正在导入"
    COMMITTED = "committed", "已导入"
    FAILED = "failed", "导入失败"
    CANCELLED = "cancelled", "已取消"


class ImportMode(models.TextChoices):
    ATOMIC = "atomic", "全部导入（有错误则不导入）"
    VALID_ONLY = "valid_only", "仅导入有效行"


class ImportJob(models.Model):
    """One uploaded spreadsheet on its way in: checked, previewed, then committed in the background.

    The upload is kept under DATA_DIR/imports with a generated name (never the user's), mode 0600,
    and is deleted once the job is committed or refused, and with the rejected-rows file when the job
    expires (`core.imports.jobs.maintain`). `heartbeat_at` moves with the progress of a running pass:
    a running job whose heartbeat stopped is marked failed (`jobs.fail_if_stale`).
    """

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("导入类型", max_length=30)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="导入到"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    original_name = models.CharField("文件名", max_length=255)
    stored_name = models.CharField(max_length=80, blank=True)
    file_kind = models.CharField(max_length=8, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    mode = models.CharField("导入方式", max_length=20, choices=ImportMode.choices, blank=True)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    valid_count = models.PositiveIntegerField("有效行数", default=0)
    invalid_count = models.PositiveIntegerField("错误行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)
    message = models.TextField("说明", blank=True)
    rejected_name = models.CharField(max_length=80, blank=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    # The confirmed column mapping (core.imports.mapping.ColumnMap.as_json); empty until confirmed.
    columns = models.JSONField("各列对应", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    def audit_org_path(self) -> str:
        return self.organization.path

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.COMMITTING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ColumnMemory(models.Model):
    """The column mapping an organization last confirmed for files with the same headers, offered
    again on the mapping page of its next import of that kind (core.imports.mapping.header_key)."""

    scope_org_field = "organization"

    kind = models.CharField("导入类型", max_length=30)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="党组织"
    )
    header_key = models.CharField(max_length=64)
    headers = models.JSONField("表头", default=list)
    fields = models.JSONField("各列对应", default=list)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="确认人",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = "导入列对应"
        verbose_name_plural = "导入列对应"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "header_key"], name="column_memory_unique_headers"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}：{'、'.join(map(str, self.headers))}"


class ExportState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "完成"
    FAILED = "failed", "失败"


class ExportJob(models.Model):
    """One export too big to build during a page view, built by the task worker (`core.exports.jobs`).

    The file is kept under DATA_DIR/exports with a generated name, mode 0600, downloaded only by the
    user who asked for it (while they still hold the export's permission at `organization`), and
    deleted RONGHE_EXPORT_FILE_HOURS after it was made (`ronghe import_maintenance`).
    """

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("导出类型", max_length=40)
    title = models.CharField("名称", max_length=200)
    parameters = models.JSONField("参数", default=dict, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="范围"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="申请人"
    )
    state = models.CharField("状态", max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    stored_name = models.CharField(max_length=80, blank=True)
    file_size = models.PositiveBigIntegerField("文件大小", default=0)
    message = models.TextField("说明", blank=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="core_export_user_idx")]
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"

    def __str__(self) -> str:
        return f"{self.title}（{self.get_state_display()}）"

    def audit_org_path(self) -> str:
        return self.organization.path

    @property
    def is_running(self) -> bool:
        return self.state in (ExportState.QUEUED, ExportState.RUNNING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
