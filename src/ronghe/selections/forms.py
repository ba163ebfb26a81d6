from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import IndicatorKind
from ronghe.core.scoring.forms import SchemeIndicatorForm, decimal_field
from ronghe.core.scoring.models import Scheme
from ronghe.selections import defaults, rules
from ronghe.selections.choices import SiteLevel

DATE = forms.DateInput(attrs={"type": "date"})
STARS = [("", "不限")] + [(str(n), f"{n}星及以上") for n in range(5, 0, -1)]
GRADES = [("", "不限")] + [(str(n), f"{n}A及以上") for n in range(5, 0, -1)]


def _choices(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class CampaignForm(StyledForm):
    year = forms.IntegerField(label="评选年度", min_value=2000, max_value=2100)
    category = forms.ChoiceField(
        label="评选类别",
        choices=[("", "请选择")] + [(c.code, f"{c.group}·{c.name}") for c in defaults.CATEGORIES],
    )
    name = forms.CharField(
        label="活动名称", max_length=100, required=False, help_text="留空则按年度和类别命名"
    )
    places = forms.IntegerField(label="评选名额", min_value=1, max_value=100, initial=10)
    unit_quota = forms.IntegerField(label="每单位推荐名额", min_value=1, max_value=20, initial=2)
    nominate = forms.DateField(label="推荐截止", widget=DATE)
    judge = forms.DateField(label="评审截止", widget=DATE)
    aggregation = forms.ChoiceField(label="评委评分汇总", choices=list(levels.AGGREGATIONS.items()))
    tie_rule = forms.ChoiceField(
        label="名额边界并列时",
        choices=list(rules.TIE_RULES.items()),
        help_text="先比较“事迹与成效”得分，仍相同时按此规则处理",
    )
    full_member = forms.BooleanField(label="须为正式党员", required=False)
    no_sanction = forms.BooleanField(label="评选期内无党纪政务处分、未在审查中", required=False)
    min_stars = forms.ChoiceField(label="所在党支部星级", choices=STARS, required=False)
    min_grade = forms.ChoiceField(label="党员积分考评等次", choices=GRADES, required=False)
    publicity_days = forms.IntegerField(label="公示期（工作日）", min_value=1, max_value=30, initial=5)


class NominationForm(StyledForm):
    summary = forms.CharField(
        label="推荐理由和主要事迹", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )

    def __init__(
        self,
        *args: Any,
        subject_kind: str,
        members: list[tuple[str, str]],
        organizations: list[tuple[str, str]],
        brands: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        if subject_kind == "member":
            fields["member"] = forms.ChoiceField(label="推荐党员", choices=[("", "请选择")] + members)
        elif subject_kind == "brand":
            fields["brand"] = forms.ChoiceField(label="推荐品牌", choices=[("", "请选择")] + brands)
        else:
            fields["organization"] = forms.ChoiceField(
                label="党组织" if subject_kind == "organization" else "所在党组织",
                choices=[("", "请选择")] + organizations,
            )
            if subject_kind in ("lecture", "site"):
                fields["title"] = forms.CharField(
                    label="党课题目" if subject_kind == "lecture" else "阵地名称", max_length=100
                )
        self.fields = {**fields, **self.fields}
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ReasonForm(StyledForm):
    comment = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ProposeForm(StyledForm):
    due_on = forms.DateField(label="联审答复截止", widget=DATE)


class JudgeForm(StyledForm):
    judge = forms.ChoiceField(label="添加评委")

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["judge"], [("", "请选择")] + candidates)


class BrandForm(StyledForm):
    organization = forms.ChoiceField(label="所属党组织")
    name = forms.CharField(label="品牌名称", max_length=60)
    meaning = forms.CharField(label="品牌内涵", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)

    def __init__(self, *args: Any, organizations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["organization"], [("", "请选择")] + organizations)


class SiteForm(StyledForm):
    organization = forms.ChoiceField(label="党组织")
    name = forms.CharField(label="示范点名称", max_length=100)
    level = forms.ChoiceField(label="命名级别", choices=[("", "请选择")] + list(SiteLevel.choices))
    named_by = forms.CharField(label="命名单位", max_length=100)
    starts_on = forms.DateField(label="命名日期", widget=DATE)
    ends_on = forms.DateField(label="有效期至", widget=DATE, required=False)
    description = forms.CharField(
        label="示范内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args: Any, organizations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["organization"], [("", "请选择")] + organizations)


class CaseForm(StyledForm):
    organization = forms.ChoiceField(label="报送党组织")
    title = forms.CharField(label="案例标题", max_length=100)
    summary = forms.CharField(label="案例内容", widget=forms.Textarea(attrs={"rows": 6}), max_length=8000)
    tags = forms.CharField(
        label="标签", max_length=200, required=False, help_text="用逗号或顿号分隔，最多 8 个"
    )

    def __init__(self, *args: Any, organizations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["organization"], [("", "请选择")] + organizations)


class CaseReviewForm(StyledForm):
    decision = forms.ChoiceField(label="审核结果", choices=[("publish", "审核发布"), ("return", "退回修改")])
    comment = forms.CharField(
        label="审核意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class CriterionForm(SchemeIndicatorForm):
    """A selection criterion: the scheme editor's indicator (code, name) with its 满分; judges score
    it from 0, so its kind and range are fixed and the engine's number rules check the rest."""

    ceiling = decimal_field("满分", required=True)
    field_order = ["code", "name", "ceiling"]

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, scheme=scheme, **kwargs)
        for name in ("dimension", "kind", "floor"):
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        top = data.get("ceiling")
        if top is not None and top <= 0:
            self.add_error("ceiling", "满分必须大于 0")
        data["kind"] = IndicatorKind.ENTERED
        data["floor"] = Decimal("0")
        return super().clean()
