"""通知公告: a notice published at an organization reaches everyone in its subtree; reads are receipted."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Notice(models.Model):
    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="发布范围"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发布人",
    )
    published_at = models.DateTimeField("发布时间", db_index=True)
    # Empty: everyone in the subtree. A permission: only those holding it at a node of the subtree
    # (a unit's monthly summary goes to its Party-affairs staff, not to every member).
    audience_permission = models.CharField("接收范围", max_length=40, blank=True, default="")
    # The publisher's last 提醒未读: the notice is shown as 催阅 on the home page of those still unread.
    reminded_at = models.DateTimeField("最近提醒时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeRead(models.Model):
    """A read receipt: who opened the notice, and when (first time only)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField("阅读时间")

    class Meta:
        verbose_name = "阅读回执"
        verbose_name_plural = "阅读回执"
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="unique_notice_read")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.user_id}"
