"""Input parsing for notices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from ronghe.core.forms import StyledForm
from ronghe.notices import rules
from ronghe.orgs.models import Organization


class NoticeForm(StyledForm):
    organization = forms.ModelChoiceField(
        label="发布范围（该党组织及其下级的全体党员）",
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": "请选择您有权发布通知的党组织"},
    )
    title = forms.CharField(
        label="标题", max_length=rules.TITLE_MAX, error_messages={"required": "请填写标题"}
    )
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=rules.BODY_MAX,
        error_messages={"required": "请填写正文"},
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations
