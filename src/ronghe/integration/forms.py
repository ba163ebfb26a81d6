"""同步部署/同步点评 forms: parsing and choices only; the rules and writes are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ronghe.core.forms import StyledForm
from ronghe.core.types import Actor
from ronghe.integration.choices import (
    QUARTERS,
    OwnerKind,
    PlanState,
    ReviewGrade,
    TaskState,
    WorkKind,
    WorkPointState,
)
from ronghe.integration.models import SyncReview, Task, WorkPlan, WorkPoint
from ronghe.integration.queries import work_points_for_user
from ronghe.orgs.choices import BRANCH_KINDS
from ronghe.orgs.forms import CodeChoiceField
from ronghe.orgs.models import Department, Organization, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def this_year() -> int:
    return timezone.localdate().year


class WorkPointForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    number = forms.IntegerField(label="序号", min_value=1, max_value=999)
    title = forms.CharField(label="要点", max_length=200)
    kind = forms.ChoiceField(label="类别", choices=WorkKind.choices)
    content = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PublishForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class PlanCreateForm(StyledForm):
    unit = CodeChoiceField(queryset=Unit.objects.none(), label="单位", empty_label="请选择")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    summary = forms.CharField(label="总体思路", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = units.order_by("name")


class PlanSummaryForm(StyledForm):
    summary = forms.CharField(label="总体思路", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class StepForm(StyledForm):
    action = forms.CharField()
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TaskForm(StyledForm):
    kind = forms.ChoiceField(label="类别", choices=WorkKind.choices)
    work_point = CodeChoiceField(
        queryset=WorkPoint.objects.none(),
        label="对应工作要点",
        required=False,
        empty_label="（单位自身目标）",
    )
    title = forms.CharField(label="任务", max_length=200)
    owner_kind = forms.ChoiceField(label="责任主体", choices=OwnerKind.choices)
    department = CodeChoiceField(queryset=Department.objects.none(), label="责任部门", required=False)
    branch = CodeChoiceField(queryset=Organization.objects.none(), label="责任党支部", required=False)
    person = forms.CharField(label="责任人", max_length=50, required=False, help_text="责任主体为个人时必填")
    deadline = forms.DateField(label="完成时限", widget=DATE)
    target = forms.CharField(label="目标", max_length=300, help_text="可衡量的目标，如“完成率达到95%”")
    target_value = forms.DecimalField(label="目标值", required=False, max_digits=14, decimal_places=2)
    measure = forms.CharField(label="计量单位", max_length=20, required=False)

    def __init__(self, *args: Any, plan: WorkPlan, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        point, department, branch = (
            self.fields["work_point"],
            self.fields["department"],
            self.fields["branch"],
        )
        assert isinstance(point, forms.ModelChoiceField)
        assert isinstance(department, forms.ModelChoiceField)
        assert isinstance(branch, forms.ModelChoiceField)
        point.queryset = work_points_for_user(user).filter(year=plan.year, state=WorkPointState.PUBLISHED)
        department.queryset = Department.objects.filter(unit=plan.unit)
        branch.queryset = Organization.objects.filter(
            path__startswith=plan.organization.path, kind__in=BRANCH_KINDS, is_active=True
        ).order_by("path")

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned input as `services.plans.save_task` takes it (pages and API alike)."""
        data = self.cleaned_data
        return {name: data[name] if data[name] is not None else None for name in self.fields} | {
            "person": data["person"] or "",
            "measure": data["measure"] or "",
        }


def task_initial(task: Task) -> dict[str, Any]:
    return {
        "kind": task.kind,
        "work_point": task.work_point.code if task.work_point else None,
        "title": task.title,
        "owner_kind": task.owner_kind,
        "department": task.department.code if task.department else None,
        "branch": task.branch.code if task.branch else None,
        "person": task.person,
        "deadline": task.deadline,
        "target": task.target,
        "target_value": task.target_value,
        "measure": task.measure,
    }


class ProgressForm(StyledForm):
    reported_on = forms.DateField(label="日期", widget=DATE)
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label="完成进度（%）", required=False)
    value_reached = forms.DecimalField(label="已完成值", required=False, max_digits=14, decimal_places=2)
    file = forms.FileField(label="佐证材料（可选）", required=False)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "reported_on": data["reported_on"],
            "text": data["text"],
            "percent": data["percent"],
            "value_reached": data["value_reached"],
            "upload": data.get("file"),
        }


class ReviewCreateForm(StyledForm):
    unit = CodeChoiceField(queryset=Unit.objects.none(), label="单位", empty_label="请选择")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", choices=QUARTERS, coerce=int)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = units.order_by("name")


class ReviewForm(StyledForm):
    party_comment = forms.CharField(
        label="党建工作点评", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    business_comment = forms.CharField(
        label="业务工作点评", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    integrated_comment = forms.CharField(
        label="融合情况点评", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    grade = forms.ChoiceField(label="等次", required=False, choices=[("", "未评定"), *ReviewGrade.choices])

    def __init__(self, *args: Any, tasks: list[Task], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        for task in tasks:
            self.fields[f"task_{task.pk}"] = forms.CharField(
                label=task.title,
                required=False,
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control"}),
            )

    def task_fields(self) -> list[tuple[Task, forms.BoundField]]:
        return [(t, self[f"task_{t.pk}"]) for t in self.tasks]

    def area_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("party_comment", "business_comment", "integrated_comment", "grade")]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "party_comment": data["party_comment"],
            "business_comment": data["business_comment"],
            "integrated_comment": data["integrated_comment"],
            "grade": data["grade"],
            "task_comments": {t.pk: data[f"task_{t.pk}"] for t in self.tasks},
        }


def review_initial(review: SyncReview, comments: dict[int, str]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "party_comment": review.party_comment,
        "business_comment": review.business_comment,
        "integrated_comment": review.integrated_comment,
        "grade": review.grade,
    }
    initial.update({f"task_{pk}": text for pk, text in comments.items()})
    return initial


class OpinionForm(StyledForm):
    opinion = forms.CharField(label="单位党组（党委）意见", widget=forms.Textarea(attrs={"rows": 3}))


class RectificationForm(StyledForm):
    title = forms.CharField(label="发现的问题", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label="整改要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label="责任人", max_length=50, required=False)
    leader = forms.CharField(label="联系领导", max_length=50, required=False)
    due_on = forms.DateField(label="整改期限", widget=DATE)


class TaskFilterForm(StyledForm):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *WorkKind.choices])
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *TaskState.choices, ("overdue", "已逾期")]
    )
    q = forms.CharField(label="单位或任务", required=False)


class PlanFilterForm(StyledForm):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *PlanState.choices])
    q = forms.CharField(label="单位", required=False)


class ReviewFilterForm(StyledForm):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    quarter = forms.ChoiceField(label="季度", required=False, choices=[("", "全部季度"), *QUARTERS])
    grade = forms.ChoiceField(label="等次", required=False, choices=[("", "全部等次"), *ReviewGrade.choices])
    q = forms.CharField(label="单位", required=False)


class PointFilterForm(StyledForm):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *WorkKind.choices])
