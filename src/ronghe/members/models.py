"""Members. ID and phone numbers are stored encrypted, with a blind index and a stored mask."""

from __future__ import annotations

import uuid

from django.db import models

from ronghe.members.choices import Education, Gender, MemberStatus, Occupation


class Member(models.Model):
    scope_org_field = "organization"
    scope_member_field = ""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number_encrypted = models.TextField("公民身份号码（密文）", blank=True)
    id_number_index = models.CharField(max_length=64, null=True, blank=True, unique=True)
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
        "党员状态", max_length=20, choices=MemberStatus.choices, default=MemberStatus.FULL, db_index=True
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="members", verbose_name="所在党组织"
    )
    phone_encrypted = models.TextField("手机号（密文）", blank=True)
    phone_masked = models.CharField("手机号", max_length=11, blank=True)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    remarks = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["organization_id", "name", "id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.organization.path
