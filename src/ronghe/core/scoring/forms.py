"""Forms shared by every purpose's scheme pages: a number field with Chinese messages, and the common
part of an indicator (code, name, dimension, kind, range) checked by the engine's number rules.

Each purpose adds what it counts: member points add points per event, caps, sources and claims
(`points.forms.IndicatorForm`); star rating adds a weight and one derived source
(`ratings.scheme_forms.RatingIndicatorForm`).
"""

from __future__ import annotations

from typing import Any

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.core.scoring import editing
from ronghe.core.scoring.choices import IndicatorKind
from ronghe.core.scoring.models import Dimension, Scheme


def decimal_field(
    label: str, required: bool = False, help_text: str = "", places: int = 2
) -> forms.DecimalField:
    """A number between -10000 and 10000 with at most `places` decimals, every error in Chinese."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=7 + places,
        decimal_places=places,
        min_value=-10000,
        max_value=10000,
        help_text=help_text,
        error_messages={
            "required": f"请填写{label}",
            "invalid": f"{label}必须是数字",
            "max_digits": f"{label}位数过多",
            "max_decimal_places": f"{label}最多{'两' if places == 2 else places}位小数",
            "max_value": f"{label}不能超过 10000",
            "min_value": f"{label}不能小于 -10000",
        },
    )


class SchemeIndicatorForm(StyledForm):
    """Add or edit one indicator of a draft scheme; the number rules are the engine's
    (`editing.indicator_value_problems`), checked on whichever of its fields the purpose's form has."""

    code = forms.SlugField(
        label="指标代码",
        max_length=40,
        help_text="英文字母、数字、下划线或连字符，方案内唯一",
        error_messages={
            "required": "请填写指标代码",
            "invalid": "指标代码只能包含英文字母、数字、下划线或连字符",
        },
    )
    name = forms.CharField(label="指标名称", max_length=100, error_messages={"required": "请填写指标名称"})
    dimension = forms.ModelChoiceField(
        label="所属维度",
        queryset=Dimension.objects.none(),
        error_messages={"required": "请选择所属维度", "invalid_choice": "请选择本方案的维度"},
    )
    kind = forms.ChoiceField(
        label="类型", choices=IndicatorKind.choices, error_messages={"invalid_choice": "请选择有效的指标类型"}
    )
    floor = decimal_field("下限")
    ceiling = decimal_field("上限")

    def __init__(self, *args: Any, scheme: Scheme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scheme is not None:
            dimension = self.fields["dimension"]
            assert isinstance(dimension, forms.ModelChoiceField)
            dimension.queryset = scheme.dimensions.order_by("order", "id")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "kind" in data and ("points" in data or "points" not in self.fields):
            problems = editing.indicator_value_problems(data)
            for field, message in problems.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, message)
        return data
