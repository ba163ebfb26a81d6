"""Organization forms: parsing and choices only; rules and writes live in services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator

from ronghe.core.forms import (
    GenericModelChoiceField,
    GenericModelForm,
    PlainSelect,
    StyledForm,
    StyledFormMixin,
)
from ronghe.core.types import Actor
from ronghe.members.models import Member
from ronghe.orgs import rules
from ronghe.orgs.choices import OfficerPost, OrgKind, UnitKind, WorkerKind
from ronghe.orgs.models import Department, Leader, Organization, Unit
from ronghe.orgs.queries import organizations_for_user
from ronghe.orgs.services import leader_candidates, officer_candidates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KIND_CHOICES = [(k, label) for k, label in OrgKind.choices if k != OrgKind.COMMITTEE]

M = TypeVar("M", bound=Model)


class CodeChoiceField(GenericModelChoiceField[M]):
    """Choices keyed by the public `code`, never the primary key."""

    def __init__(self, queryset: QuerySet[M], **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "code")
        super().__init__(queryset, **kwargs)


if TYPE_CHECKING:
    _MemberChoiceIterator = ModelChoiceIterator[Member]
else:
    _MemberChoiceIterator = ModelChoiceIterator  # not subscriptable at run time (see core.forms)


class _CodeNameIterator(_MemberChoiceIterator):
    """The options as (code, name) pairs read in one query, without building a model instance per row."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list(self.field.to_field_name or "pk", "name").iterator()


class MemberChoiceField(CodeChoiceField[Member]):
    """A member picked from a long list (a unit's or a subtree's members, hundreds): the options are
    (code, name) pairs — a member's label is its name — written by `PlainSelect`, the same markup as
    Django's select without a template per option or a model instance per row. A posted code is still
    looked up in the whole queryset, so the cleaned value is a full `Member`."""

    iterator = _CodeNameIterator
    widget = PlainSelect


class OrganizationForm(StyledFormMixin, GenericModelForm[Organization]):
    parent = CodeChoiceField(queryset=Organization.objects.none(), label="上级党组织", empty_label="请选择")
    term_years = forms.IntegerField(
        label="任期（年）",
        required=False,
        min_value=1,
        max_value=10,
        help_text="不填则按类型默认：机关党委5年，总支、支部3年",
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "parent",
            "unit",
            "founded_on",
            "term_years",
            "last_election_on",
            "joint_units",
        ]
        widgets = {
            "founded_on": DATE,
            "last_election_on": DATE,
            "joint_units": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind, unit, joint_units = self.fields["kind"], self.fields["unit"], self.fields["joint_units"]
        assert isinstance(kind, forms.ChoiceField)
        assert isinstance(unit, forms.ModelChoiceField)
        assert isinstance(joint_units, forms.ModelMultipleChoiceField)
        kind.choices = KIND_CHOICES
        unit.queryset = Unit.objects.all()
        unit.empty_label = "（无）"
        joint_units.queryset = Unit.objects.all()
        joint_units.help_text = "仅联合党支部填写"
        if self.instance.pk:
            del self.fields["parent"]
            if self.instance.kind == OrgKind.COMMITTEE:
                kind.choices = OrgKind.choices
        else:
            parent = self.fields["parent"]
            assert isinstance(parent, forms.ModelChoiceField)
            parent.queryset = organizations_for_user(user, "orgs.edit").exclude(kind=OrgKind.GROUP)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") and not data.get("term_years"):
            data["term_years"] = rules.default_term_years(data["kind"])
        if data.get("joint_units") and data.get("kind") != OrgKind.JOINT_BRANCH:
            self.add_error("joint_units", "只有联合党支部可以选择覆盖单位")
        founded, elected = data.get("founded_on"), data.get("last_election_on")
        if founded and elected and elected < founded:
            self.add_error("last_election_on", "上次换届日期不能早于成立日期")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned input as `services.create_organization` / `update_organization` take it.

        The one mapping from input to the service: the page and the API both bind this form and
        call the service with this, so neither can drop a field the other writes.
        """
        data = self.cleaned_data
        kwargs = {
            name: data[name]
            for name in ("name", "kind", "unit", "founded_on", "term_years", "last_election_on")
        }
        kwargs["joint_units"] = list(data["joint_units"])
        if "parent" in self.fields:
            kwargs["parent"] = data["parent"]
        return kwargs


class MoveForm(StyledForm):
    new_parent = CodeChoiceField(
        queryset=Organization.objects.none(), label="新的上级党组织", empty_label="请选择"
    )

    def __init__(self, *args: Any, user: Actor, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        new_parent = self.fields["new_parent"]
        assert isinstance(new_parent, forms.ModelChoiceField)
        candidates = organizations_for_user(user, "orgs.edit").exclude(path__startswith=org.path)
        if org.parent_id is not None:
            candidates = candidates.exclude(pk=org.parent_id)
        new_parent.queryset = candidates.exclude(kind=OrgKind.GROUP)


class DissolveForm(StyledForm):
    dissolved_on = forms.DateField(label="撤销日期", widget=DATE)
    approval_ref = forms.CharField(label="批准文号", max_length=100, help_text="上级党组织批准撤销的文件文号")


class OfficerForm(StyledForm):
    member = MemberChoiceField(queryset=Member.objects.none(), label="党员", empty_label="请选择")
    post = forms.ChoiceField(label="职务", choices=OfficerPost.choices)
    started_on = forms.DateField(label="任职日期", widget=DATE)

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = officer_candidates(org)
        if org.kind != OrgKind.LEADING_GROUP:
            near = Organization.objects.filter(path__startswith=org.path, depth__lte=org.depth + 1)
            members = members.filter(organization__in=near.values("pk"))
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        # (organizations as subqueries, not joins: SQLite then reads the subtree's members by their
        # organization instead of every member in name order; id settles equal names)
        member.queryset = members.order_by("name", "id")


class WorkerForm(StyledForm):
    name = forms.CharField(label="姓名", max_length=50)
    kind = forms.ChoiceField(label="类别", choices=WorkerKind.choices)
    started_on = forms.DateField(label="任职日期", widget=DATE)


class EndForm(StyledForm):
    ended_on = forms.DateField(label="离任日期", widget=DATE)


class OrgFilterForm(StyledForm):
    q = forms.CharField(label="名称", required=False)
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *OrgKind.choices])
    warnings = forms.ChoiceField(
        label="预警", required=False, choices=[("", "全部"), ("any", "有预警"), ("danger", "严重预警")]
    )


WARNING_CODES = [
    ("branch_too_small", "正式党员不足3人"),
    ("committee_missing", "未按规定设支委会"),
    ("branch_too_large", "支部超过50人"),
    ("joint_too_many_units", "联合支部超过5个单位"),
    ("should_be_general_branch", "应设党总支"),
    ("should_be_party_committee", "应设机关党委"),
    ("general_branch_small", "总支不足50人"),
    ("party_committee_small", "机关党委不足100人"),
    ("election_due", "换届即将到期"),
    ("election_overdue", "换届已逾期"),
    ("election_overdue_year", "换届逾期超过1年"),
    ("election_unknown", "未登记换届日期"),
    ("party_workers_short", "专职党务干部不足1%"),
]


class WarningFilterForm(StyledForm):
    kind = forms.ChoiceField(label="组织类型", required=False, choices=[("", "全部类型"), *OrgKind.choices])
    code = forms.ChoiceField(label="预警类型", required=False, choices=[("", "全部预警"), *WARNING_CODES])
    level = forms.ChoiceField(
        label="级别",
        required=False,
        choices=[("", "全部级别"), ("danger", "严重"), ("warning", "一般"), ("info", "提示")],
    )


# ---------------------------------------------------------------- units


class UnitForm(StyledForm):
    """A unit's register entry; the service checks the credit code (GB 32100) and the names."""

    name = forms.CharField(label="单位名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    kind = forms.ChoiceField(label="单位类别", choices=UnitKind.choices)
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=40,
        required=False,
        help_text="18位，可不填；保存时按 GB 32100 校验",
    )
    credit_code_confirmed = forms.BooleanField(label="校验位不符，确认与证照一致", required=False)
    staff_count = forms.IntegerField(label="在编人数", min_value=0, max_value=1_000_000, initial=0)

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned input as `services.create_unit` / `update_unit` take it (pages and API alike)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "short_name": data["short_name"],
            "kind": data["kind"],
            "credit_code": data["credit_code"],
            "staff_count": data["staff_count"],
            "credit_code_confirmed": data["credit_code_confirmed"],
        }


class LeaderForm(StyledForm):
    name = forms.CharField(label="姓名", max_length=50)
    title = forms.CharField(label="职务", max_length=100)
    is_party_group_member = forms.BooleanField(label="党组（党委）成员", required=False)
    order = forms.IntegerField(label="排序", min_value=0, max_value=999, initial=0, required=False)
    member = MemberChoiceField(
        queryset=Member.objects.none(), label="对应党员", required=False, empty_label="（无）"
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        member.queryset = leader_candidates(unit).order_by("name", "id")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**data, "order": data["order"] or 0}


class DepartmentForm(StyledForm):
    name = forms.CharField(label="部门名称", max_length=100)
    head_name = forms.CharField(label="负责人", max_length=50, required=False)
    order = forms.IntegerField(label="排序", min_value=0, max_value=999, initial=0, required=False)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**data, "order": data["order"] or 0}


class UnitFilterForm(StyledForm):
    q = forms.CharField(label="名称或代码", required=False)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *UnitKind.choices])


def leader_initial(leader: Leader) -> dict[str, Any]:
    return {
        "name": leader.name,
        "title": leader.title,
        "is_party_group_member": leader.is_party_group_member,
        "order": leader.order,
        "member": leader.member.code if leader.member else None,
    }


def department_initial(department: Department) -> dict[str, Any]:
    return {"name": department.name, "head_name": department.head_name, "order": department.order}
