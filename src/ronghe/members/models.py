"""Members. ID and phone numbers are stored encrypted, with a blind index and a stored mask."""

from __future__ import annotations

import uuid

from django.db import models

from ronghe.members.choices import (
    Education,
    Gender,
    MemberStatus,
    Occupation,
    TransferKind,
    TransferStatus,
)


class Member(models.Model):
    scope_org_field = "organization"
    scope_member_field = ""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number_encrypted = models.TextField("公民身份号码（密文）", blank=True)
    id_number_index = models.CharField(max_length=64, null=True, blank=True)
    id_number_masked = models.CharField("公民身份号码", max_length=18, blank=True)
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    degree = models.CharField("学位", max_length=20, blank=True)
    occupation = models.CharField("职业/人员类别", max_length=20, choices=Occupation.choices, blank=True)
    work_position = models.CharField("工作单位及职务", max_length=100, blank=True)
    party_post = models.CharField("党内职务", max_length=50, blank=True)
    joined_on = models.DateField("入党日期")
    full_on = models.DateField("转正日期", null=True, blank=True)
    status = models.CharField(
        "党员状态", max_length=20, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="所在党组织",
        db_index=False,  # (organization, status) below serves every lookup by organization
    )
    phone_encrypted = models.TextField("手机号（密文）", blank=True)
    phone_masked = models.CharField("手机号", max_length=11, blank=True)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    remarks = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not a column: orglife sets it on the members it proposes for a meeting's attendance, their
    # status on the meeting day (`orglife.services.members_for_attendance`).
    status_on: str | None

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["organization_id", "name", "id"]
        # Every index costs each imported row (a province imports 100,000 at a time): plain B-trees
        # only, no LIKE-pattern copies (names are searched by substring, digests by equality).
        indexes = [models.Index(fields=["organization", "status"]), models.Index(fields=["name"])]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="unique_member_id_number_index")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.organization.path


class Transfer(models.Model):
    """组织关系转接 (domain-rules §5). `organization` is the responsible side: the sending
    organization for internal and outgoing transfers (it stays responsible until the receipt
    comes back), the receiving one for incoming letters."""

    scope_org_field = "organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="transfers", verbose_name="党员"
    )
    kind = models.CharField("类型", max_length=20, choices=TransferKind.choices)
    status = models.CharField("状态", max_length=20, choices=TransferStatus.choices, db_index=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="transfers", verbose_name="责任党组织"
    )
    from_organization = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="转出党组织",
    )
    to_organization = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="转入党组织",
    )
    counterpart = models.CharField("对方党组织", max_length=200, blank=True)
    letter_number = models.CharField("介绍信编号", max_length=50, blank=True)
    issued_on = models.DateField("开具/办理日期")
    validity_days = models.PositiveSmallIntegerField("有效期（天）", null=True, blank=True)
    dues_paid_until = models.CharField("党费交至年月", max_length=7, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    reason = models.TextField("原因", blank=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="经办人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.issued_on}"

    def audit_org_path(self) -> str:
        return self.organization.path
