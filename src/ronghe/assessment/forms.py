from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ronghe.assessment.choices import Direction
from ronghe.assessment.rules import GRADE_LABELS
from ronghe.core.forms import StyledForm

DATE = forms.DateInput(attrs={"type": "date"})
GRADE_CHOICES = [("", "请选择")] + [(str(r), label) for r, label in GRADE_LABELS.items()]


class CampaignForm(StyledForm):
    organization = forms.ChoiceField(label="组织单位")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    party_weight = forms.DecimalField(
        label="党建工作权重（%）",
        required=False,
        help_text="党建部分在综合得分中的占比，业务部分为其余。全国没有统一标准，由本级确定（如 30）。",
        decimal_places=2,
        max_digits=7,
    )
    name = forms.CharField(
        label="考核名称", max_length=100, required=False, help_text="留空则为“某年度机关党建与业务融合考核”"
    )

    def __init__(self, *args: Any, nodes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = nodes


class SettingsForm(StyledForm):
    party_weight = forms.DecimalField(
        label="党建工作权重（%）", help_text="业务工作权重 = 100 − 党建权重", decimal_places=2, max_digits=7
    )
    line_4 = forms.DecimalField(label="“优秀”分数线（≥）", decimal_places=2, max_digits=7)
    line_3 = forms.DecimalField(label="“良好”分数线（≥）", decimal_places=2, max_digits=7)
    line_2 = forms.DecimalField(
        label="“一般”分数线（≥）", help_text="低于此线为“较差”", decimal_places=2, max_digits=7
    )
    party_4 = forms.DecimalField(label="党建“好”分数线（≥）", decimal_places=2, max_digits=7)
    party_3 = forms.DecimalField(label="党建“较好”分数线（≥）", decimal_places=2, max_digits=7)
    party_2 = forms.DecimalField(
        label="党建“一般”分数线（≥）", help_text="低于此线为“差”", decimal_places=2, max_digits=7
    )
    kpi_cap = forms.DecimalField(
        label="超额完成计分上限（%）",
        help_text="业务指标完成率超过目标时最多按此计分，默认 100",
        decimal_places=2,
        max_digits=7,
    )
    link_party = forms.BooleanField(label="党建评价为“一般”或“差”的单位，不得评为“优秀”", required=False)
    link_secretary = forms.BooleanField(
        label="单位考核等次为“优秀”的，其党组织书记述职评议方可评为“好”", required=False
    )
    party_line = forms.DecimalField(
        label="象限图党建分界线",
        required=False,
        help_text="留空则取参评单位平均分",
        decimal_places=2,
        max_digits=7,
    )
    business_line = forms.DecimalField(
        label="象限图业务分界线",
        required=False,
        help_text="留空则取参评单位平均分",
        decimal_places=2,
        max_digits=7,
    )

    def __init__(self, *args: Any, indicators: list[tuple[str, str, Decimal]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name, _weight in indicators:
            self.fields[f"w_{code}"] = forms.DecimalField(
                label=f"{name}（党建内权重）",
                decimal_places=2,
                max_digits=5,
                widget=forms.NumberInput(
                    attrs={"class": "form-control", "step": "0.01", "inputmode": "decimal"}
                ),
            )
        self.indicator_codes = [code for code, _n, _w in indicators]


class KpiForm(StyledForm):
    unit = forms.ChoiceField(label="单位")
    code = forms.CharField(
        label="指标代码",
        max_length=40,
        help_text="业务系统报送时使用，如 <code>revenue</code>、<code>safety.accidents</code>",
    )
    name = forms.CharField(label="指标名称", max_length=100)
    target = forms.DecimalField(label="目标值", max_digits=16, decimal_places=4)
    measure = forms.CharField(label="计量单位", max_length=20, required=False)
    direction = forms.ChoiceField(label="方向", choices=Direction.choices)
    weight = forms.DecimalField(label="权重", max_digits=7, decimal_places=2, min_value=Decimal("0.01"))

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "请选择"), *units]


class KpiResultForm(StyledForm):
    period = forms.CharField(label="期间", max_length=10, help_text="如 2026、2026Q3 或 2026-09")
    value = forms.DecimalField(label="完成值", max_digits=16, decimal_places=4)


class RoundForm(StyledForm):
    organization = forms.ChoiceField(label="组织单位")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="名称", max_length=100)
    held_on = forms.DateField(label="述职日期", widget=DATE)
    units = forms.MultipleChoiceField(
        label="述职单位", widget=forms.CheckboxSelectMultiple, help_text="述职人为各单位党组织的现任书记"
    )

    def __init__(
        self, *args: Any, nodes: list[tuple[str, str]], units: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        org = self.fields["organization"]
        assert isinstance(org, forms.ChoiceField)
        org.choices = nodes
        field = self.fields["units"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = units


class VoteOpenForm(StyledForm):
    minutes = forms.IntegerField(label="测评时长（分钟）", min_value=1, max_value=1440, initial=30)


class FinalGradeForm(StyledForm):
    rank = forms.TypedChoiceField(label="评定等次", choices=GRADE_CHOICES, coerce=int)
    reason = forms.CharField(label="调整理由", max_length=300, required=False)


class VanguardForm(StyledForm):
    kind = forms.ChoiceField(label="类型")
    name = forms.CharField(label="名称", max_length=100, help_text="如“重点项目攻坚突击队”“窗口服务先锋岗”")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kpi = forms.ChoiceField(label="对应业务指标", required=False)
    business_task = forms.CharField(
        label="对应业务任务", max_length=200, required=False, help_text="没有对应的业务指标时填写"
    )
    goal = forms.CharField(label="目标与承诺", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    members = forms.MultipleChoiceField(label="党员", widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, str]],
        kpis: list[tuple[str, str]],
        members: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("kind", [("", "请选择"), *kinds]),
            ("kpi", [("", "（无）"), *kpis]),
            ("members", members),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


class MilestoneForm(StyledForm):
    title = forms.CharField(label="节点", max_length=100)
    due_on = forms.DateField(label="计划完成", widget=DATE)


class CloseForm(StyledForm):
    achieved = forms.TypedChoiceField(
        label="结果", choices=[("", "请选择"), ("1", "已完成"), ("0", "未完成")], coerce=lambda v: v == "1"
    )
    result = forms.CharField(label="成效", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class KpiImportForm(StyledForm):
    file = forms.FileField(
        label="完成值表（Excel 或 CSV）",
        help_text="列：单位（名称或统一社会信用代码）、指标代码、期间、完成值、来源系统（可选）",
    )
    dry_run = forms.BooleanField(label="只检查，不写入", required=False, initial=True)
