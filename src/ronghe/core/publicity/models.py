"""公示: a list shown over an organization's subtree for a period of working days, and the objections to it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ronghe.core.publicity.choices import ObjectionState, PublicationState


class Publication(models.Model):
    """One 公示 of one module's object (`kind`, `object_id`), e.g. a campaign's proposed star ratings.

    `items` is the list shown: [{"key", "label", "detail"}]. Who may see it and object is named by
    `view_permission` (plus the members of the subtree); who handles objections and closes it by
    `handle_permission`, both held at `organization`.
    """

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("类型", max_length=60)
    object_id = models.PositiveBigIntegerField("对象")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="公示范围"
    )
    title = models.CharField("标题", max_length=200)
    items = models.JSONField("公示名单", default=list)
    view_permission = models.CharField("查看权限", max_length=60)
    handle_permission = models.CharField("处理权限", max_length=60)
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示截止")
    working_days = models.PositiveSmallIntegerField("公示工作日数")
    # Some day of the period was decided by the Monday–Friday rule (no holiday table for that year).
    period_fallback = models.BooleanField("按周一至周五估算", default=False)
    state = models.CharField(
        "状态", max_length=10, choices=PublicationState.choices, default=PublicationState.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("发布时间", auto_now_add=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["kind", "object_id"], name="publicity_for_object"),
            models.Index(fields=["state", "organization"], name="publicity_state_org"),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path

    def item_labels(self) -> dict[str, str]:
        return {item["key"]: item["label"] for item in self.items}


class Objection(models.Model):
    """An objection lodged during the period, about one item (`item_key`) or the whole list (blank)."""

    scope_org_field = "publication__organization"

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="objections", verbose_name="公示"
    )
    item_key = models.CharField("异议对象", max_length=64, blank=True)
    text = models.TextField("异议内容")
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lodged_at = models.DateTimeField("提出时间", auto_now_add=True)
    state = models.CharField(
        "状态", max_length=10, choices=ObjectionState.choices, default=ObjectionState.PENDING
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolution = models.TextField("处理意见", blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["lodged_at", "id"]
        indexes = [models.Index(fields=["publication", "state"], name="publicity_objection_state")]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.item_key or '整体'} {self.get_state_display()}"

    def audit_org_path(self) -> str:
        return self.publication.organization.path
