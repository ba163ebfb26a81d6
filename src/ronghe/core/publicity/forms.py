"""The forms of the 公示 page. They only carry the input: the service is the one place that refuses it."""

from __future__ import annotations

from typing import Any

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.core.publicity.models import Publication


class ObjectionForm(StyledForm):
    item_key = forms.CharField(label="异议对象", required=False, widget=forms.Select)
    text = forms.CharField(label="异议内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, publication: Publication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "整个名单"), *((i["key"], i["label"]) for i in publication.items)]
        self.fields["item_key"].widget.choices = choices


class HandleForm(StyledForm):
    decision = forms.ChoiceField(
        label="处理结果",
        choices=[("", "请选择"), ("uphold", "异议成立"), ("dismiss", "异议不成立")],
        error_messages={"required": "请选择处理结果", "invalid_choice": "请选择处理结果"},
    )
    reason = forms.CharField(label="处理意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
