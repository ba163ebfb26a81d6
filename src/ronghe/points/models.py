"""The points ledger (积分台账), yearly totals, claims (积分申报) and year closings."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models

from ronghe.core.scoring.models import POINTS
from ronghe.points.choices import ClaimState, SourceType, YearStatus


class PointsEntry(models.Model):
    """One line of the ledger. Unique per (source, member, indicator): a source is never counted twice."""

    scope_org_field = "member__organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="points_entries", verbose_name="党员"
    )
    indicator = models.ForeignKey(
        "scoring.Indicator", on_delete=models.PROTECT, related_name="entries", verbose_name="指标"
    )
    points = models.DecimalField("分值", **POINTS)
    occurred_on = models.DateField("日期")
    year = models.PositiveSmallIntegerField("年度")
    source_type = models.CharField("来源", max_length=20, choices=SourceType.choices)
    source_id = models.CharField("来源编号", max_length=64)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Not a column: where the entry links to on a page (`queries.attach_source_urls`).
    source_url: str

    class Meta:
        verbose_name = "积分记录"
        verbose_name_plural = "积分记录"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "member", "indicator"], name="unique_entry_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["member", "year"]),
            models.Index(fields=["year", "member"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.indicator} {self.points}"

    def audit_org_path(self) -> str:
        return self.member.organization.path


class MemberYear(models.Model):
    """A member's result for one year, maintained with every ledger change; pages read it directly."""

    scope_org_field = "organization"
    scope_member_field = "member"

    # No index of its own: unique (member, year) leads with it, and every index is paid for again
    # by each row a year recompute rewrites.
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="points_years", db_index=False
    )
    year = models.PositiveSmallIntegerField("年度")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    scheme = models.ForeignKey("scoring.Scheme", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField("总积分", **POINTS)
    a_count = models.PositiveSmallIntegerField("A 等数", default=0)
    grade = models.CharField("等次", max_length=10, blank=True)
    grades = models.JSONField("各维度等次", default=dict)
    # {dimension code: "12.50"}: the capped score per dimension, as text with two decimals so it
    # stays exact and one UPDATE rewrites a member's whole year (not six rows).
    dimensions = models.JSONField("各维度积分", default=dict)
    vetoed = models.BooleanField("一票否决", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "年度积分"
        verbose_name_plural = "年度积分"
        ordering = ["-year", "-total", "member_id"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="unique_member_year")]
        indexes = [models.Index(fields=["year", "organization", "total"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} {self.total}"

    def dimension_points(self) -> dict[str, Decimal]:
        return {code: Decimal(points) for code, points in self.dimensions.items()}


def points_text(value: Decimal) -> str:
    """A dimension score as stored in `MemberYear.dimensions`: two decimals, half away from zero
    (as SQL's ROUND), never "-0.00"."""
    q = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return str(q if q != 0 else Decimal("0.00"))


class YearClosing(models.Model):
    """The year end of a node's subtree: 公示 then finalize, which freezes the year."""

    scope_org_field = "organization"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=10, choices=YearStatus.choices, default=YearStatus.OPEN)
    publicity_from = models.DateField("公示开始", null=True, blank=True)
    publicity_until = models.DateField("公示截止", null=True, blank=True)
    publicity_working_days = models.PositiveSmallIntegerField("公示工作日数", null=True, blank=True)
    publicity_fallback = models.BooleanField("按周一至周五估算", default=False)
    finalized_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "年度积分定稿"
        verbose_name_plural = "年度积分定稿"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="unique_closing")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year} {self.get_status_display()}"

    def audit_org_path(self) -> str:
        return self.organization.path


class Claim(models.Model):
    """A member's report of an activity, with evidence, awaiting the branch's decision."""

    scope_org_field = "member__organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="points_claims")
    indicator = models.ForeignKey("scoring.Indicator", on_delete=models.PROTECT, related_name="claims")
    occurred_on = models.DateField("活动日期")
    points = models.DecimalField("申报分值", **POINTS)
    description = models.TextField("活动说明")
    photo = models.FileField("照片", upload_to="points/claims/%Y/", blank=True)
    photo_type = models.CharField(max_length=40, blank=True)
    state = models.CharField("状态", max_length=10, choices=ClaimState.choices, default=ClaimState.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not columns: the review deadline shown on the review page (`queries.mark_review_deadlines`).
    due_on: date | None
    is_overdue: bool

    class Meta:
        verbose_name = "积分申报"
        verbose_name_plural = "积分申报"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.indicator} · {self.get_state_display()}"

    def audit_org_path(self) -> str:
        return self.member.organization.path
