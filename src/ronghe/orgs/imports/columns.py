"""The units register's columns: header aliases and the kinds' vocabulary."""

from __future__ import annotations

from ronghe.core.imports.errors import CellError
from ronghe.core.imports.values import clean_text
from ronghe.orgs.choices import UnitKind

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("单位名称", "单位", "名称"),
    "short_name": ("简称", "单位简称"),
    "kind": ("单位类别", "类别", "单位性质"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
    "staff_count": ("在编人数", "编制人数", "在编"),
}
REQUIRED = ("name",)
LIMITS = {"name": 100, "short_name": 40}
KIND_BY_LABEL = {label: value for value, label in UnitKind.choices}
KIND_ALIASES = {
    "机关": UnitKind.PARTY_GOVERNMENT,
    "行政机关": UnitKind.PARTY_GOVERNMENT,
    "国企": UnitKind.STATE_OWNED,
}


def parse_kind(raw: object) -> str:
    """A UnitKind value from its label (党政机关 …), value or a common alias; empty is 其他."""
    text = clean_text(raw)
    if not text:
        return UnitKind.OTHER
    if text in UnitKind.values:
        return text
    found = KIND_BY_LABEL.get(text) or KIND_ALIASES.get(text)
    if found is None:
        raise CellError(f"单位类别“{text}”无法识别，应为：{'、'.join(KIND_BY_LABEL)}")
    return found


def parse_staff(raw: object) -> int:
    if raw is None or raw == "":
        return 0
    text = clean_text(raw)
    if not text.isdigit() or int(text) > 1_000_000:
        raise CellError("在编人数应为0到1000000的整数")
    return int(text)
