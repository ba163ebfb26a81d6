"""Input parsing for notices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from ronghe.core.forms import StyledForm
from ronghe.notices import rules
from ronghe.orgs.models import Organization


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): a list of uploads, possibly empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


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
    file = MultipleFileField(
        label="附件",
        required=False,
        help_text=f"可选，最多 {rules.ATTACHMENTS_MAX} 个；PDF、Word（.docx）、Excel（.xlsx）、JPG 或 PNG，收到通知的人可下载",
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations
