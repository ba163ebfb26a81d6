"""佐证材料: a file or a link to a platform record, attached to any object of any app."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Evidence(models.Model):
    """One piece of evidence for the object (`kind`, `object_id`): a stored file (original_name,
    stored_name… set) or a link to a platform record (`link_kind`, `link_id`, `label`).

    `organization` is the scope: downloads need `view_permission` there."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("对象类型", max_length=40)
    object_id = models.PositiveBigIntegerField("对象")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="党组织"
    )
    view_permission = models.CharField("查看权限", max_length=40)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    stored_name = models.CharField(max_length=80, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField("大小", default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    link_kind = models.CharField("关联记录类型", max_length=40, blank=True)
    link_id = models.PositiveBigIntegerField("关联记录", null=True, blank=True)
    label = models.CharField("关联记录名称", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Set by `services.for_object` for links: where the record opens.
    url: str

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["id"]
        indexes = [models.Index(fields=["kind", "object_id"], name="evidence_object")]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(stored_name="") & models.Q(link_kind=""))
                | (models.Q(stored_name="") & ~models.Q(link_kind="") & models.Q(link_id__isnull=False)),
                name="evidence_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.original_name or self.label

    @property
    def is_file(self) -> bool:
        return bool(self.stored_name)

    def audit_org_path(self) -> str:
        return self.organization.path
