"""Input parsing for 纪检 pages: a clue, a case step, a 廉政风险点 and its review, the filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from ronghe.core.forms import StyledForm
from ronghe.discipline import rules
from ronghe.discipline.choices import (
    CaseAction,
    CaseSource,
    CaseState,
    CommitteeKind,
    CommitteeTitle,
    RiskLevel,
    SanctionKind,
)
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.organization.name}）"


class ClueForm(StyledForm):
    member = MemberChoice(queryset=Member.objects.none(), label="被反映人")
    source = forms.ChoiceField(label="线索来源", choices=[("", "请选择"), *CaseSource.choices])
    received_on = forms.DateField(label="受理日期", widget=DATE)
    summary = forms.CharField(
        label="反映的主要问题", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "member": d["member"],
            "source": d["source"],
            "received_on": d["received_on"],
            "summary": d["summary"],
        }


# The kinds offered for each recording action.
def kind_choices(action: str) -> list[tuple[str, str]]:
    allowed = rules.ACTION_CATEGORIES.get(action, frozenset())
    return [(k, SanctionKind(k).label) for k, info in rules.KINDS.items() if info.category in allowed]


class StepForm(StyledForm):
    """One case step: the date and the opinion; 给予处分/予以处理 add the kind, start, end and 文号."""

    on = forms.DateField(label="日期", widget=DATE)
    comment = forms.CharField(
        label="意见", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    kind = forms.ChoiceField(label="处分种类", choices=[])
    starts_on = forms.DateField(label="生效日期", widget=DATE)
    ends_on = forms.DateField(
        label="影响期满日期",
        widget=DATE,
        required=False,
        help_text="不填则按种类的影响期计算（留党察看按所选期限）",
    )
    probation_years = forms.TypedChoiceField(
        label="留党察看期限",
        choices=[(1, "一年"), (2, "二年")],
        coerce=int,
        initial=1,
        required=False,
        help_text="仅留党察看适用",
    )
    document_number = forms.CharField(label="决定文号", max_length=60, required=False)

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        if action not in rules.ACTION_CATEGORIES:
            for name in ("kind", "starts_on", "ends_on", "probation_years", "document_number"):
                del self.fields[name]
            return
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "请选择"), *kind_choices(action)]
        if action == CaseAction.HANDLE:
            kind.label = "处理方式"
            del self.fields["probation_years"]

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {"on": d["on"], "comment": d.get("comment") or ""}
        for name in ("kind", "starts_on", "ends_on", "document_number"):
            if name in d:
                out[name] = d[name] or ("" if name in ("kind", "document_number") else None)
        if "probation_years" in d:
            out["probation_years"] = d["probation_years"] or 1
        return out


class CaseFilterForm(StyledForm):
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *CaseState.choices], required=False)
    open = forms.BooleanField(label="只看正在办理", required=False)
    q = forms.CharField(label="被反映人", max_length=50, required=False)
    year = forms.IntegerField(label="受理年度", min_value=2000, max_value=2100, required=False)
    org = forms.CharField(widget=forms.HiddenInput, required=False)  # a link's subtree (年度工作报告)


class RiskForm(StyledForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label="党组织")
    post = forms.CharField(label="岗位", max_length=60)
    description = forms.CharField(label="风险点", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    level = forms.ChoiceField(label="风险等级", choices=[("", "请选择"), *RiskLevel.choices])
    measures = forms.CharField(label="防控措施", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    owner = forms.CharField(label="责任人", max_length=50)
    review_months = forms.IntegerField(label="复核周期（月）", initial=6)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RiskReviewForm(StyledForm):
    reviewed_on = forms.DateField(label="复核日期", widget=DATE)
    level = forms.ChoiceField(label="复核后等级", choices=RiskLevel.choices)
    note = forms.CharField(label="复核情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RiskFilterForm(StyledForm):
    level = forms.ChoiceField(label="风险等级", choices=[("", "全部"), *RiskLevel.choices], required=False)
    overdue = forms.BooleanField(label="只看逾期未复核", required=False)


class CommitteeForm(StyledForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label="所在党组织")
    kind = forms.ChoiceField(label="类别", choices=[("", "请选择"), *CommitteeKind.choices])
    name = forms.CharField(label="名称", max_length=100)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SeatForm(StyledForm):
    member = MemberChoice(queryset=Member.objects.none(), label="党员")
    title = forms.ChoiceField(label="职务", choices=CommitteeTitle.choices)
    started_on = forms.DateField(label="任职日期", widget=DATE)

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SanctionUpdateForm(StyledForm):
    """更正 a recorded sanction: its start, the end of its effect, the 文号, and why."""

    starts_on = forms.DateField(
        label="生效日期", widget=DATE, error_messages={"required": "生效日期：请填写"}
    )
    ends_on = forms.DateField(label="影响期满日期", widget=DATE, required=False, help_text="不填表示无期限")
    document_number = forms.CharField(label="决定文号", max_length=60, required=False)
    reason = forms.CharField(
        label="更正理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "理由：请填写"},
        help_text="仅纪检可见",
    )


class SanctionRevokeForm(StyledForm):
    """撤销 a sanction (申诉、复查): the day and why."""

    on = forms.DateField(label="撤销日期", widget=DATE, error_messages={"required": "撤销日期：请填写"})
    reason = forms.CharField(
        label="撤销理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "理由：请填写"},
        help_text="仅纪检可见；撤销后该处分不再影响评选、积分和评星",
    )
