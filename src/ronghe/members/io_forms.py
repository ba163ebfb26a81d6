"""Input parsing for roster import and export pages."""

from __future__ import annotations

import copy
from typing import Any

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.core.imports.files import ALLOWED, max_bytes
from ronghe.core.scope import scoped
from ronghe.orgs.models import Organization


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return "　" * obj.depth + obj.name


def _orgs_for(user: Any, perm: str) -> Any:
    return scoped(Organization.objects.filter(is_active=True), user, perm).order_by("path")


def _fields_with_orgs(form_class: type[forms.Form], user: Any, perm: str) -> dict[str, forms.Field]:
    """The form's fields with the organization choices limited to the user's scope.

    Set before the form is bound: StyledFormMixin validates while styling, so a queryset
    changed afterwards would be validated against the empty default.
    """
    fields = copy.deepcopy(form_class.base_fields)
    fields["organization"].queryset = _orgs_for(user, perm)  # type: ignore[attr-defined]
    return fields


class ImportForm(StyledForm):
    organization = OrgChoiceField(
        label="导入到党组织",
        queryset=Organization.objects.none(),
        to_field_name="code",
        help_text="未填写所在党支部的行导入到此党组织；填写了的行在其下级中按名称匹配。",
        error_messages={"required": "请选择导入到的党组织", "invalid_choice": "请选择您管理范围内的党组织"},
    )
    file = forms.FileField(
        label="名册文件",
        help_text="支持 .xlsx、.xls、.csv；身份证号列请设置为文本格式。",
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.base_fields = _fields_with_orgs(ImportForm, user, "members.import")
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(ALLOWED)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(f"文件过大：上限为 {max_bytes() // (1024 * 1024)} MB")
        return upload


class CommitForm(StyledForm):
    mode = forms.ChoiceField(
        choices=[("atomic", "全部导入"), ("valid_only", "仅导入有效行")],
        error_messages={"required": "请选择导入方式", "invalid_choice": "导入方式无效"},
    )


class ExportForm(StyledForm):
    organization = OrgChoiceField(
        label="党组织",
        queryset=Organization.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="全部管理范围",
        error_messages={"invalid_choice": "请选择您管理范围内的党组织"},
    )
    full = forms.BooleanField(label="导出完整身份证号和手机号（将记入审计日志）", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.base_fields = _fields_with_orgs(ExportForm, user, "members.export")
        super().__init__(*args, **kwargs)


class BirthdayForm(StyledForm):
    month = forms.TypedChoiceField(
        label="月份",
        coerce=int,
        choices=[(m, f"{m}月") for m in range(1, 13)],
        error_messages={"invalid_choice": "月份应为 1–12"},
    )
