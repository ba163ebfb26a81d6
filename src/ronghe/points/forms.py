from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from ronghe.core.forms import StyledForm
from ronghe.core.scoring import editing
from ronghe.core.scoring.forms import SchemeIndicatorForm
from ronghe.core.scoring.forms import decimal_field as _decimal
from ronghe.core.scoring.models import Indicator
from ronghe.orglife.choices import MeetingKind


class YearForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)


class RankingFilterForm(StyledForm):
    org = forms.ChoiceField(label="范围", required=False)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, orgs: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = self.fields["org"]
        assert isinstance(org, forms.ChoiceField)
        org.choices = [("", "全部（本人权限范围）"), *(orgs or [])]


if TYPE_CHECKING:  # the stubs' ModelChoiceField takes its model as a type argument; Django's cannot
    _IndicatorChoiceField = forms.ModelChoiceField[Indicator]
else:
    _IndicatorChoiceField = forms.ModelChoiceField


class IndicatorChoiceField(_IndicatorChoiceField):
    """Indicators labelled with their dimension and points, for members choosing what to claim."""

    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.dimension.name} · {obj.name}（每次 {obj.points} 分）"


class _IndicatorForm(StyledForm):
    """A form with an `indicator` choice among the indicators the page offers."""

    def offer(self, indicators: QuerySet[Indicator]) -> None:
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = indicators


class ClaimForm(_IndicatorForm):
    indicator = IndicatorChoiceField(
        label="申报指标",
        queryset=Indicator.objects.none(),
        error_messages={"invalid_choice": "请选择有效的申报指标"},
    )
    occurred_on = forms.DateField(
        label="活动日期",
        # a date input only shows an ISO value: without the format the prefilled date came out empty
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "活动日期格式应为 YYYY-MM-DD"},
    )
    points = forms.CharField(
        label="申报分值",
        max_length=12,
        required=False,
        help_text="按指标计分：固定分值的指标可不填；评分类指标填 0 到每次分值之间的分数",
    )
    description = forms.CharField(label="活动说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    photo = forms.FileField(
        label="照片（可选）", required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )

    def __init__(self, *args: Any, indicators: QuerySet[Indicator] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if indicators is not None:
            self.offer(indicators)
            self._errors = None  # StyledFormMixin validated against the empty queryset
        self.fields["occurred_on"].initial = timezone.localdate()


class DecisionForm(StyledForm):
    action = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "退回")], label="审核结果")
    comment = forms.CharField(label="审核意见", required=False, max_length=200)


class AdjustmentForm(_IndicatorForm):
    indicator = forms.ModelChoiceField(label="指标", queryset=Indicator.objects.none())
    occurred_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    points = forms.CharField(label="调整分值（扣分填负数）", max_length=12)
    reason = forms.CharField(label="调整原因", max_length=200, required=False)

    def __init__(self, *args: Any, indicators: QuerySet[Indicator] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if indicators is not None:
            self.offer(indicators)
            self._errors = None  # StyledFormMixin validated against the empty queryset


class PublicityForm(StyledForm):
    """Either a number of working days (counted from tomorrow) or an explicit end date."""

    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    working_days = forms.IntegerField(
        label="公示期（工作日）",
        required=False,
        min_value=1,
        max_value=30,
        help_text="自公示次日起计算，跳过周末和法定节假日；填写后无需填写截止日期",
        error_messages={
            "invalid": "公示期（工作日）必须是整数",
            "min_value": "公示期（工作日）至少 1 天",
            "max_value": "公示期（工作日）不能超过 30 天",
        },
    )
    until = forms.DateField(
        label="公示截止（按日期）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "公示截止日期格式应为 YYYY-MM-DD"},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("working_days") and not data.get("until") and not self.errors:
            self.add_error("working_days", "请填写公示期（工作日）或公示截止日期")
        return data


class FinalizeForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


def source_choices() -> list[tuple[str, str]]:
    """Where derived points come from: attending each meeting kind, absence, training, volunteering,
    先锋岗 tasks, honours from selections, a month of 学习强国, a month of 党费 not paid on time."""
    return [
        *((f"meeting:{value}", f"出席{label}") for value, label in MeetingKind.choices),
        ("meeting_absent", "无故缺席组织生活（扣分）"),
        ("training", "培训学习"),
        ("volunteering", "志愿服务"),
        ("vanguard", "先锋岗、突击队、责任区任务完成"),
        ("honour", "获评表彰（评选公布结果时计入）"),
        ("study", "学习强国（当月有学习积分）"),
        ("dues_late", "未按时交纳党费（每月一次，扣分）"),
    ]


class IndicatorForm(SchemeIndicatorForm):
    """A points indicator: the common part plus points per event, caps, sources and claims."""

    points = _decimal("每次分值", required=True, help_text="扣分项填负数")
    cap_month = _decimal("月上限", help_text="留空表示不限")
    cap_quarter = _decimal("季度上限", help_text="留空表示不限")
    cap_year = _decimal("年上限", help_text="留空表示不限")
    sources = forms.MultipleChoiceField(
        label="自动采集来源",
        required=False,
        choices=source_choices,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="可多选（按住 Ctrl）；仅“自动采集”类指标使用",
    )
    claimable = forms.BooleanField(label="党员可申报", required=False)
    field_order = editing.INDICATOR_FIELDS


class SchemeSettingsForm(StyledForm):
    name = forms.CharField(label="方案名称", max_length=100, error_messages={"required": "请填写方案名称"})
    floor = _decimal("总分下限", help_text="留空表示不设下限")
    ceiling = _decimal("总分上限", help_text="留空表示不设上限")
    allow_refine = forms.BooleanField(label="允许下级单位细化", required=False)
    description = forms.CharField(
        label="说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        floor, ceiling = data.get("floor"), data.get("ceiling")
        if floor is not None and ceiling is not None and floor > ceiling and "ceiling" not in self.errors:
            self.add_error("ceiling", "总分上限不能低于总分下限")
        return data
