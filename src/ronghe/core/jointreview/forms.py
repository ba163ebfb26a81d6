"""The forms of the 联审 page. They only carry the input: the service is the one place that refuses it."""

from __future__ import annotations

from typing import Any

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.core.jointreview.choices import Verdict
from ronghe.core.jointreview.models import JointReview


class OpinionForm(StyledForm):
    department = forms.ChoiceField(
        label="联审部门", error_messages={"invalid_choice": "您不是该联审部门的审核人"}
    )
    verdict = forms.ChoiceField(
        label="意见",
        choices=[("", "请选择"), *Verdict.choices],
        error_messages={"required": "请选择同意或有异议", "invalid_choice": "请选择同意或有异议"},
    )
    objected_items = forms.MultipleChoiceField(
        label="异议对象（不选表示对整个名单）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "联审名单中没有该项"},
    )
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args: Any, review: JointReview, departments: list[dict[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        dept_field = self.fields["department"]
        assert isinstance(dept_field, forms.ChoiceField)
        dept_field.choices = [(d["code"], d["name"]) for d in departments]
        if len(departments) == 1:
            dept_field.initial = departments[0]["code"]
            dept_field.widget = forms.HiddenInput()
        items_field = self.fields["objected_items"]
        assert isinstance(items_field, forms.MultipleChoiceField)
        items_field.choices = [(i["key"], i["label"]) for i in review.items]


class OverrideForm(StyledForm):
    reason = forms.CharField(
        label="不采纳异议的理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
