from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ronghe.core.forms import StyledForm
from ronghe.core.scoring.models import Indicator


class YearForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)


class RankingFilterForm(StyledForm):
    org = forms.ChoiceField(label="范围", required=False)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, orgs: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "全部（本人权限范围）"), *(orgs or [])]


class ClaimForm(StyledForm):
    indicator = forms.ModelChoiceField(
        label="申报指标",
        queryset=Indicator.objects.none(),
        error_messages={"invalid_choice": "请选择有效的申报指标"},
    )
    occurred_on = forms.DateField(
        label="活动日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "活动日期格式应为 YYYY-MM-DD"},
    )
    points = forms.CharField(label="申报分值", max_length=12)
    description = forms.CharField(label="活动说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    photo = forms.FileField(
        label="照片（可选）", required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )

    def __init__(self, *args: Any, indicators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if indicators is not None:
            self.fields["indicator"].queryset = indicators
            self._errors = None  # StyledFormMixin validated against the empty queryset
        self.fields["indicator"].label_from_instance = lambda i: (
            f"{i.dimension.name} · {i.name}（每次 {i.points} 分）"
        )
        self.fields["occurred_on"].initial = timezone.localdate()


class DecisionForm(StyledForm):
    action = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "退回")], label="审核结果")
    comment = forms.CharField(label="审核意见", required=False, max_length=200)


class AdjustmentForm(StyledForm):
    indicator = forms.ModelChoiceField(label="指标", queryset=Indicator.objects.none())
    occurred_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    points = forms.CharField(label="调整分值（扣分填负数）", max_length=12)
    reason = forms.CharField(label="调整原因", max_length=200, required=False)

    def __init__(self, *args: Any, indicators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if indicators is not None:
            self.fields["indicator"].queryset = indicators
            self._errors = None  # StyledFormMixin validated against the empty queryset


class PublicityForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    until = forms.DateField(label="公示截止", widget=forms.DateInput(attrs={"type": "date"}))


class FinalizeForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
