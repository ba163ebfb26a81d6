"""Training (培训班): classes, their sessions, enrolment and attendance with hours; the 学时 policy;
学习强国 monthly figures imported from the platform's export."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from ronghe.education.choices import AttendanceSource, Audience, MaterialKind
from ronghe.points.choices import ClaimState


class EducationPolicy(models.Model):
    """The yearly 学时 requirement (domain-rules §1.1): one row, configurable by the 工委."""

    member_hours = models.DecimalField(
        "党员年度学时要求", max_digits=5, decimal_places=1, default=Decimal(32)
    )
    officer_hours = models.DecimalField(
        "书记、委员年度学时要求", max_digits=5, decimal_places=1, default=Decimal(56)
    )
    checkin_code_minutes = models.PositiveSmallIntegerField("签到码有效期（分钟）", default=15)
    checkin_early_minutes = models.PositiveSmallIntegerField("开课前可签到（分钟）", default=30)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "学时要求"
        verbose_name_plural = "学时要求"

    def __str__(self) -> str:
        return f"{self.member_hours}/{self.officer_hours}"

    @classmethod
    def current(cls) -> EducationPolicy:
        policy = cls.objects.order_by("pk").first()
        return policy or cls.objects.create()


class TrainingClass(models.Model):
    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="举办党组织"
    )
    title = models.CharField("培训班名称", max_length=200)
    audience = models.CharField("培训对象", max_length=20, choices=Audience.choices, default=Audience.ALL)
    year = models.PositiveSmallIntegerField("年度")
    starts_on = models.DateField("开班日期")
    ends_on = models.DateField("结业日期")
    description = models.TextField("培训内容", blank=True)
    members = models.ManyToManyField("members.Member", through="Enrolment", related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "培训班"
        verbose_name_plural = "培训班"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path


class Enrolment(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "参训学员"
        verbose_name_plural = "参训学员"
        constraints = [models.UniqueConstraint(fields=["training_class", "member"], name="one_enrolment")]

    def __str__(self) -> str:
        return f"{self.training_class_id}:{self.member_id}"


class TrainingSession(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField("课程", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    hours = models.DecimalField(
        "学时", max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    checkin_code = models.CharField(max_length=16, null=True, blank=True, unique=True)
    checkin_expires_at = models.DateTimeField("签到码失效时间", null=True, blank=True)

    class Meta:
        verbose_name = "培训课程"
        verbose_name_plural = "培训课程"
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.training_class.organization.path


class SessionAttendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    source = models.CharField("来源", max_length=10, choices=AttendanceSource.choices)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    year = models.PositiveSmallIntegerField("年度", db_index=True)

    class Meta:
        verbose_name = "培训出勤"
        verbose_name_plural = "培训出勤"
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="one_attendance_per_session")
        ]
        indexes = [models.Index(fields=["member", "year"])]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.member_id}"

    def audit_org_path(self) -> str:
        return self.session.training_class.organization.path


class StudyScore(models.Model):
    """One member's 学习强国 figures of one month, as exported by the platform."""

    scope_org_field = "member__organization"
    scope_member_field = "member"

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    month = models.CharField("月份", max_length=7)  # "2026-03"
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    points = models.PositiveIntegerField("学习积分")
    active_days = models.PositiveSmallIntegerField("活跃天数")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "学习强国积分"
        verbose_name_plural = "学习强国积分"
        ordering = ["month", "member_id"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="one_study_score_per_month")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.month}={self.points}"


class ExternalTraining(models.Model):
    """A training outside the platform (a county school's class, an online course) recorded by the
    member with evidence, counted in their 学时 once the branch approves it (rules.EXTERNAL_PROCESS)."""

    scope_org_field = "member__organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    title = models.CharField("培训名称", max_length=200)
    organiser = models.CharField("举办单位", max_length=200)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    # The year the hours count in: the training's last day (a class over new year counts when it ends).
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    state = models.CharField("状态", max_length=10, choices=ClaimState.choices, default=ClaimState.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "外部培训"
        verbose_name_plural = "外部培训"
        ordering = ["-ends_on", "-id"]
        indexes = [models.Index(fields=["member", "year", "state"])]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.member.organization.path


class BirthdayCeremony(models.Model):
    """The month's 政治生日 ceremony of an organization: the members whose 入党 anniversary falls in the
    month, whether they retook the oath (重温入党誓词); the photo is `core.evidence` (rules.BIRTHDAY_KIND)."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="党组织"
    )
    held_on = models.DateField("仪式日期")
    oath_retaken = models.BooleanField("重温入党誓词", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    attendees = models.ManyToManyField("members.Member", related_name="+", verbose_name="过政治生日的党员")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "政治生日仪式"
        verbose_name_plural = "政治生日仪式"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organization} {self.held_on:%Y-%m} 政治生日"

    def audit_org_path(self) -> str:
        return self.organization.path


class StudyMaterial(models.Model):
    """学习资料: a document or a link published to an organization and every organization below it (the
    双周学习日 topics, 党课 materials); who has opened it is kept in `MaterialOpen`."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="发布党组织"
    )
    kind = models.CharField(
        "类别", max_length=20, choices=MaterialKind.choices, default=MaterialKind.DOCUMENT
    )
    title = models.CharField("标题", max_length=200)
    summary = models.TextField("内容简介", blank=True)
    url = models.URLField("链接", max_length=500, blank=True)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    stored_name = models.CharField(max_length=80, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    published_on = models.DateField("发布日期")
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学习资料"
        verbose_name_plural = "学习资料"
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path


class MaterialOpen(models.Model):
    """That a member opened a study material (the first time)."""

    scope_org_field = "member__organization"
    scope_member_field = "member"

    material = models.ForeignKey(StudyMaterial, on_delete=models.CASCADE, related_name="opens")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField("首次打开时间")

    class Meta:
        verbose_name = "学习资料阅读"
        verbose_name_plural = "学习资料阅读"
        ordering = ["opened_at", "id"]
        constraints = [models.UniqueConstraint(fields=["material", "member"], name="one_open_per_member")]

    def __str__(self) -> str:
        return f"{self.material_id}:{self.member_id}"
