"""Schemes (方案), their dimensions and indicators (指标), and stored evaluation results.

A scheme belongs to an organization node and applies to its subtree; it is versioned by
year and `version`, and moves draft → active → archived. A result stores a snapshot of the
rules it was computed with, so it can be reproduced after the scheme changes.
"""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.db import models

from ronghe.core.scoring import levels, rules
from ronghe.core.scoring.choices import IndicatorKind, SchemePurpose, SchemeStatus


class DecimalPlaces(TypedDict):
    max_digits: int
    decimal_places: int


# Every points field: `models.DecimalField("分值", **POINTS)`.
POINTS: DecimalPlaces = {"max_digits": 9, "decimal_places": 2}


class Scheme(models.Model):
    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("方案名称", max_length=100)
    purpose = models.CharField("用途", max_length=30, choices=SchemePurpose.choices)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="schemes", verbose_name="制定党组织"
    )
    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    floor = models.DecimalField("总分下限", null=True, blank=True, default=Decimal("0"), **POINTS)
    ceiling = models.DecimalField("总分上限", null=True, blank=True, **POINTS)
    allow_refine = models.BooleanField("允许下级单位细化", default=False)
    refines = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refinements",
        verbose_name="细化自",
    )
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="复制自"
    )
    description = models.TextField("说明", blank=True)
    # How a subject's total becomes a level (thresholds or named stars, caps, quotas): levels.LevelRules.
    level_rules = models.JSONField("定级规则", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "评价方案"
        verbose_name_plural = "评价方案"
        ordering = ["-year", "organization__path", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "organization", "year", "version"], name="unique_scheme_version"
            ),
            models.UniqueConstraint(
                fields=["purpose", "organization", "year"],
                # a selection's criteria are its own campaign's scheme: several are active in a year
                condition=models.Q(status="active") & ~models.Q(purpose="selection"),
                name="one_active_scheme_per_node_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}年 第{self.version}版）"

    def audit_org_path(self) -> str:
        return self.organization.path

    @property
    def is_editable(self) -> bool:
        return self.status == SchemeStatus.DRAFT

    def to_level_rules(self) -> levels.LevelRules:
        return levels.LevelRules.from_dict(self.level_rules)

    def to_rules(self) -> rules.SchemeRules:
        dims = self.dimensions.all()
        inds = self.indicators.select_related("dimension").all()
        return rules_from_rows(self, list(dims), list(inds))


def rules_from_rows(scheme: Scheme, dims: list[Dimension], inds: list[Indicator]) -> rules.SchemeRules:
    return rules.SchemeRules(
        version=scheme.version,
        floor=scheme.floor,
        ceiling=scheme.ceiling,
        dimensions=tuple(
            rules.DimensionRule(d.code, d.name, d.base, d.threshold_a, d.threshold_b, d.weight)
            for d in sorted(dims, key=lambda d: (d.order, d.pk or 0))
        ),
        indicators=tuple(
            rules.IndicatorRule(
                code=i.code,
                name=i.name,
                dimension=i.dimension.code,
                kind=i.kind,
                points=i.points,
                weight=i.weight,
                cap_month=i.cap_month,
                cap_quarter=i.cap_quarter,
                cap_year=i.cap_year,
                floor=i.floor,
                ceiling=i.ceiling,
            )
            for i in sorted(inds, key=lambda i: (i.order, i.pk or 0))
        ),
    )


class Dimension(models.Model):
    scope_org_field = "scheme__organization"

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="dimensions", verbose_name="方案"
    )
    code = models.SlugField("代码", max_length=30)
    name = models.CharField("维度名称", max_length=50)
    order = models.PositiveSmallIntegerField("排序", default=0)
    base = models.DecimalField("基础分", default=Decimal("0"), **POINTS)
    threshold_a = models.DecimalField("A 等线", default=Decimal("0"), **POINTS)
    threshold_b = models.DecimalField("B 等线", default=Decimal("0"), **POINTS)
    weight = models.DecimalField("权重", default=Decimal("1"), max_digits=7, decimal_places=4)

    class Meta:
        verbose_name = "评价维度"
        verbose_name_plural = "评价维度"
        ordering = ["scheme_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unique_dimension_code")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    scope_org_field = "scheme__organization"

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="indicators", verbose_name="方案"
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="indicators", verbose_name="维度"
    )
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("指标名称", max_length=100)
    kind = models.CharField(
        "类型", max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.DERIVED
    )
    points = models.DecimalField("每次分值", default=Decimal("1"), **POINTS)
    weight = models.DecimalField("权重", default=Decimal("1"), **POINTS)
    cap_month = models.DecimalField("月上限", null=True, blank=True, **POINTS)
    cap_quarter = models.DecimalField("季度上限", null=True, blank=True, **POINTS)
    cap_year = models.DecimalField("年上限", null=True, blank=True, **POINTS)
    floor = models.DecimalField("下限", null=True, blank=True, **POINTS)
    ceiling = models.DecimalField("上限", null=True, blank=True, **POINTS)
    sources = models.JSONField("自动采集来源", default=list, blank=True)
    claimable = models.BooleanField("党员可申报", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering = ["scheme_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unique_indicator_code")]

    def __str__(self) -> str:
        return self.name


class Result(models.Model):
    """A stored evaluation: subject, period, total, breakdown and the rules snapshot it used."""

    scope_org_field = "organization"

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="results", verbose_name="方案")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="党组织"
    )
    subject_type = models.CharField("评价对象类型", max_length=40)
    subject_id = models.CharField("评价对象", max_length=64)
    period = models.CharField("周期", max_length=20)
    total = models.DecimalField("得分", **POINTS)
    grade = models.CharField("等次", max_length=20, blank=True)
    breakdown = models.JSONField("明细", default=dict)
    snapshot = models.JSONField("方案快照", default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "评价结果"
        verbose_name_plural = "评价结果"
        ordering = ["-computed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "subject_type", "subject_id", "period"], name="unique_result_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.period}"


class Campaign(models.Model):
    """A yearly run of a scheme over the subtree of the node that runs it (评星定级, 评选, 考核).

    Each purpose declares its own `core.workflow` process over `state`; the timetable holds the last
    day of each step, and `quotas` (levels.Quota dicts), when given, replace the scheme's.
    """

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField("用途", max_length=30, choices=SchemePurpose.choices)
    name = models.CharField("名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="campaigns", verbose_name="方案"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="组织单位"
    )
    state = models.CharField("状态", max_length=20)
    timetable = models.JSONField("日程", default=dict, blank=True)
    quotas = models.JSONField("名额比例", default=list, blank=True)
    publicity_days = models.PositiveSmallIntegerField("公示天数（工作日）", default=5)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    # Set by the purpose's pages: the Chinese name of `state` in its declared process.
    state_label: str

    class Meta:
        verbose_name = "评价活动"
        verbose_name_plural = "评价活动"
        ordering = ["-year", "purpose", "id"]
        constraints = [
            # a selection node runs several a year (五个十佳 is five campaigns, 两优一先 three more)
            models.UniqueConstraint(
                fields=["purpose", "organization", "year"],
                condition=~models.Q(purpose="selection"),
                name="one_campaign_per_node_year",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.organization.path

    def fresh_state(self) -> str:
        """The state now, read again (an entry or nomination loaded earlier may carry a stale campaign)."""
        self.state = Campaign.objects.filter(pk=self.pk).values_list("state", flat=True).get()
        return self.state

    def level_rules(self) -> levels.LevelRules:
        """The scheme's level rules with this campaign's quotas, when it sets any."""
        base = self.scheme.to_level_rules()
        if not self.quotas:
            return base
        return dataclasses.replace(base, quotas=tuple(levels.Quota.from_dict(q) for q in self.quotas))
