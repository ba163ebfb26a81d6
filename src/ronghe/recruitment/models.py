"""发展党员纪实: one RecruitmentCase per person, its recorded steps, its 考察 records and 思想汇报.

The case stores every key date of domain-rules §3 as a column (the facts the rules read); each
recorded step is a `RecruitmentStep` row (who recorded it, when, the note), and the documents are
`core.evidence` rows on the case (kind "recruitment.case"), their note naming the document.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ronghe.recruitment.choices import FullOutcome, ObservationKind, ReviewResult, Stage


class RecruitmentCase(models.Model):
    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="recruitment_cases", verbose_name="党支部"
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=2)
    birth_date = models.DateField("出生日期")
    id_number_encrypted = models.TextField("公民身份号码（密文）")
    id_number_index = models.CharField(max_length=64)
    id_number_masked = models.CharField("公民身份号码", max_length=18)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    education = models.CharField("学历", max_length=20, blank=True)
    work_position = models.CharField("工作单位及职务", max_length=100, blank=True)
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices, default=Stage.APPLICANT)

    applied_on = models.DateField("递交入党申请书日期")
    talked_on = models.DateField("谈话日期", null=True, blank=True)
    talker = models.CharField("谈话人", max_length=50, blank=True)
    activist_on = models.DateField("确定入党积极分子日期", null=True, blank=True)
    activist_filed_on = models.DateField("积极分子备案日期", null=True, blank=True)
    contacts = models.ManyToManyField(
        "members.Member", related_name="+", blank=True, verbose_name="培养联系人"
    )
    candidate_on = models.DateField("确定发展对象日期", null=True, blank=True)
    candidate_filed_on = models.DateField("发展对象备案日期", null=True, blank=True)
    introducers = models.ManyToManyField(
        "members.Member", related_name="+", blank=True, verbose_name="入党介绍人"
    )
    political_review_on = models.DateField("政审结论日期", null=True, blank=True)
    political_review_result = models.CharField(
        "政审结论", max_length=10, choices=ReviewResult.choices, blank=True
    )
    training_start = models.DateField("集中培训开始日期", null=True, blank=True)
    training_end = models.DateField("集中培训结束日期", null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField("培训学时", null=True, blank=True)
    committee_review_on = models.DateField("支委会审查日期", null=True, blank=True)
    pre_review_on = models.DateField("上级党委预审日期", null=True, blank=True)
    form_issued_on = models.DateField("发放入党志愿书日期", null=True, blank=True)
    admitted_on = models.DateField("支部大会（接收）日期", null=True, blank=True)
    voters_expected = models.PositiveSmallIntegerField("应到会有表决权党员", null=True, blank=True)
    voters_present = models.PositiveSmallIntegerField("实到会有表决权党员", null=True, blank=True)
    votes_yes = models.PositiveSmallIntegerField("赞成票", null=True, blank=True)
    written_yes = models.PositiveSmallIntegerField("书面赞成意见", default=0)
    higher_talk_on = models.DateField("上级党委派人谈话日期", null=True, blank=True)
    approved_on = models.DateField("党委审批日期", null=True, blank=True)
    approver = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="审批党委",
    )
    approval_delay_reason = models.CharField("超过三个月审批的原因", max_length=200, blank=True)
    filed_on = models.DateField("组织部门备案日期", null=True, blank=True)
    oath_on = models.DateField("入党宣誓日期", null=True, blank=True)
    full_applied_on = models.DateField("转正申请日期", null=True, blank=True)
    extension_meeting_on = models.DateField("支部大会（延长预备期）日期", null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", null=True, blank=True)
    full_meeting_on = models.DateField("支部大会（转正）日期", null=True, blank=True)
    full_outcome = models.CharField("转正结果", max_length=10, choices=FullOutcome.choices, blank=True)
    full_voters_expected = models.PositiveSmallIntegerField("转正：应到会", null=True, blank=True)
    full_voters_present = models.PositiveSmallIntegerField("转正：实到会", null=True, blank=True)
    full_votes_yes = models.PositiveSmallIntegerField("转正：赞成票", null=True, blank=True)
    full_approved_on = models.DateField("转正审批日期", null=True, blank=True)
    archived_on = models.DateField("归档日期", null=True, blank=True)
    # 公示 periods by stage: {"activist": ["2025-06-02", "2025-06-09"], ...}
    publicity = models.JSONField("公示", default=dict, blank=True)

    member = models.OneToOneField(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="recruitment_case",
        null=True,
        blank=True,
        verbose_name="党员记录",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "发展党员纪实"
        verbose_name_plural = "发展党员纪实"
        ordering = ["organization_id", "applied_on", "id"]
        indexes = [models.Index(fields=["organization", "stage"])]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="one_recruitment_case_per_person")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.organization.path


class RecruitmentStep(models.Model):
    """One recorded step (of the 25) on a case: when it was done, who recorded it, and a note."""

    scope_org_field = "case__organization"

    case = models.ForeignKey(RecruitmentCase, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField("步骤")
    done_on = models.DateField("日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now=True)

    class Meta:
        verbose_name = "发展党员步骤"
        verbose_name_plural = "发展党员步骤"
        ordering = ["case_id", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_recruitment_step_each")]

    def __str__(self) -> str:
        return f"{self.case} 第{self.number}步"


class Observation(models.Model):
    """培养考察 (every 6 months) or 思想汇报 (every quarter) of an activist or probationary member."""

    scope_org_field = "case__organization"

    case = models.ForeignKey(RecruitmentCase, on_delete=models.CASCADE, related_name="observations")
    kind = models.CharField("类型", max_length=20, choices=ObservationKind.choices)
    on = models.DateField("日期")
    content = models.TextField("内容")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考察记录"
        verbose_name_plural = "考察记录"
        ordering = ["case_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.on}"
