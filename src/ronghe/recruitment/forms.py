"""Input parsing for 发展党员 pages: the application, one form per step, 考察 records, the filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from ronghe.core.forms import StyledForm
from ronghe.members.choices import Education, MemberStatus
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.recruitment import rules, services
from ronghe.recruitment.choices import Action, FullOutcome, ObservationKind, ReviewResult, Stage
from ronghe.recruitment.models import RecruitmentCase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(StyledForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label="党支部")
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="公民身份号码", max_length=30, help_text="出生日期和性别从号码中读取，并据此核对年满18周岁"
    )
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DATE)
    education = forms.ChoiceField(label="学历", choices=[("", "请选择"), *Education.choices], required=False)
    work_position = forms.CharField(label="工作单位及职务", max_length=100, required=False)

    def __init__(self, *args: Any, branches: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = branches  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "organization": d["organization"],
            "name": d["name"],
            "id_number": d["id_number"],
            "applied_on": d["applied_on"],
            "education": d["education"],
            "work_position": d["work_position"],
        }


class StepForm(StyledForm):
    """One action's fields, taken from the case model, plus the people and the 公示 where it has them."""

    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        *args: Any,
        case: RecruitmentCase,
        action: str,
        members: QuerySet[Member],
        approvers: QuerySet[Organization],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        names = services.FIELDS[action]
        fields: dict[str, forms.Field] = {}
        for name in names:
            model_field = RecruitmentCase._meta.get_field(name)
            if name == "approver":
                field: forms.Field = forms.ModelChoiceField(
                    queryset=approvers, label="审批党委", required=False
                )
            elif name == "political_review_result":
                field = forms.ChoiceField(
                    label="政审结论", choices=[("", "请选择"), *ReviewResult.choices], required=False
                )
            elif name == "full_outcome":
                field = forms.ChoiceField(
                    label="支部大会决定", choices=[("", "请选择"), *FullOutcome.choices], required=False
                )
            else:
                field = model_field.formfield(required=False)  # type: ignore[union-attr, assignment]
                if isinstance(field, forms.DateField):
                    field.widget = DATE
            field.required = False  # the service names what is missing, in Chinese
            fields[name] = field
        if action == Action.ACTIVIST:
            fields["contacts"] = forms.ModelMultipleChoiceField(
                queryset=members, label="培养联系人（1至2名正式党员）", required=False
            )
        if action == Action.CANDIDATE:
            fields["introducers"] = forms.ModelMultipleChoiceField(
                queryset=members, label="入党介绍人（2名正式党员）", required=False
            )
        stage = services.PUBLICITY_OF.get(action)
        if stage and stage in services.policy().publicity_stages:
            label = rules.PUBLICITY_LABELS[stage]
            fields["publicity_start"] = forms.DateField(label=f"{label}公示开始", widget=DATE, required=False)
            fields["publicity_end"] = forms.DateField(
                label=f"{label}公示结束",
                widget=DATE,
                required=False,
                help_text=f"不少于{services.policy().publicity_days}个工作日（节假日不计，调休上班日计入）",
            )
        note = self.fields.pop("note")
        self.fields.update(fields)
        self.fields["note"] = note
        for name in self.fields:
            if name in names and not self.is_bound:
                value = getattr(case, name)
                if value not in (None, "") and name != "approver":
                    self.initial.setdefault(name, value)
        for name in self.fields:
            widget = self.fields[name].widget
            if isinstance(self.fields[name], forms.DateField):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " form-control").strip()
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs.setdefault("class", "form-control")

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        values = {n: d.get(n) for n in services.FIELDS[self.action] if n in d}
        for name, value in list(values.items()):
            if value == "" and name not in ("talker", "approval_delay_reason"):
                values[name] = None if name not in ("political_review_result", "full_outcome") else ""
        if "written_yes" in values and values["written_yes"] is None:
            values["written_yes"] = 0
        kwargs: dict[str, Any] = {"values": values, "note": d.get("note", "")}
        if "contacts" in self.fields:
            kwargs["contacts"] = list(d.get("contacts") or [])
        if "introducers" in self.fields:
            kwargs["introducers"] = list(d.get("introducers") or [])
        start, end = d.get("publicity_start"), d.get("publicity_end")
        if start and end:
            kwargs["publicity"] = (start, end)
        return kwargs


class ObservationForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=ObservationKind.choices)
    on = forms.DateField(label="日期", widget=DATE)
    content = forms.CharField(label="内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class FilterForm(StyledForm):
    q = forms.CharField(label="姓名", required=False, max_length=50)
    stage = forms.ChoiceField(label="阶段", required=False, choices=[("", "全部"), *Stage.choices])
    organization = forms.ModelChoiceField(
        label="党支部", required=False, queryset=Organization.objects.none(), empty_label="全部"
    )
    late = forms.ChoiceField(
        label="办理情况", required=False, choices=[("", "全部"), ("due", "30 天内到期"), ("late", "已逾期")]
    )

    def __init__(self, *args: Any, branches: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = branches  # type: ignore[attr-defined]


class YearForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)


class ImportForm(StyledForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label="导入到")
    file = forms.FileField(label="Excel 或 CSV 文件")

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


def full_members(organization: Organization) -> QuerySet[Member]:
    """The 正式党员 who may be contacts or introducers: the case's unit's organization subtree."""
    root = organization.parent or organization
    return Member.objects.filter(
        organization__path__startswith=root.path, status__in=[MemberStatus.FULL, MemberStatus.PROBATIONARY]
    ).order_by("name")


def approvers_for(organization: Organization) -> QuerySet[Organization]:
    """Every organization above the branch (the rule refuses those that may not approve)."""
    paths = []
    path = organization.path
    while "." in path[:-1]:
        path = path[: path[:-1].rfind(".") + 1]
        paths.append(path)
    return Organization.objects.filter(path__in=paths).order_by("path")
