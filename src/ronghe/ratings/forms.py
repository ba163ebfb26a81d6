from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.core.scoring import levels

LEVEL_CHOICES = [("", "请选择")] + [(str(n), levels.star_label(n)) for n in range(5, 0, -1)]
DATE = forms.DateInput(attrs={"type": "date"})


class CampaignForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(
        label="活动名称", max_length=100, required=False, help_text="留空则为“某年度支部评星定级”"
    )
    scheme = forms.ChoiceField(label="评星方案")
    apply = forms.DateField(label="自评申星截止", widget=DATE)
    check = forms.DateField(label="初审截止", widget=DATE)
    evaluate = forms.DateField(label="考评截止", widget=DATE)
    quota_five = forms.DecimalField(
        label="五星名额比例（%）",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        required=False,
        help_text="留空则按方案规定；名额按参评支部数乘以比例向下取整",
    )
    publicity_days = forms.IntegerField(label="公示期（工作日）", min_value=1, max_value=30, initial=5)

    def __init__(self, *args: Any, schemes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scheme"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "请选择")] + schemes


class SelfAssessmentForm(StyledForm):
    applied_level = forms.TypedChoiceField(
        label="申报星级", choices=LEVEL_CHOICES, coerce=int, required=False
    )
    self_summary = forms.CharField(
        label="自评情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False
    )

    def __init__(self, *args: Any, indicators: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for ind in indicators:
            high = f"–{levels.plain(Decimal(ind['max']))}" if ind.get("max") is not None else ""
            self.fields[f"score_{ind['code']}"] = forms.DecimalField(
                label=f"{ind['name']}（自评，{levels.plain(Decimal(ind['min']))}{high}）",
                required=False,
                decimal_places=2,
                max_digits=7,
                # added after StyledForm styled the fields: give the widget its class here
                widget=forms.NumberInput(
                    attrs={"class": "form-control", "step": "0.01", "inputmode": "decimal"}
                ),
            )


class CommentForm(StyledForm):
    comment = forms.CharField(
        label="意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class EvaluateForm(StyledForm):
    comment = forms.CharField(
        label="评定意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def __init__(self, *args: Any, vetoes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in vetoes:
            self.fields[f"veto_{code}"] = forms.BooleanField(label=f"一票否决：{name}", required=False)


class ProposeForm(StyledForm):
    due_on = forms.DateField(label="联审截止日期", widget=DATE)


class FollowUpForm(StyledForm):
    leader = forms.CharField(label="联系领导", max_length=50)
    owner = forms.CharField(label="责任人", max_length=50)
    measures = forms.CharField(label="提升措施", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    due_on = forms.DateField(label="完成期限", widget=DATE)


class RemoveStarForm(StyledForm):
    star = forms.ChoiceField(label="摘除的星", required=False)
    decision = forms.CharField(
        label="摘星决定或理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, stars: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["star"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "（按星数）")] + [(s, s) for s in stars]


class WhatIfForm(StyledForm):
    quota_five = forms.DecimalField(
        label="五星名额比例（%）", min_value=Decimal("0"), max_value=Decimal("100"), required=False
    )
    tie_rule = forms.ChoiceField(label="并列处理", choices=list(levels.TIE_RULES.items()), required=False)
    min_five = forms.DecimalField(label="五星分数线（按总分定级时）", required=False, min_value=Decimal("0"))
