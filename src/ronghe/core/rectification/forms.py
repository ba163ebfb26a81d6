from __future__ import annotations

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.core.rectification.models import State


class ItemFilterForm(StyledForm):
    q = forms.CharField(label="党组织/问题", required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *State.choices])
    late = forms.BooleanField(label="已逾期", required=False)


class PlanForm(StyledForm):
    title = forms.CharField(label="问题", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    owner = forms.CharField(label="责任人", max_length=50, required=False)
    leader = forms.CharField(label="联系领导", max_length=50, required=False)
    due_on = forms.DateField(
        label="整改期限", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ProgressForm(StyledForm):
    text = forms.CharField(label="整改进展", widget=forms.Textarea(attrs={"rows": 2}))


class StepForm(StyledForm):
    action = forms.ChoiceField(
        choices=[("submit", "提交验收"), ("accept", "验收销号"), ("reject", "退回整改")]
    )
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
