from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.core.scoring import levels


class SheetForm(StyledForm):
    comment = forms.CharField(
        label="评语", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args: Any, indicators: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for ind in indicators:
            low = levels.plain(Decimal(ind.get("min") or 0))
            span = f"{low}–{levels.plain(Decimal(ind['max']))}" if ind.get("max") is not None else f"≥ {low}"
            fields[f"score_{ind['code']}"] = forms.CharField(
                label=f"{ind['name']}（{span} 分）",
                required=False,
                max_length=12,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        self.fields = {**fields, **self.fields}
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
