"""Records of the reports app: the monthly summaries delivered (one per unit and month)."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models


class MonthlySummary(models.Model):
    """A unit's 月度工作小结 as delivered: the figures it showed, the notice and its PDF.

    Unique per (unit, month): the daily task may run twice on the same day, and a rerun without
    `--force` skips what was delivered."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="单位")
    month = models.DateField("月份")  # the first day of the month summarised
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="接收党组织"
    )
    notice = models.ForeignKey(
        "notices.Notice", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="通知"
    )
    evidence = models.ForeignKey(
        "evidence.Evidence", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="PDF"
    )
    figures = models.JSONField("数据", default=dict)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "月度工作小结"
        verbose_name_plural = "月度工作小结"
        ordering = ["-month", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="reports_summary_unit_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id}"


class AnnualReport(models.Model):
    """A 年度工作报告 of an organization (工委, a unit's 党组织 or a branch) for a year.

    `figures` are the sections as last generated from the records (`reports.annual.sections`);
    `narrative` is the text users wrote per section, never touched by regeneration. `generating_since`
    is the generation lock: set by a conditional UPDATE, so a second generation started meanwhile is
    refused (`reports.annual.services.generate`)."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="党组织"
    )
    year = models.PositiveSmallIntegerField("年度")
    figures = models.JSONField("数据", default=dict, blank=True)
    narrative = models.JSONField("文字部分", default=dict, blank=True)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="生成人",
    )
    generating_since = models.DateTimeField("正在生成（开始时间）", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "年度工作报告"
        verbose_name_plural = "年度工作报告"
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="reports_annual_org_year")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year}"

    @property
    def as_at(self) -> date:
        """The day the members were counted on: 31 December, or the day a draft of the year was generated
        (reports generated before drafts existed hold no date: they were counted at year end)."""
        stored = self.figures.get("as_at")
        return date.fromisoformat(stored) if stored else date(self.year, 12, 31)

    @property
    def draft(self) -> bool:
        """Generated before the year ended: regenerate after 31 December for the whole year."""
        return self.generated_at is not None and self.as_at < date(self.year, 12, 31)
