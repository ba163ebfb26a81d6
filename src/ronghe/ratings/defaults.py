"""The default branch star-rating scheme, editable per 工委 and year.

The five named stars are the county seed's set (domain.md §2); their criteria are UNCONFIRMED
(domain-rules §7.2), so these are placeholders the 工委 edits. Thresholds follow the published
市直工委 scheme (5★ ≥ 90 … 1★ < 60) and the 邹城 satisfaction floor (< 60% → at most 2★).
"""

from __future__ import annotations

from decimal import Decimal as D

from ronghe.core.scoring import levels
from ronghe.core.scoring.levels import Cap, Condition, Level, LevelRules, Quota, Star
from ronghe.core.scoring.rules import Kind

DEFAULT_NAME = "支部评星定级方案"

# code, name, weight
DIMENSIONS = [
    ("political", "政治建设", D("1")),
    ("style", "作风建设", D("1")),
    ("work", "实干担当", D("1")),
    ("brand", "品牌示范", D("1")),
    ("solid", "支部过硬", D("1")),
]

# code, dimension, name, kind, weight, floor, ceiling, derived source
INDICATORS = [
    ("political_study", "political", "理论学习与政治建设", Kind.ENTERED, D("1"), D("0"), D("15"), ""),
    ("style", "style", "作风纪律与廉洁自律", Kind.ENTERED, D("1"), D("0"), D("15"), ""),
    ("satisfaction", "style", "群众满意度（%）", Kind.ENTERED, D("0.1"), D("0"), D("100"), ""),
    ("work_results", "work", "业务工作实绩与党建业务融合", Kind.ENTERED, D("1"), D("0"), D("20"), ""),
    ("brand", "brand", "党建品牌与特色", Kind.ENTERED, D("1"), D("0"), D("10"), ""),
    ("innovation", "brand", "党建创新项目（有为 1）", Kind.ENTERED, D("0"), D("0"), D("1"), ""),
    (
        "compliance_rate",
        "solid",
        "组织生活完成率（%）",
        Kind.DERIVED,
        D("0.2"),
        D("0"),
        D("100"),
        "orglife.compliance_rate",
    ),
    (
        "committee_complete",
        "solid",
        "支部委员会健全",
        Kind.DERIVED,
        D("5"),
        D("0"),
        D("1"),
        "orgs.committee_complete",
    ),
    ("election_on_time", "solid", "按期换届", Kind.DERIVED, D("5"), D("0"), D("1"), "orgs.election_on_time"),
    ("share_5a", "solid", "5A 党员占比（%）", Kind.DERIVED, D("0.05"), D("0"), D("100"), "points.share_5a"),
    ("discipline_case", "style", "班子成员受党纪政务处分", Kind.VETO, D("1"), D("0"), D("1"), ""),
]

STARS = (
    Star("political", "政治坚定星", (Condition("political_study", ">=", D("12")),)),
    Star(
        "style", "作风优良星", (Condition("style", ">=", D("12")), Condition("satisfaction", ">=", D("80")))
    ),
    Star("work", "实干担当星", (Condition("work_results", ">=", D("16")),)),
    Star("brand", "品牌示范星", (Condition("brand", ">=", D("8")), Condition("innovation", ">=", D("1")))),
    Star(
        "solid",
        "支部过硬星",
        (
            Condition("compliance_rate", ">=", D("90")),
            Condition("committee_complete", ">=", D("1")),
            Condition("election_on_time", ">=", D("1")),
        ),
    ),
)

LEVELS = tuple(
    Level(rank, levels.star_label(rank), D(low)) for rank, low in ((5, 90), (4, 80), (3, 70), (2, 60), (1, 0))
)

LEVEL_RULES = LevelRules(
    model=levels.STARS,
    levels=LEVELS,
    stars=STARS,
    caps=(Cap("群众满意度低于 60%", (Condition("satisfaction", "<", D("60")),), max_rank=2),),
    veto_max_rank=None,
    quotas=(Quota(5, D("15")),),
    tie_rule=levels.TIES_EXCLUDE,
    tie_breakers=("satisfaction",),
    aggregation=levels.TRIMMED_MEAN,
)

# The joint review's departments by default (联审): 纪检 returns an opinion on every list.
DEPARTMENTS = [{"code": "discipline", "name": "纪检", "permission": "review.discipline"}]
