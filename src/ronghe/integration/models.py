"""同步部署 and 同步点评: the 工委's work points, each unit's yearly plan of Party-building and business
tasks with their progress, and the quarterly joint review of a unit."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from ronghe.integration.choices import (
    OwnerKind,
    PlanState,
    ReviewGrade,
    ReviewState,
    TaskState,
    WorkKind,
    WorkPointState,
)


class WorkPoint(models.Model):
    """One of the year's 工作要点 the 工委 publishes; units break it down into tasks."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="发布机关工委"
    )
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("要点", max_length=200)
    content = models.TextField("内容", blank=True)
    kind = models.CharField("类别", max_length=20, choices=WorkKind.choices)
    state = models.CharField(
        "状态", max_length=20, choices=WorkPointState.choices, default=WorkPointState.DRAFT
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作要点"
        verbose_name_plural = "工作要点"
        ordering = ["-year", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "number"], name="work_point_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def audit_org_path(self) -> str:
        return self.organization.path


class WorkPlan(models.Model):
    """A unit's plan for one year (同步部署): its Party-building and business tasks together.
    `organization` is the Party organization answering for the unit (its 机关党委, 总支 or 支部)."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="work_plans", verbose_name="单位"
    )
    year = models.PositiveSmallIntegerField("年度")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="负责党组织"
    )
    summary = models.TextField("总体思路", blank=True)
    state = models.CharField("状态", max_length=20, choices=PlanState.choices, default=PlanState.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作计划"
        verbose_name_plural = "工作计划"
        ordering = ["-year", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="work_plan_unit_year_unique")]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.year}年度工作计划"

    def audit_org_path(self) -> str:
        return self.organization.path


class Task(models.Model):
    """A task of a plan: its kind, the work point it breaks down, its owner (a department, a branch or a
    person), deadline and measurable target. `organization` is the branch that took it, else the plan's."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="tasks", verbose_name="工作计划"
    )
    kind = models.CharField("类别", max_length=20, choices=WorkKind.choices)
    work_point = models.ForeignKey(
        WorkPoint,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name="对应工作要点",
    )
    title = models.CharField("任务", max_length=200)
    owner_kind = models.CharField("责任主体", max_length=20, choices=OwnerKind.choices)
    department = models.ForeignKey(
        "orgs.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name="责任部门",
    )
    branch = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integration_tasks",
        verbose_name="责任党支部",
    )
    person = models.CharField("责任人", max_length=50, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="所属党组织"
    )
    deadline = models.DateField("完成时限")
    target = models.CharField("目标", max_length=300)
    target_value = models.DecimalField("目标值", max_digits=14, decimal_places=2, null=True, blank=True)
    measure = models.CharField("计量单位", max_length=20, blank=True)
    state = models.CharField("状态", max_length=20, choices=TaskState.choices, default=TaskState.NOT_STARTED)
    percent = models.PositiveSmallIntegerField("完成进度（%）", default=0)
    value_reached = models.DecimalField("已完成值", max_digits=14, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # set by the read side for a page: past its deadline and not done, days late, the review's comment
    overdue: bool
    days_late: int
    comment: str

    class Meta:
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["state", "deadline"], name="integration_task_due")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(owner_kind=OwnerKind.DEPARTMENT, department__isnull=False, branch__isnull=True)
                    | models.Q(owner_kind=OwnerKind.BRANCH, branch__isnull=False, department__isnull=True)
                    | (
                        models.Q(owner_kind=OwnerKind.PERSON, department__isnull=True, branch__isnull=True)
                        & ~models.Q(person="")
                    )
                ),
                name="integration_task_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path

    @property
    def owner_label(self) -> str:
        if self.owner_kind == OwnerKind.DEPARTMENT and self.department is not None:
            return self.department.name + (f"（{self.person}）" if self.person else "")
        if self.owner_kind == OwnerKind.BRANCH and self.branch is not None:
            return self.branch.name + (f"（{self.person}）" if self.person else "")
        return self.person


class TaskProgress(models.Model):
    """A progress report on a task: the day, what was done, the share or value reached; evidence attached."""

    scope_org_field = "task__organization"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress", verbose_name="任务")
    reported_on = models.DateField("日期")
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度（%）", null=True, blank=True)
    value_reached = models.DecimalField("已完成值", max_digits=14, decimal_places=2, null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    evidence: list[Any]  # set by the task page: this report's evidence (core.evidence rows)

    class Meta:
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        ordering = ["reported_on", "id"]

    def __str__(self) -> str:
        return self.text[:50]

    def audit_org_path(self) -> str:
        return self.task.organization.path


class SyncReview(models.Model):
    """The quarterly joint review (同步点评) of one unit by the 工委, with its 党组's opinion: comments per
    area and per task, a grade, and the problems found (整改 items, `core.rectification`)."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="sync_reviews", verbose_name="单位"
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="负责党组织"
    )
    plan = models.ForeignKey(
        WorkPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        verbose_name="工作计划",
    )
    party_comment = models.TextField("党建工作点评", blank=True)
    business_comment = models.TextField("业务工作点评", blank=True)
    integrated_comment = models.TextField("融合情况点评", blank=True)
    opinion = models.TextField("单位党组（党委）意见", blank=True)
    grade = models.CharField("等次", max_length=20, choices=ReviewGrade.choices, blank=True)
    state = models.CharField("状态", max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalized_at = models.DateTimeField("定稿时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "同步点评"
        verbose_name_plural = "同步点评"
        ordering = ["-year", "-quarter", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "quarter"], name="sync_review_unit_quarter_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="sync_review_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.year}年第{self.quarter}季度同步点评"

    def audit_org_path(self) -> str:
        return self.organization.path


class TaskComment(models.Model):
    """The review's comment on one task of the unit's plan."""

    scope_org_field = "review__organization"

    review = models.ForeignKey(SyncReview, on_delete=models.CASCADE, related_name="task_comments")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="review_comments")
    text = models.TextField("点评")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "任务点评"
        verbose_name_plural = "任务点评"
        ordering = ["task__deadline", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "task"], name="task_comment_unique")]

    def __str__(self) -> str:
        return self.text[:50]

    def audit_org_path(self) -> str:
        return self.review.organization.path
