"""Judging sheets (评分表): a panel of judges scores a list of subjects on entered indicators.

One sheet per judge × subject, kept as entered; a judge never scores a subject of their own unit
(回避); other judges' sheets stay hidden until the panel closes. Aggregation is `scoring.levels`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class PanelState(models.TextChoices):
    OPEN = "open", "评分中"
    CLOSED = "closed", "评分结束"


class Panel(models.Model):
    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("对象类型", max_length=40)  # e.g. "ratings.campaign"
    object_id = models.PositiveBigIntegerField("对象")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="组织单位"
    )
    title = models.CharField("名称", max_length=100)
    # [{"code", "name", "min", "max"}]: the entered indicators and their ranges when the panel opened
    indicators = models.JSONField("评分指标", default=list)
    method = models.CharField("汇总方法", max_length=20, default="mean")
    manage_permission = models.CharField("管理权限", max_length=40)
    state = models.CharField("状态", max_length=10, choices=PanelState.choices, default=PanelState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "评审组"
        verbose_name_plural = "评审组"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_panel_per_object")]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path


class PanelJudge(models.Model):
    scope_org_field = "panel__organization"

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="judges")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The judge's own unit: never scores a subject of it (回避)
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "评委"
        verbose_name_plural = "评委"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["panel", "judge"], name="unique_panel_judge")]

    def __str__(self) -> str:
        return str(self.judge)

    def audit_org_path(self) -> str:
        return self.panel.organization.path


class PanelSubject(models.Model):
    scope_org_field = "organization"

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="subjects")
    key = models.CharField("对象编号", max_length=64)
    label = models.CharField("名称", max_length=200)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="党组织"
    )
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "评审对象"
        verbose_name_plural = "评审对象"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["panel", "key"], name="unique_panel_subject")]

    def __str__(self) -> str:
        return self.label

    def audit_org_path(self) -> str:
        return self.organization.path


class Sheet(models.Model):
    scope_org_field = "subject__organization"

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="sheets")
    subject = models.ForeignKey(PanelSubject, on_delete=models.CASCADE, related_name="sheets")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField("评分", default=dict)  # {indicator code: "9.50"}
    comment = models.TextField("评语", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "评分表"
        verbose_name_plural = "评分表"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "judge"], name="one_sheet_per_judge_subject")
        ]

    def __str__(self) -> str:
        return f"{self.judge} · {self.subject}"

    def audit_org_path(self) -> str:
        return self.subject.organization.path
