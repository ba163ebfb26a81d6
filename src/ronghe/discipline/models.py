"""纪检: discipline bodies, clues and cases about members, the sanctions they end in, 廉政风险点.

A case and its text are visible only to 纪检 roles of its organization's subtree (`discipline.view`);
everyone else learns of a sanction only through `facts.py`, without any detail.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ronghe.discipline.choices import (
    CaseSource,
    CaseState,
    CommitteeKind,
    CommitteeTitle,
    RiskLevel,
    SanctionCategory,
    SanctionKind,
)


class Committee(models.Model):
    """A unit's discipline body (机关纪委, 纪检组 or a lone 纪检委员), seated at a Party organization."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="所在党组织"
    )
    kind = models.CharField("类别", max_length=20, choices=CommitteeKind.choices)
    name = models.CharField("名称", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "纪检组织"
        verbose_name_plural = "纪检组织"
        ordering = ["organization__path", "name"]

    def audit_org_path(self) -> str:
        return self.organization.path

    def __str__(self) -> str:
        return self.name


class CommitteeSeat(models.Model):
    """A member sitting on a discipline body, from `started_on` to the day before `ended_on`."""

    scope_org_field = "committee__organization"

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="seats", verbose_name="纪检组织"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="党员"
    )
    title = models.CharField(
        "职务", max_length=20, choices=CommitteeTitle.choices, default=CommitteeTitle.MEMBER
    )
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "纪检委员"
        verbose_name_plural = "纪检委员"
        ordering = ["committee", "title", "started_on", "id"]

    def __str__(self) -> str:
        return f"{self.committee} {self.get_title_display()}"


class Case(models.Model):
    """A clue (问题线索) about a member and, once filed, the case (案件). Process `discipline.case`.

    `organization` is the member's organization when the clue was received: the scope of the case.
    """

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="所在党组织"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="被反映人"
    )
    source = models.CharField("线索来源", max_length=20, choices=CaseSource.choices)
    received_on = models.DateField("受理日期")
    summary = models.TextField("反映的主要问题")
    findings = models.TextField("核查或审查结论", blank=True)
    state = models.CharField("状态", max_length=20, choices=CaseState.choices, default=CaseState.RECEIVED)
    filed_on = models.DateField("立案日期", null=True, blank=True)
    finished_on = models.DateField("了结或结案日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "问题线索和案件"
        verbose_name_plural = "问题线索和案件"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["member", "state"])]

    def audit_org_path(self) -> str:
        return self.organization.path

    def __str__(self) -> str:
        return f"案件 {str(self.code)[:8]}"


class Sanction(models.Model):
    """A 处分 or 处理 decided in a case, in force from `starts_on` to `ends_on` (None: without end, or
    until revoked). The fact other modules read (`facts.py`)."""

    scope_org_field = "organization"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sanctions", verbose_name="案件")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="党员"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="所在党组织"
    )
    category = models.CharField("类别", max_length=20, choices=SanctionCategory.choices)
    kind = models.CharField("种类", max_length=30, choices=SanctionKind.choices)
    starts_on = models.DateField("生效日期")
    ends_on = models.DateField("影响期满日期", null=True, blank=True)
    document_number = models.CharField("处分决定文号", max_length=60, blank=True)
    # 撤销: the decision annulled (申诉、复查): a revoked sanction is no fact any more — it gates nothing
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoke_reason = models.TextField("撤销理由", blank=True)  # 纪检's own text, kept out of the audit log
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "处分和处理"
        verbose_name_plural = "处分和处理"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["member", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="discipline_sanction_ends_after_start",
            )
        ]

    def audit_org_path(self) -> str:
        return self.organization.path

    def __str__(self) -> str:
        return self.get_kind_display()


class Risk(models.Model):
    """A 廉政风险点 of a unit's organization and post: the risk, its level, the prevention measures, the
    person responsible and how often it is reviewed."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="党组织"
    )
    post = models.CharField("岗位", max_length=60)
    description = models.TextField("风险点")
    level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices)
    measures = models.TextField("防控措施")
    owner = models.CharField("责任人", max_length=50)
    review_months = models.PositiveSmallIntegerField("复核周期（月）", default=6)
    last_reviewed_on = models.DateField("上次复核日期", null=True, blank=True)
    next_review_on = models.DateField("下次复核日期")
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "廉政风险点"
        verbose_name_plural = "廉政风险点"
        ordering = ["next_review_on", "id"]
        indexes = [models.Index(fields=["organization", "next_review_on"])]

    def audit_org_path(self) -> str:
        return self.organization.path

    def __str__(self) -> str:
        return f"{self.post}：{self.description[:20]}"


class RiskReview(models.Model):
    """One periodic review of a 廉政风险点: what was found and whether the level changed."""

    scope_org_field = "risk__organization"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews", verbose_name="风险点")
    reviewed_on = models.DateField("复核日期")
    level = models.CharField("复核后等级", max_length=10, choices=RiskLevel.choices)
    note = models.TextField("复核情况")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="复核人",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "风险点复核"
        verbose_name_plural = "风险点复核"
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.risk} {self.reviewed_on}"
