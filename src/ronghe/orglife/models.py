"""Organizational life: meetings and who attended them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ronghe.orglife.choices import AttendanceStatus, MeetingKind


class Meeting(models.Model):
    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="meetings", verbose_name="党组织"
    )
    kind = models.CharField("会议类型", max_length=30, choices=MeetingKind.choices)
    title = models.CharField("会议名称", max_length=200)
    held_at = models.DateTimeField("开始时间", db_index=True)
    ends_at = models.DateTimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议记录", blank=True)
    entered_late = models.BooleanField("补录", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="录入人",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["-held_at"]
        indexes = [models.Index(fields=["organization", "kind", "held_at"])]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path


class Attendance(models.Model):
    scope_org_field = "meeting__organization"
    scope_member_field = "member"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name="会议"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="attendances", verbose_name="党员"
    )
    status = models.CharField(
        "出席情况", max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    reason = models.CharField("请假/缺席原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "出席记录"
        verbose_name_plural = "出席记录"
        ordering = ["meeting_id", "member_id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="unique_attendance")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.member} · {self.get_status_display()}"
