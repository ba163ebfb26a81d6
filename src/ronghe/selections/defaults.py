"""Default categories of the 五个十佳 and 两优一先 selections and their criteria [C: local practice].

Each category names the subject kind and its default eligibility; its criteria become the campaign's
own scheme (purpose "selection") of entered indicators the judges score, which the 工委 may change.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ronghe.selections.choices import SubjectKind


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    subject_kind: str
    group: str
    eligibility: dict[str, object]


MEMBER_RULES: dict[str, object] = {"full_member": True, "no_sanction": True, "min_grade": 4}

CATEGORIES: tuple[Category, ...] = (
    Category("brand", "优秀党建品牌", SubjectKind.BRAND, "五个十佳", {}),
    Category("lecture", "精品党课", SubjectKind.LECTURE, "五个十佳", {"no_sanction": True}),
    Category("site", "基层党建阵地", SubjectKind.SITE, "五个十佳", {}),
    Category("archive", "党建档案示范单位", SubjectKind.ORGANIZATION, "五个十佳", {}),
    Category("worker", "优秀党务工作者", SubjectKind.MEMBER, "五个十佳", MEMBER_RULES),
    Category("excellent_member", "优秀共产党员", SubjectKind.MEMBER, "两优一先", MEMBER_RULES),
    Category("excellent_worker", "优秀党务工作者（两优一先）", SubjectKind.MEMBER, "两优一先", MEMBER_RULES),
    Category("advanced_org", "先进基层党组织", SubjectKind.ORGANIZATION, "两优一先", {"min_stars": 4}),
)
BY_CODE = {c.code: c for c in CATEGORIES}
FIVE_TENS = tuple(c for c in CATEGORIES if c.group == "五个十佳")

# (code, name, max score): what the judges score for every category by default
CRITERIA: tuple[tuple[str, str, Decimal], ...] = (
    ("deeds", "事迹与成效", Decimal("40")),
    ("exemplary", "示范引领作用", Decimal("30")),
    ("innovation", "创新与特色", Decimal("20")),
    ("recognition", "群众认可度", Decimal("10")),
)

# 联审 departments of a selection: 纪检 first (every honour is gated by discipline), then 组织.
DEPARTMENTS = [
    {"code": "discipline", "name": "机关纪委", "permission": "review.discipline"},
]
