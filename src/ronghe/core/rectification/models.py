"""整改: a problem found by a review (a rating entry, an audit finding…), the plan to fix it, the
progress notes and the issuer's check."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class State(models.TextChoices):
    OPEN = "open", "整改中"
    SUBMITTED = "submitted", "待验收"
    CLOSED = "closed", "已销号"


class Item(models.Model):
    """One rectification item. `kind`/`object_id` name what it follows from ("ratings.entry", 12);
    `organization` must rectify. `owner_permission` (the organization rectifies, submits) and
    `issuer_permission` (checks: accepts or returns) are held at the organization."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("来源类型", max_length=40)
    object_id = models.PositiveBigIntegerField("来源")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="整改党组织"
    )
    title = models.CharField("问题", max_length=300)
    measures = models.TextField("整改措施", blank=True)
    owner = models.CharField("责任人", max_length=50, blank=True)
    leader = models.CharField("联系领导", max_length=50, blank=True)
    due_on = models.DateField("整改期限")
    owner_permission = models.CharField("整改权限", max_length=40)
    issuer_permission = models.CharField("验收权限", max_length=40)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["kind", "object_id"], name="rectification_object"),
            models.Index(fields=["state", "due_on"], name="rectification_state_due"),
        ]

    def __str__(self) -> str:
        return self.title[:200]

    def audit_org_path(self) -> str:
        return self.organization.path


class Progress(models.Model):
    """A progress note while the item is open."""

    scope_org_field = "item__organization"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="progress")
    text = models.TextField("整改进展")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:50]

    def audit_org_path(self) -> str:
        return self.item.organization.path
