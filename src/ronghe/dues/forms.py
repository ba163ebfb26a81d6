"""Input parsing for the 党费 pages: months, amounts and choices, normalised; rules stay in services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ronghe.core.errors import DomainError
from ronghe.core.forms import CheckList, StyledForm
from ronghe.dues import rules
from ronghe.dues.choices import (
    Category,
    Fixing,
    LixiuStandard,
    PaymentMethod,
    ReliefKind,
    RoundingMode,
    RoundingUnit,
    TaxReading,
    UseCategory,
)


class MonthField(forms.CharField):
    """A month typed as 2026-03 (an <input type="month">) or 2026年3月 → the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        text = text.replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
        try:
            year, month = (int(p) for p in text.split("-")[:2])
            return date(year, month, 1)
        except (ValueError, TypeError):
            raise ValidationError("月份格式应为 2026-03") from None


class AmountField(forms.CharField):
    """An amount in 元 read as Decimal by the one rule (`rules.parse_base`), never through float."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return rules.parse_amount(text)
        except DomainError as exc:
            raise ValidationError(exc.message) from None


class BaseForm(StyledForm):
    effective_from = MonthField(label="起始月份", help_text="新工资从首次发放的月份起计算")
    category = forms.ChoiceField(label="党员类别", choices=Category.choices)
    base = forms.CharField(label="计算基数（元）", help_text="农民党员填写每月交纳的定额（0.2—1元）")


class PaymentForm(StyledForm):
    from_period = MonthField(label="起始月份")
    months = forms.IntegerField(
        label="月数", min_value=1, max_value=24, initial=1, help_text="预交、补交均不超过6个月"
    )
    paid_on = forms.DateField(
        label="交纳日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    method = forms.ChoiceField(label="交纳人", choices=PaymentMethod.choices)
    note = forms.CharField(label="备注", required=False, max_length=200)

    def periods(self) -> list[date]:
        start = rules.month_index(self.cleaned_data["from_period"])
        return [rules.month_at(start + i) for i in range(self.cleaned_data["months"])]


class DifferenceForm(StyledForm):
    """补交差额: the paid months that owe a difference after a base was raised, ticked."""

    periods = forms.MultipleChoiceField(label="补交差额的月份", widget=CheckList(attrs={"class": "me-1"}))
    paid_on = forms.DateField(
        label="交纳日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args: Any, owing: list[tuple[date, Decimal]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["periods"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (p.strftime("%Y-%m"), f"{rules.month_label(p)}（差额{amount}元）") for p, amount in owing
        ]

    def months(self) -> list[date]:
        return [date(int(v[:4]), int(v[5:7]), 1) for v in self.cleaned_data["periods"]]


class VoluntaryForm(StyledForm):
    amount = AmountField(label="金额（元）", help_text="一次自愿多交1000元以上（含）的，全额上缴中央")
    paid_on = forms.DateField(
        label="交纳日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    purpose = forms.CharField(label="说明", required=False, max_length=100)


class ReliefForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=ReliefKind.choices)
    from_period = MonthField(label="起始月份")
    to_period = MonthField(label="截止月份")
    reduced_amount = AmountField(label="少交后每月（元）", required=False)
    reason = forms.CharField(label="困难情况", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class ReasonForm(StyledForm):
    from_period = MonthField(label="起始月份")
    to_period = MonthField(label="截止月份")
    reason = forms.CharField(label="正当理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class DecideForm(StyledForm):
    action = forms.ChoiceField(
        label="操作", choices=[("study", "支部研究"), ("approve", "批准"), ("reject", "不批准")]
    )
    comment = forms.CharField(label="意见", required=False, max_length=1000)


class CaseForm(StyledForm):
    decision = forms.CharField(
        label="支部大会研究结果", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    decided_on = forms.DateField(
        label="支部大会日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class UseForm(StyledForm):
    category = forms.ChoiceField(label="用途", choices=UseCategory.choices)
    amount = AmountField(label="金额（元）")
    spent_on = forms.DateField(
        label="日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    note = forms.CharField(label="说明", required=False, max_length=200)


class SettingsForm(StyledForm):
    tax_reading = forms.ChoiceField(label="“税后”口径", choices=TaxReading.choices)
    rounding_unit = forms.ChoiceField(label="取整单位", choices=RoundingUnit.choices)
    rounding_mode = forms.ChoiceField(label="取整方式", choices=RoundingMode.choices)
    fixing = forms.ChoiceField(label="核定方式", choices=Fixing.choices)
    lixiu_standard = forms.ChoiceField(label="离休党员", choices=LixiuStandard.choices)


class PayrollImportForm(StyledForm):
    file = forms.FileField(label="工资表（.xlsx 或 .csv）")
    effective_from = MonthField(label="基数起始月份")
    mapping = forms.CharField(
        label="列对应（可选）",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "岗位津贴A=work_allowance\n绩效一=basic_performance"}
        ),
        help_text="表头与工资项目代码不一致时，每行写“表头=项目代码”；常用表头已自动识别",
    )
    dry_run = forms.BooleanField(label="只检查，不导入", required=False, initial=True)
