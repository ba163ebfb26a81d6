"""Member forms: parse and cross-check input; writes go through services."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from ronghe.accounts.models import User
from ronghe.core.forms import PlainSelect, StyledForm, StyledFormMixin
from ronghe.core.idnumbers import IdentifierError, parse_id_number, parse_phone
from ronghe.core.imports.files import ALLOWED, max_bytes
from ronghe.core.imports.mapping import ColumnMap, ColumnSpec
from ronghe.core.readcache import HOME_CACHE_SECONDS, cached_aggregate, summary_version
from ronghe.core.scope import scoped
from ronghe.members import rules
from ronghe.members.choices import MemberStatus, StatusAction, TransferKind
from ronghe.members.models import Member
from ronghe.members.services import EDITABLE_FIELDS
from ronghe.orgs.forms import DATE, CodeChoiceField
from ronghe.orgs.models import Organization
from ronghe.orgs.queries import organizations_for_user

MEMBER_FIELDS = list(EDITABLE_FIELDS)

if TYPE_CHECKING:  # the stubs' model forms and fields take their model as a type argument; Django's cannot
    _MemberModelForm = forms.ModelForm[Member]
    _OrganizationChoiceField = forms.ModelChoiceField[Organization]
else:
    _MemberModelForm = forms.ModelForm
    _OrganizationChoiceField = forms.ModelChoiceField


class MemberForm(StyledFormMixin, _MemberModelForm):
    id_number = forms.CharField(label="公民身份号码", required=False, max_length=30)
    phone = forms.CharField(label="手机号", required=False, max_length=20)
    organization = CodeChoiceField(
        queryset=Organization.objects.none(), label="所在党组织", empty_label="请选择"
    )
    status = forms.ChoiceField(
        label="党员状态", choices=[(MemberStatus.FULL, "正式党员"), (MemberStatus.PROBATIONARY, "预备党员")]
    )

    class Meta:
        model = Member
        fields = MEMBER_FIELDS
        widgets = {
            "birth_date": DATE,
            "joined_on": DATE,
            "full_on": DATE,
            "work_started_on": DATE,
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = ["name", "gender", "id_number", "birth_date", "organization", "status", "phone"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = "填写身份证号时可不填，自动取号码中的出生日期"
        if self.instance.pk:
            del self.fields["organization"], self.fields["status"]
            self.fields[
                "id_number"
            ].help_text = f"当前：{self.instance.id_number_masked or '未登记'}；不修改请留空"
            self.fields["phone"].help_text = f"当前：{self.instance.phone_masked or '未登记'}；不修改请留空"
        else:
            organization = self.fields["organization"]
            assert isinstance(organization, forms.ModelChoiceField)
            organization.queryset = organizations_for_user(user, "members.edit")

    def clean_id_number(self) -> str:
        raw = self.cleaned_data.get("id_number", "")
        if not raw:
            return ""
        try:
            self._id_info = parse_id_number(raw)
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return self._id_info.number

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "")
        if not raw:
            return ""
        try:
            return parse_phone(raw)
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        info = getattr(self, "_id_info", None)
        if info is not None:
            for name, message in rules.id_number_conflicts(
                info, gender=data.get("gender", ""), birth_date=data.get("birth_date")
            ).items():
                self.add_error(name, message)
            if not data.get("birth_date") and "birth_date" not in self.errors:
                data["birth_date"] = info.birth_date
        if not data.get("birth_date") and "birth_date" not in self.errors:
            self.add_error("birth_date", "请填写出生日期或公民身份号码")
        born, joined, full = data.get("birth_date"), data.get("joined_on"), data.get("full_on")
        if born and joined and joined < rules.add_years(born, rules.MIN_JOIN_AGE):
            self.add_error("joined_on", "入党时应年满18周岁")
        if joined and full and full < joined:
            self.add_error("full_on", "转正日期不能早于入党日期")
        status = data.get("status") or (self.instance.status if self.instance.pk else "")
        if status == MemberStatus.FULL and not full:
            self.add_error("full_on", "正式党员须填写转正日期")
        if status == MemberStatus.PROBATIONARY and full:
            self.add_error("full_on", "预备党员不应有转正日期")
        return data

    def member_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in MEMBER_FIELDS}

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned input as `services.create_member` / `update_member` take it.

        The one mapping from input to the service, for the page and the API alike. On an update
        an empty number means "unchanged" (the form shows only its mask).
        """
        data = self.cleaned_data
        if self.instance.pk:
            return {
                "id_number": data["id_number"] or None,
                "phone": data["phone"] or None,
                **self.member_fields(),
            }
        return {
            "organization": data["organization"],
            "status": data["status"],
            "id_number": data["id_number"],
            "phone": data["phone"],
            **self.member_fields(),
        }


FILTER_OPTIONS_LIMIT = 300


class MemberFilterForm(StyledForm):
    q = forms.CharField(label="姓名", required=False, max_length=50)
    organization = CodeChoiceField(
        queryset=Organization.objects.none(),
        label="党组织（含下级）",
        required=False,
        empty_label="全部",
        widget=PlainSelect,  # up to FILTER_OPTIONS_LIMIT options: no template per option
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "在册党员"), ("all", "全部"), *MemberStatus.choices]
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        in_scope = organizations_for_user(user, "members.view").exclude(kind="group")
        field.queryset = in_scope
        field.widget.choices = [("", field.empty_label), *self._listed(in_scope)]

    def _listed(self, in_scope: QuerySet[Organization]) -> list[tuple[str, str]]:
        """The options shown: every organization in scope up to FILTER_OPTIONS_LIMIT; above that
        (a city or province) the upper two levels plus the chosen one, so the page stays the same
        size whatever the scope. Any organization in scope is still accepted (the tree links here).
        Cached per scope and chosen organization under the read-cache version (an organization's save
        drops it), so a roster page view reads no organization list.
        """
        chosen_raw = str(self.data.get("organization") or "") if self.is_bound else ""
        digest = hashlib.sha256(f"{in_scope.query}|{chosen_raw}".encode()).hexdigest()[:32]
        key = f"members:filter-options:{summary_version()}:{digest}"
        return cached_aggregate(key, lambda: self._compute_listed(in_scope), HOME_CACHE_SECONDS)

    def _compute_listed(self, in_scope: QuerySet[Organization]) -> list[tuple[str, str]]:
        rows = list(
            in_scope.order_by("path").values_list("code", "name", "depth")[: FILTER_OPTIONS_LIMIT + 1]
        )
        if len(rows) > FILTER_OPTIONS_LIMIT:
            top = min(depth for _, _, depth in rows)
            rows = list(
                in_scope.filter(depth__lte=top + 1)
                .order_by("path")
                .values_list("code", "name", "depth")[:FILTER_OPTIONS_LIMIT]
            )
            try:
                chosen = uuid.UUID(self.data.get("organization") or "") if self.is_bound else None
            except ValueError:
                chosen = None
            if chosen and all(code != chosen for code, _, _ in rows):
                rows += list(in_scope.filter(code=chosen).values_list("code", "name", "depth")[:1])
        return [(str(code), name) for code, name, _ in rows]


class StatusChangeForm(StyledForm):
    action = forms.ChoiceField(label="事项", choices=StatusAction.choices)
    effective_on = forms.DateField(label="生效日期", widget=DATE)
    approval_ref = forms.CharField(label="批准文号", max_length=100)
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, member: Member | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if member is not None and not self.is_bound:
            allowed = set(rules.allowed_actions(member.status))
            action = self.fields["action"]
            assert isinstance(action, forms.ChoiceField)
            action.choices = [(a, label) for a, label in StatusAction.choices if a in allowed]


class InternalTransferForm(StyledForm):
    to_organization = CodeChoiceField(
        queryset=Organization.objects.none(), label="转入党组织", empty_label="请选择"
    )
    on_date = forms.DateField(label="转接日期", widget=DATE)
    reason = forms.CharField(label="原因", required=False, max_length=200)

    def __init__(self, *args: Any, user: User, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to_organization = self.fields["to_organization"]
        assert isinstance(to_organization, forms.ModelChoiceField)
        to_organization.queryset = (
            organizations_for_user(user, "members.edit")
            .exclude(pk=member.organization_id)
            .exclude(kind="group")
        )


class OutgoingLetterForm(StyledForm):
    counterpart = forms.CharField(label="转往党组织", max_length=200)
    letter_number = forms.CharField(label="介绍信编号", required=False, max_length=50)
    issued_on = forms.DateField(label="开具日期", widget=DATE)
    validity_days = forms.IntegerField(label="有效期（天）", initial=rules.DEFAULT_VALIDITY_DAYS, min_value=1)
    dues_paid_until = forms.RegexField(
        label="党费交至年月",
        required=False,
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        help_text="如 2026-06",
        error_messages={"invalid": "请按“年-月”填写，如 2026-06"},
    )
    reason = forms.CharField(label="原因", required=False, max_length=200)

    def __init__(self, *args: Any, max_days: int = rules.MAX_VALIDITY_DAYS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        validity_days = self.fields["validity_days"]
        assert isinstance(validity_days, forms.IntegerField)
        validity_days.max_value = max_days
        validity_days.validators.append(forms.IntegerField(max_value=max_days).validators[-1])
        validity_days.help_text = f"默认30天，最长{max_days}天"


class IncomingForm(MemberForm):
    counterpart = forms.CharField(label="介绍信开具党组织", max_length=200)
    letter_number = forms.CharField(label="介绍信编号", required=False, max_length=50)
    issued_on = forms.DateField(label="介绍信日期", widget=DATE)
    dues_paid_until = forms.CharField(label="党费交至年月", required=False, max_length=7)


class TransferFilterForm(StyledForm):
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *TransferKind.choices])
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[
            ("", "全部"),
            ("pending", "待回执"),
            ("overdue", "已逾期"),
            ("completed", "已完成"),
            ("cancelled", "已撤回"),
        ],
    )


# --- roster import and export pages ---------------------------------------------------------


class OrgChoiceField(_OrganizationChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return "　" * obj.depth + obj.name


def _orgs_for(user: User, perm: str) -> QuerySet[Organization]:
    return scoped(Organization.objects.filter(is_active=True), user, perm).order_by("path")


def _limit_orgs(form: forms.Form, user: User, perm: str) -> None:
    """Limit the form's organization choices to the user's scope."""
    field = form.fields["organization"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = _orgs_for(user, perm)


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
        help_text="支持 .xlsx、.csv（旧版 .xls 请先另存为 .xlsx）；身份证号列请设置为文本格式。",
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_orgs(self, user, "members.import")
        self.fields["file"].widget.attrs["accept"] = ",".join(ALLOWED)

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if (upload.size or 0) > max_bytes():  # Django's upload handlers always set the size
            raise forms.ValidationError(f"文件过大：上限为 {max_bytes() // (1024 * 1024)} MB")
        return upload


class CommitForm(StyledForm):
    mode = forms.ChoiceField(
        choices=[("atomic", "全部导入"), ("valid_only", "仅导入有效行")],
        error_messages={"required": "请选择导入方式", "invalid_choice": "导入方式无效"},
    )


IGNORE_CHOICE = "-"  # the select's value for 不导入 ("" is the 请选择 of a column in doubt)


class ColumnsForm(StyledForm):
    """One select per column of the uploaded file: the importable fields and 不导入. A column in doubt
    starts on 请选择 and must be decided; the others start on what they were understood as."""

    def __init__(self, *args: Any, columns: ColumnMap, spec: ColumnSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        options = [(IGNORE_CHOICE, "不导入"), *((f, spec.label(f)) for f in spec.fields)]
        for column in columns.columns:
            name = column.header or f"第 {column.index + 1} 列"
            undecided = column.undecided
            self.fields[f"column_{column.index}"] = forms.ChoiceField(
                label=name,
                choices=[("", "请选择…"), *options] if undecided else options,
                initial="" if undecided else (column.field or IGNORE_CHOICE),
                widget=PlainSelect(attrs={"class": "form-select"}),  # added after the mixin styled the rest
                error_messages={
                    "required": f"请为“{name}”列选择对应的字段，或选“不导入”",
                    "invalid_choice": f"“{name}”列所选的字段无效",
                },
            )

    def choices(self) -> dict[int, str]:
        """Column index → field ("" for 不导入), for `jobs.confirm_columns`."""
        return {
            column.index: ""
            if (value := self.cleaned_data[f"column_{column.index}"]) == IGNORE_CHOICE
            else value
            for column in self.columns.columns
        }


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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_orgs(self, user, "members.export")


class BirthdayForm(StyledForm):
    month = forms.TypedChoiceField(
        label="月份",
        coerce=int,
        choices=[(m, f"{m}月") for m in range(1, 13)],
        error_messages={"invalid_choice": "月份应为 1–12"},
    )
