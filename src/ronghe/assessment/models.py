"""融合考核: KPI definitions and results from business systems, the 述职评议 of unit Party secretaries,
and each unit's annual assessment entry.

The assessment itself is a `core.scoring.Campaign` (purpose unit_assessment) over a `Scheme` with two
dimensions, 党建 (`party`) and 业务 (`business`), whose weights are the configurable split; each entry
keeps the values, the breakdown and the rules it was computed with. Unit-linked rows store the unit's
main Party organization (`organization`) so the one scoping function applies to them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ronghe.assessment.choices import Direction, Quadrant, RoundState, VanguardKind, VanguardState
from ronghe.core.scoring.models import POINTS


class KpiDefinition(models.Model):
    """A unit's business KPI (目标任务) for a year: target, unit of measure, direction and weight."""

    scope_org_field = "organization"

    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="kpis", verbose_name="单位")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="单位党组织"
    )
    year = models.PositiveSmallIntegerField("年度")
    code = models.SlugField("指标代码", max_length=40)
    name = models.CharField("指标名称", max_length=100)
    target = models.DecimalField("目标值", max_digits=16, decimal_places=4)
    measure = models.CharField("计量单位", max_length=20, blank=True)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    weight = models.DecimalField("权重", max_digits=7, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "业务指标"
        verbose_name_plural = "业务指标"
        ordering = ["unit__name", "year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "code"], name="unique_kpi_per_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"

    def audit_org_path(self) -> str:
        return self.organization.path


class KpiResult(models.Model):
    """One reported value of a KPI for a period ("2026", "2026Q3", "2026-09"). The idempotency key
    makes a business system's retry store one result."""

    scope_org_field = "definition__organization"

    definition = models.ForeignKey(KpiDefinition, on_delete=models.CASCADE, related_name="results")
    period = models.CharField("期间", max_length=10)
    value = models.DecimalField("完成值", max_digits=16, decimal_places=4)
    source_system = models.CharField("来源系统", max_length=50)
    idempotency_key = models.CharField("幂等键", max_length=100, unique=True)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "业务指标完成值"
        verbose_name_plural = "业务指标完成值"
        ordering = ["definition_id", "period", "received_at"]
        indexes = [models.Index(fields=["definition", "period"])]

    def __str__(self) -> str:
        return f"{self.definition.code} {self.period}: {self.value}"


class DebriefRound(models.Model):
    """书记抓党建述职评议: one meeting where unit Party secretaries report and attendees grade them."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100)
    held_on = models.DateField("述职日期")
    state = models.CharField("状态", max_length=12, choices=RoundState.choices, default=RoundState.PREPARING)
    # How votes become a grade (rules.DebriefRules.to_dict()), fixed when the round is created.
    rules = models.JSONField("测评规则", default=dict)
    ballot = models.ForeignKey(
        "voting.Ballot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "述职评议"
        verbose_name_plural = "述职评议"
        ordering = ["-year", "-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path


class Debrief(models.Model):
    """One secretary's 述职 in a round: materials (core/evidence), the vote counts and the grades."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(DebriefRound, on_delete=models.CASCADE, related_name="debriefs")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="单位党组织"
    )
    secretary = models.CharField("述职人", max_length=50)
    post = models.CharField("职务", max_length=50, blank=True)
    summary = models.TextField("述职要点", blank=True)
    counts = models.JSONField("测评票数", default=dict, blank=True)  # {option key: votes}
    vote_score = models.DecimalField("测评得分", null=True, blank=True, **POINTS)
    vote_rank = models.PositiveSmallIntegerField("测评等次", null=True, blank=True)
    final_rank = models.PositiveSmallIntegerField("评定等次", null=True, blank=True)
    final_reason = models.CharField("调整理由", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "书记述职"
        verbose_name_plural = "书记述职"
        ordering = ["round_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="one_debrief_per_unit_round")]

    def __str__(self) -> str:
        return f"{self.secretary}（{self.unit}）"

    def audit_org_path(self) -> str:
        return self.organization.path


class Settings(models.Model):
    """The assessment's own rules besides its scheme: 党建 grade lines, 述职 scores, the KPI cap, the
    linking rules and the quadrant lines (rules.AssessmentRules.to_dict())."""

    campaign = models.OneToOneField(
        "scoring.Campaign", on_delete=models.CASCADE, related_name="assessment_settings"
    )
    rules = models.JSONField("考核规则", default=dict)
    finalized_at = models.DateTimeField("定档时间", null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "融合考核规则"
        verbose_name_plural = "融合考核规则"

    def __str__(self) -> str:
        return f"{self.campaign}规则"


class Entry(models.Model):
    """A unit's result in one annual assessment, with every value and why."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        "scoring.Campaign", on_delete=models.CASCADE, related_name="assessment_entries", verbose_name="考核"
    )
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="assessment_entries")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="单位党组织"
    )
    values = models.JSONField("考核数据", default=dict, blank=True)
    breakdown = models.JSONField("考核明细", default=dict, blank=True)
    party_score = models.DecimalField("党建得分", null=True, blank=True, **POINTS)
    business_score = models.DecimalField("业务得分", null=True, blank=True, **POINTS)
    total = models.DecimalField("综合得分", null=True, blank=True, **POINTS)
    party_rank = models.PositiveSmallIntegerField("党建等次", null=True, blank=True)
    rank = models.PositiveSmallIntegerField("考核等次", null=True, blank=True)
    grade = models.CharField("考核等次", max_length=20, blank=True)
    capped_by = models.JSONField("联动规则", default=list, blank=True)
    secretary_rank = models.PositiveSmallIntegerField("书记述职等次（联动后）", null=True, blank=True)
    secretary_note = models.CharField("述职等次说明", max_length=300, blank=True)
    quadrant = models.CharField("融合象限", max_length=20, choices=Quadrant.choices, blank=True)
    result = models.ForeignKey(
        "scoring.Result", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)

    # Set by the results page for its rows.
    quadrant_label: str
    party_label: str
    secretary_label: str
    is_eligible: bool

    class Meta:
        verbose_name = "融合考核结果"
        verbose_name_plural = "融合考核结果"
        ordering = ["unit__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="one_assessment_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.campaign.year}"

    def audit_org_path(self) -> str:
        return self.organization.path


class Vanguard(models.Model):
    """党员先锋岗、突击队、责任区 or a key project carried by a branch on a business task or KPI."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("类型", max_length=10, choices=VanguardKind.choices)
    name = models.CharField("名称", max_length=100)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="承担党组织"
    )
    year = models.PositiveSmallIntegerField("年度")
    kpi = models.ForeignKey(
        KpiDefinition,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vanguards",
        verbose_name="对应业务指标",
    )
    business_task = models.CharField("对应业务任务", max_length=200, blank=True)
    goal = models.TextField("目标与承诺", blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=VanguardState.choices, default=VanguardState.ACTIVE
    )
    result = models.TextField("成效", blank=True)
    closed_on = models.DateField("完成日期", null=True, blank=True)
    members = models.ManyToManyField(
        "members.Member", related_name="vanguards", blank=True, verbose_name="党员"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党员先锋岗"
        verbose_name_plural = "党员先锋岗"
        ordering = ["-year", "organization__path", "id"]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.organization.path


class Milestone(models.Model):
    scope_org_field = "vanguard__organization"

    vanguard = models.ForeignKey(Vanguard, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=100)
    due_on = models.DateField("计划完成")
    done_on = models.DateField("实际完成", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title
