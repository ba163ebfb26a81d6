"""Selections (评选), brands (品牌), demonstration sites (示范点) and innovation cases (创新案例).

A selection campaign is a `core.scoring.Campaign` of purpose "selection" (its scheme holds the criteria,
the aggregation and the tie rule); `Selection` adds what a selection has beyond it: the category, the
subject kind, the places to award, each unit's nomination quota and the eligibility rules. Judges'
sheets, 联审, 公示 and evidence are the core mechanisms, keyed by ("selections.campaign" |
"selections.nomination", id).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ronghe.selections.choices import CaseState, NominationState, SiteLevel, SubjectKind


class Selection(models.Model):
    scope_org_field = "campaign__organization"

    campaign = models.OneToOneField(
        "scoring.Campaign", on_delete=models.CASCADE, related_name="selection", verbose_name="评选活动"
    )
    category = models.CharField("评选类别", max_length=40)
    category_name = models.CharField("类别名称", max_length=50)
    subject_kind = models.CharField("评选对象", max_length=20, choices=SubjectKind.choices)
    places = models.PositiveSmallIntegerField("评选名额")
    unit_quota = models.PositiveSmallIntegerField("每单位推荐名额")
    # {"full_member": bool, "no_sanction": bool, "min_stars": int|None, "min_grade": int|None}
    eligibility = models.JSONField("参评条件", default=dict, blank=True)

    class Meta:
        verbose_name = "评选"
        verbose_name_plural = "评选"

    def __str__(self) -> str:
        return self.category_name

    def audit_org_path(self) -> str:
        return self.campaign.organization.path


class Brand(models.Model):
    """一局一品牌、一支部一特色: a brand registered by a unit's organization or a branch."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="所属党组织"
    )
    name = models.CharField("品牌名称", max_length=60)
    meaning = models.TextField("品牌内涵")
    # the logo is an image attached through core/evidence (kind "selections.brand")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "党建品牌"
        verbose_name_plural = "党建品牌"
        ordering = ["organization__path", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unique_brand_per_org")]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.organization.path


class Nomination(models.Model):
    """A unit's nominee in one selection: a member, an organization, a brand, a lecture or a site."""

    scope_org_field = "organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        "scoring.Campaign", on_delete=models.CASCADE, related_name="nominations", verbose_name="评选活动"
    )
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="推荐单位")
    # the subject's organization (the member's branch, the nominated organization, the brand's owner)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="所在党组织"
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="党员",
    )
    brand = models.ForeignKey(
        Brand,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name="品牌",
    )
    title = models.CharField("推荐对象", max_length=100)
    summary = models.TextField("推荐理由和主要事迹")
    state = models.CharField(
        "状态", max_length=20, choices=NominationState.choices, default=NominationState.NOMINATED
    )
    eligibility = models.JSONField("资格审查", default=list, blank=True)  # [{"rule", "label"}] passed
    total = models.DecimalField("得分", null=True, blank=True, max_digits=9, decimal_places=2)
    scores = models.JSONField("各项得分", default=dict, blank=True)
    place = models.PositiveSmallIntegerField("名次", null=True, blank=True)
    winner = models.BooleanField("入选", default=False)
    place_note = models.CharField("名次说明", max_length=200, blank=True)
    # 递补: the set-aside winner whose place this runner-up took (one replacement per place)
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name="递补的对象",
    )
    certificate_no = models.CharField("证书编号", max_length=40, blank=True)
    awarded_at = models.DateTimeField("授予时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "推荐对象"
        verbose_name_plural = "推荐对象"
        ordering = ["campaign_id", "place", "id"]
        indexes = [
            models.Index(fields=["campaign", "unit", "state"]),
            models.Index(fields=["member", "state"]),
            models.Index(fields=["organization", "state"]),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path


class DemonstrationSite(models.Model):
    """A demonstration site named by a level (county, city, province) for a period."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="党组织"
    )
    name = models.CharField("示范点名称", max_length=100)
    level = models.CharField("命名级别", max_length=10, choices=SiteLevel.choices)
    named_by = models.CharField("命名单位", max_length=100)
    starts_on = models.DateField("命名日期")
    ends_on = models.DateField("有效期至", null=True, blank=True)
    description = models.TextField("示范内容", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "示范点"
        verbose_name_plural = "示范点"
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.organization.path


class InnovationCase(models.Model):
    """创新案例: submitted by an organization, reviewed by the 工委, published for everyone in scope."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="报送党组织"
    )
    title = models.CharField("案例标题", max_length=100)
    summary = models.TextField("案例内容")
    # ",数字化,党建+业务," so one tag is found with a plain LIKE on every database
    tags = models.CharField("标签", max_length=200, blank=True)
    state = models.CharField("状态", max_length=12, choices=CaseState.choices, default=CaseState.SUBMITTED)
    review_comment = models.TextField("审核意见", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "创新案例"
        verbose_name_plural = "创新案例"
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]
