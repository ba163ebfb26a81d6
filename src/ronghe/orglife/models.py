"""Organizational life: meetings, who attended them, and the requirements they fulfil."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from ronghe.orglife.choices import (
    AttendanceSource,
    AttendanceStatus,
    ExpectedAttendees,
    Grade,
    LateEntryMode,
    MeetingKind,
    MeetingState,
    Period,
    VoteMethod,
)
from ronghe.orgs.choices import OrgKind

# What the members of each kind's committee are called (an ExpectedAttendees.COMMITTEE requirement).
COMMITTEE_NAMES: dict[str, str] = {
    OrgKind.LEADING_GROUP: "党组成员",
    OrgKind.COMMITTEE: "工委委员",
    OrgKind.PARTY_COMMITTEE: "党委委员",
    OrgKind.GENERAL_BRANCH: "总支委员",
    OrgKind.BRANCH: "支委委员",
    OrgKind.JOINT_BRANCH: "支委委员",
    OrgKind.TEMPORARY: "支委委员",
    OrgKind.GROUP: "党小组长",
}


class MeetingRequirement(models.Model):
    """How often a meeting kind must be held in a year (domain-rules §1.1), editable per year."""

    scope_org_field = None  # county-wide configuration, guarded by orglife.manage_requirements

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    kind = models.CharField("会议类型", max_length=30, choices=MeetingKind.choices)
    period = models.CharField("周期", max_length=10, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField("每周期最少次数", default=1)
    org_kinds = models.JSONField("适用党组织类型", default=list)
    expected = models.CharField(
        "应参加人员", max_length=10, choices=ExpectedAttendees.choices, default=ExpectedAttendees.ALL
    )
    coverage = models.BooleanField(
        "按人覆盖", default=False, help_text="勾选后要求每名党员每周期至少参加一次（如谈心谈话）"
    )
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "组织生活要求"
        verbose_name_plural = "组织生活要求"
        ordering = ["year", "kind"]
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="unique_requirement_year_kind")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}"

    @property
    def expected_display(self) -> str:
        """Who is expected, named for the kinds it applies to: the committee of a 党组 is its
        党组成员 (民主生活会), of a branch its 支委委员."""
        if self.expected != ExpectedAttendees.COMMITTEE:
            return str(self.get_expected_display())
        names = dict.fromkeys(COMMITTEE_NAMES.get(k, "委员会成员") for k in self.org_kinds)
        return "、".join(names) or str(self.get_expected_display())

    @property
    def org_kinds_display(self) -> str:
        """The kinds it applies to, in Chinese ("党支部、联合党支部")."""
        labels = dict(OrgKind.choices)
        return "、".join(str(labels.get(k, k)) for k in self.org_kinds)


class OrgLifePolicy(models.Model):
    """County-wide settings of organizational life (a single row, id=1)."""

    scope_org_field = None

    late_entry_mode = models.CharField(
        "补录政策", max_length=10, choices=LateEntryMode.choices, default=LateEntryMode.MARK
    )
    late_after_days = models.PositiveSmallIntegerField(
        "补录期限（天）", default=7, help_text="会议结束后超过该天数才录入的，视为补录"
    )
    checkin_code_minutes = models.PositiveSmallIntegerField("签到码有效期（分钟）", default=15)
    checkin_early_minutes = models.PositiveSmallIntegerField("会前可签到（分钟）", default=30)
    study_day_weekday = models.PositiveSmallIntegerField(
        "双周学习日星期", default=4, help_text="1=星期一 … 5=星期五"
    )
    study_day_weeks = models.CharField(
        "双周学习日所在周", max_length=20, default="2,4", help_text="每月第几周，逗号分隔"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "组织生活设置"
        verbose_name_plural = "组织生活设置"

    def __str__(self) -> str:
        return "组织生活设置"

    @classmethod
    def current(cls) -> OrgLifePolicy:
        obj, _ = cls.objects.get_or_create(id=1)
        return obj


class Meeting(models.Model):
    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="meetings", verbose_name="党组织"
    )
    kind = models.CharField("会议类型", max_length=30, choices=MeetingKind.choices)
    title = models.CharField("会议名称", max_length=200)
    held_at = models.DateTimeField("开始时间", db_index=True)
    state = models.CharField(
        "状态",
        max_length=10,
        choices=MeetingState.choices,
        default=MeetingState.HELD,
        help_text="开始时间未到的会议为已安排，不计出席、积分和落实情况",
    )
    ends_at = models.DateTimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="主持人",
    )
    recorder = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议记录", blank=True)
    remarks = models.TextField("发言情况", blank=True)
    entered_late = models.BooleanField("补录", default=False)
    quorum_met = models.BooleanField(
        "达到到会人数要求",
        null=True,
        blank=True,
        help_text="支委会须半数以上委员到会，民主生活会须三分之二以上应到人员到会；不适用时为空",
    )
    requires_sign_out = models.BooleanField("需要签退", default=False)
    checkin_code = models.CharField(max_length=16, null=True, blank=True, unique=True)
    checkin_expires_at = models.DateTimeField("签到码失效时间", null=True, blank=True)
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
        indexes = [
            models.Index(fields=["organization", "kind", "held_at"]),
            # the few planned meetings whose start has come (`services.advance_meetings`)
            models.Index(fields=["state", "held_at"], name="orglife_meeting_state_held"),
        ]

    # What compliance counts a meeting by (`orglife.tallies`): the values as loaded are kept, so a
    # save moves the meeting's count from the cell it was stored in to the one it is saved in.
    TALLY_FIELDS = ("organization_id", "kind", "held_at", "state", "quorum_met")
    NOT_LOADED = object()
    _stored: tuple[Any, ...]

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Meeting:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._stored = tuple(instance.__dict__.get(f, cls.NOT_LOADED) for f in cls.TALLY_FIELDS)
        return instance

    def __str__(self) -> str:
        return self.title

    @property
    def is_planned(self) -> bool:
        return self.state == MeetingState.PLANNED

    @property
    def state_label(self) -> str:
        """已安排 before the start; 待标记出席 once started with members still unmarked; else 已召开."""
        if self.state == MeetingState.HELD:
            return MeetingState.HELD.label
        return "待标记出席" if self.held_at <= timezone.now() else MeetingState.PLANNED.label

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
        "出席情况", max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.UNMARKED
    )
    reason = models.CharField("请假/缺席原因", max_length=200, blank=True)
    is_voter = models.BooleanField("有表决权", default=True)
    source = models.CharField(
        "来源", max_length=10, choices=AttendanceSource.choices, default=AttendanceSource.RECORDED
    )
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    grade = models.CharField("评议等次", max_length=12, choices=Grade.choices, blank=True)

    class Meta:
        verbose_name = "出席记录"
        verbose_name_plural = "出席记录"
        ordering = ["meeting_id", "member_id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="unique_attendance")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.member} · {self.get_status_display()}"

    def audit_org_path(self) -> str:
        return self.meeting.organization.path


class VoterExclusion(models.Model):
    """A member left out of a 党员大会's expected voters (domain-rules §1.3, legacy guidance [C]).

    Recorded by the higher organization with its approval reference; quorum and pass use it.
    """

    scope_org_field = "meeting__organization"
    scope_member_field = "member"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="voter_exclusions", verbose_name="会议"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="党员"
    )
    reason = models.CharField("不计入应到会人数的原因", max_length=200)
    approval_ref = models.CharField("上级批准文号", max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "不计入应到会人员"
        verbose_name_plural = "不计入应到会人员"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="unique_voter_exclusion")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.member}"

    def audit_org_path(self) -> str:
        return self.meeting.organization.path


class SittingIn(models.Model):
    """列席人员: attend without being members of the meeting's organization."""

    scope_org_field = "meeting__organization"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sitting_ins")
    name = models.CharField("姓名", max_length=50)
    affiliation = models.CharField("单位/职务", max_length=100, blank=True)

    class Meta:
        verbose_name = "列席人员"
        verbose_name_plural = "列席人员"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    scope_org_field = "meeting__organization"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("决议内容")
    method = models.CharField("表决方式", max_length=10, choices=VoteMethod.choices, default=VoteMethod.HANDS)
    voters_expected = models.PositiveIntegerField("应到会有表决权人数")
    voters_present = models.PositiveIntegerField("实到有表决权人数")
    yes = models.PositiveIntegerField("赞成")
    no = models.PositiveIntegerField("反对")
    abstain = models.PositiveIntegerField("弃权")
    passed = models.BooleanField("通过")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "决议"
        verbose_name_plural = "决议"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]

    def audit_org_path(self) -> str:
        return self.meeting.organization.path


class Attachment(models.Model):
    scope_org_field = "meeting__organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField("文件名", max_length=200)
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    def audit_org_path(self) -> str:
        return self.meeting.organization.path


class Reminder(models.Model):
    """A reminder produced by the scheduled task for an obligation due soon or overdue."""

    scope_org_field = "organization"

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="orglife_reminders"
    )
    kind = models.CharField("会议类型", max_length=30, choices=MeetingKind.choices)
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束")
    state = models.CharField("状态", max_length=10)
    message = models.CharField("提醒内容", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["period_end", "organization_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "period_start", "state"], name="unique_reminder"
            )
        ]

    def __str__(self) -> str:
        return self.message


class MeetingTally(models.Model):
    """Meetings that count for compliance held by an organization of a kind in a local month,
    kept as meetings are written (`orglife.tallies`)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=MeetingKind.choices)
    held = models.IntegerField(default=0)

    class Meta:
        verbose_name = "会议计数"
        verbose_name_plural = "会议计数"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "month", "kind"], name="orglife_tally_cell"
            )
        ]
        indexes = [models.Index(fields=["year", "kind", "organization"], name="orglife_tally_year")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year}-{self.month:02d} {self.kind} {self.held}"
