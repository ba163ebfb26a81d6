"""联审: named departments each agree or object to a list by a deadline."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ronghe.core.jointreview.choices import ReviewState, Verdict


class JointReview(models.Model):
    """One joint review of one module's object (`kind`, `object_id`).

    `items`: [{"key", "label", "detail"}]; `departments`: [{"code", "name", "permission"}], each
    department answered by whoever holds its permission at `organization`.
    """

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("类型", max_length=60)
    object_id = models.PositiveBigIntegerField("对象")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="组织"
    )
    title = models.CharField("标题", max_length=200)
    items = models.JSONField("联审名单", default=list)
    departments = models.JSONField("联审部门", default=list)
    due_on = models.DateField("答复截止")
    override_permission = models.CharField("不采纳异议权限", max_length=60)
    # Who else may read the review (the module's own read permission); blank: the departments only.
    view_permission = models.CharField("查看权限", max_length=60, blank=True)
    state = models.CharField("状态", max_length=12, choices=ReviewState.choices, default=ReviewState.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "联审"
        verbose_name_plural = "联审"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "object_id"], name="jointreview_for_object"),
            models.Index(fields=["state", "organization"], name="jointreview_state_org"),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path

    def item_labels(self) -> dict[str, str]:
        return {item["key"]: item["label"] for item in self.items}

    def department(self, code: str) -> dict[str, str] | None:
        return next((d for d in self.departments if d["code"] == code), None)


class Opinion(models.Model):
    """A department's answer; revised in place while the review is open (each revision audited)."""

    scope_org_field = "review__organization"

    review = models.ForeignKey(JointReview, on_delete=models.CASCADE, related_name="opinions")
    department = models.CharField("部门", max_length=40)
    verdict = models.CharField("意见", max_length=10, choices=Verdict.choices)
    # The item keys objected to; empty with verdict "object": the list as a whole.
    objected_items = models.JSONField("异议对象", default=list, blank=True)
    reason = models.TextField("理由", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("答复时间")

    class Meta:
        verbose_name = "联审意见"
        verbose_name_plural = "联审意见"
        ordering = ["review", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "department"], name="jointreview_one_opinion_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review_id} {self.department} {self.verdict}"

    def audit_org_path(self) -> str:
        return self.review.organization.path
