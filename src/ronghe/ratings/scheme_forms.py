"""The forms of a star-rating scheme: its level rules (stars and their criteria, thresholds, caps,
quotas), an indicator and a dimension of a draft.

Conditions are written one per line by indicator name or code ("群众满意度（%） >= 80"); the form turns
the fields into `levels.LevelRules` and reports every line it cannot read in Chinese.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import IndicatorKind
from ronghe.core.scoring.forms import SchemeIndicatorForm, decimal_field
from ronghe.core.scoring.levels import Cap, Level, LevelRules, Quota, Star
from ronghe.ratings import derived

TEXTAREA = forms.Textarea(attrs={"rows": 2})
EXTRA_ROWS = 1


class LevelRulesForm(StyledForm):
    model = forms.ChoiceField(label="定级方式", choices=list(levels.MODELS.items()))
    aggregation = forms.ChoiceField(label="评委评分汇总", choices=list(levels.AGGREGATIONS.items()))
    tie_rule = forms.ChoiceField(label="名额边界上的并列", choices=list(levels.TIE_RULES.items()))
    tie_breakers = forms.CharField(
        label="并列时依次比较的指标", required=False, help_text="指标名称或代码，用顿号或逗号分隔"
    )
    veto_exclude = forms.BooleanField(label="一票否决的支部不参加本年度评定", required=False)
    veto_max_rank = forms.IntegerField(
        label="一票否决时最高星级（不排除时）", min_value=0, max_value=5, initial=0, required=False
    )
    quota_5 = forms.DecimalField(label="五星名额上限（%）", min_value=0, max_value=100, required=False)
    quota_4 = forms.DecimalField(label="四星名额上限（%）", min_value=0, max_value=100, required=False)

    def __init__(self, *args: Any, current: LevelRules, names: dict[str, str], **kwargs: Any) -> None:
        initial = kwargs.pop("initial", None) or self._initial(current, names)
        super().__init__(*args, initial=initial, **kwargs)
        self.names = names
        self.star_rows = len(current.stars) + EXTRA_ROWS
        self.cap_rows = len(current.caps) + EXTRA_ROWS
        for rank in range(5, 0, -1):
            self.fields[f"level_{rank}"] = forms.DecimalField(
                label=f"{levels.star_label(rank)}分数线（按总分定级）", required=False, min_value=Decimal("0")
            )
        for i in range(self.star_rows):
            self.fields[f"star_{i}_name"] = forms.CharField(
                label=f"第 {i + 1} 颗星名称", required=False, max_length=30
            )
            self.fields[f"star_{i}_criteria"] = forms.CharField(
                label=f"第 {i + 1} 颗星的条件（每行一条，全部满足才授星）", required=False, widget=TEXTAREA
            )
        for i in range(self.cap_rows):
            self.fields[f"cap_{i}_label"] = forms.CharField(
                label=f"限制 {i + 1} 名称", required=False, max_length=40
            )
            self.fields[f"cap_{i}_when"] = forms.CharField(
                label=f"限制 {i + 1} 的条件（全部满足时限制）", required=False, widget=TEXTAREA
            )
            self.fields[f"cap_{i}_max"] = forms.IntegerField(
                label=f"限制 {i + 1} 最高星级", required=False, min_value=0, max_value=5
            )
        self.fields = {**self.fields}
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else ("form-select" if isinstance(field.widget, forms.Select) else "form-control")
            )
            field.widget.attrs.setdefault("class", css)

    @staticmethod
    def _initial(current: LevelRules, names: dict[str, str]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "model": current.model,
            "aggregation": current.aggregation,
            "tie_rule": current.tie_rule,
            "tie_breakers": "、".join(names.get(c, c) for c in current.tie_breakers),
            "veto_exclude": current.veto_max_rank is None,
            "veto_max_rank": current.veto_max_rank or 0,
        }
        for q in current.quotas:
            data[f"quota_{q.rank}"] = q.max_percent
        for lv in current.levels:
            data[f"level_{lv.rank}"] = lv.min_total
        for i, star in enumerate(current.stars):
            data[f"star_{i}_name"] = star.name
            data[f"star_{i}_criteria"] = levels.describe_conditions(star.criteria, names)
        for i, cap in enumerate(current.caps):
            data[f"cap_{i}_label"] = cap.label
            data[f"cap_{i}_when"] = levels.describe_conditions(cap.when, names)
            data[f"cap_{i}_max"] = cap.max_rank
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for prefix in [f"star_{i}_criteria" for i in range(self.star_rows)] + [
            f"cap_{i}_when" for i in range(self.cap_rows)
        ]:
            _conditions, problems = levels.parse_conditions(data.get(prefix) or "", self.names)
            for message in problems:
                self.add_error(prefix, message)
        by_name = {n: c for c, n in self.names.items()}
        for part in [
            p.strip()
            for p in (data.get("tie_breakers") or "").replace(",", "、").replace("，", "、").split("、")
        ]:
            if part and part not in self.names and part not in by_name:
                self.add_error("tie_breakers", f"方案中没有“{part}”")
        return data

    def level_rules(self, current: LevelRules) -> LevelRules:
        d = self.cleaned_data
        by_name = {n: c for c, n in self.names.items()}
        stars = []
        for i in range(self.star_rows):
            name = (d.get(f"star_{i}_name") or "").strip()
            criteria, _ = levels.parse_conditions(d.get(f"star_{i}_criteria") or "", self.names)
            if name or criteria:
                old = current.stars[i].code if i < len(current.stars) else f"star{i + 1}"
                stars.append(Star(old, name, criteria))
        caps = []
        for i in range(self.cap_rows):
            label = (d.get(f"cap_{i}_label") or "").strip()
            when, _ = levels.parse_conditions(d.get(f"cap_{i}_when") or "", self.names)
            if label or when:
                caps.append(Cap(label or f"限制 {i + 1}", when, d.get(f"cap_{i}_max") or 0))
        lvls = tuple(
            Level(rank, levels.star_label(rank), d[f"level_{rank}"])
            for rank in range(5, 0, -1)
            if d.get(f"level_{rank}") is not None
        )
        quotas = tuple(
            Quota(rank, d[f"quota_{rank}"]) for rank in (5, 4) if d.get(f"quota_{rank}") is not None
        )
        breakers = [
            p.strip()
            for p in (d.get("tie_breakers") or "").replace(",", "、").replace("，", "、").split("、")
        ]
        return LevelRules(
            model=d["model"],
            levels=lvls,
            stars=tuple(stars),
            caps=tuple(caps),
            veto_max_rank=None if d.get("veto_exclude") else d.get("veto_max_rank") or 0,
            quotas=quotas,
            tie_rule=d["tie_rule"],
            tie_breakers=tuple(p if p in self.names else by_name[p] for p in breakers if p),
            aggregation=d["aggregation"],
        )


def source_choices() -> list[tuple[str, str]]:
    """The derived branch indicators a scheme may read, by Chinese name; those no module feeds yet
    are marked (their value stays empty)."""
    return [("", "（非自动采集）")] + [
        (code, f"{i.name}（{i.unit}）" + ("" if i.feeds else f"·{derived.NO_DATA}"))
        for code, i in derived.INDICATORS.items()
    ]


class RatingIndicatorForm(SchemeIndicatorForm):
    """A star-rating indicator: the common part, its weight and, when collected automatically, which
    derived value it reads. Its floor/ceiling are the valid range of the value (a judge's score)."""

    weight = decimal_field("权重", required=True, help_text="每项计分 = 取值 × 权重")
    floor = decimal_field("取值下限", help_text="留空为 0")
    ceiling = decimal_field("取值上限", help_text="留空表示不设上限")
    source = forms.ChoiceField(
        label="自动采集来源",
        required=False,
        choices=source_choices,
        help_text="仅“自动采集”类指标使用；标“暂无数据”的来源尚未接入，取值为空",
        error_messages={"invalid_choice": "请选择有效的自动采集来源"},
    )
    field_order = ["code", "name", "dimension", "kind", "source", "weight", "floor", "ceiling"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        derived_kind = data.get("kind") == IndicatorKind.DERIVED
        if derived_kind and "source" in data and not data["source"]:
            self.add_error("source", "自动采集的指标请选择采集来源")
        data["sources"] = [data["source"]] if derived_kind and data.get("source") else []
        return data


class DimensionForm(StyledForm):
    name = forms.CharField(label="维度名称", max_length=50, error_messages={"required": "请填写维度名称"})
    weight = decimal_field("权重", required=True, places=4, help_text="总分 = 各维度得分 × 维度权重之和")
    base = decimal_field("基础分", required=True, help_text="维度得分 = 基础分 + 各指标计分")
