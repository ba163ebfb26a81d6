"""A branch's entry in a star-rating campaign (评星定级), last year's 5★ re-check, and star changes.

The campaign itself is `core.scoring.Campaign` (purpose branch_stars); its scheme is a
`core.scoring.Scheme`; judges' sheets, joint review, 公示, evidence and improvement plans are the
core mechanisms, keyed by ("ratings.entry" | "ratings.campaign", id).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ronghe.ratings.choices import EntryState, RecheckState, StarChangeKind


class Entry(models.Model):
    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        "scoring.Campaign", on_delete=models.CASCADE, related_name="rating_entries", verbose_name="评星活动"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="rating_entries", verbose_name="党支部"
    )
    state = models.CharField("状态", max_length=20, choices=EntryState.choices, default=EntryState.DRAFT)
    applied_level = models.PositiveSmallIntegerField("申报星级", null=True, blank=True)
    self_scores = models.JSONField("自评分", default=dict, blank=True)
    self_summary = models.TextField("自评情况", blank=True)
    # At evaluation: the values used (derived and judged), the evaluation and level outcome
    values = models.JSONField("评定数据", default=dict, blank=True)
    breakdown = models.JSONField("评定明细", default=dict, blank=True)
    total = models.DecimalField("总分", null=True, blank=True, max_digits=9, decimal_places=2)
    score_level = models.PositiveSmallIntegerField("按得分星级", null=True, blank=True)
    level = models.PositiveSmallIntegerField("星级", null=True, blank=True)  # after caps and quotas
    stars = models.JSONField("所得星", default=list, blank=True)
    quota_note = models.CharField("名额调整", max_length=300, blank=True)
    current_level = models.PositiveSmallIntegerField("现有星级", null=True, blank=True)  # after 摘星
    leader = models.CharField("联系领导", max_length=50, blank=True)
    result = models.ForeignKey(
        "scoring.Result", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField("意见", blank=True)
    named_at = models.DateTimeField("命名时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set by the campaign page for its rows: late at this step, last year's level, 晋位升级 or not.
    is_late: bool
    last_level: int | None
    moved: str

    class Meta:
        verbose_name = "评星申报"
        verbose_name_plural = "评星申报"
        ordering = ["organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="one_rating_entry_per_branch")
        ]
        indexes = [models.Index(fields=["campaign", "state"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.campaign.year}"

    def audit_org_path(self) -> str:
        return self.organization.path


class Recheck(models.Model):
    """复核: last year's five-star branch, kept or reduced, in this year's campaign."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey("scoring.Campaign", on_delete=models.CASCADE, related_name="rating_rechecks")
    previous = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="rechecks", verbose_name="上年评定"
    )
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        "状态", max_length=10, choices=RecheckState.choices, default=RecheckState.PENDING
    )
    comment = models.TextField("复核意见", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "星级复核"
        verbose_name_plural = "星级复核"
        ordering = ["organization__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "previous"], name="one_recheck_per_entry")]

    def __str__(self) -> str:
        return f"复核 {self.organization}"

    def audit_org_path(self) -> str:
        return self.organization.path


class StarChange(models.Model):
    """A star taken from a named branch (复核 or 年中摘星), with the decision behind it."""

    scope_org_field = "entry__organization"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="star_changes")
    kind = models.CharField("类型", max_length=10, choices=StarChangeKind.choices)
    from_level = models.PositiveSmallIntegerField("原星级")
    to_level = models.PositiveSmallIntegerField("现星级")
    star = models.CharField("摘除的星", max_length=30, blank=True)
    decision = models.TextField("决定/理由")
    decided_on = models.DateField("决定日期")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "星级变动"
        verbose_name_plural = "星级变动"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.from_level}→{self.to_level}"

    def audit_org_path(self) -> str:
        return self.entry.organization.path
