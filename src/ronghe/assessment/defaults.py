"""The default 融合考核 scheme: examples from published local practice (domain-rules §8), editable
before the first evaluation. The 党建 weight is NOT here: no national figure exists, so the 工委 must
set it when it opens an assessment."""

from __future__ import annotations

from decimal import Decimal

from ronghe.assessment.rules import BUSINESS, KPI_INDICATOR, PARTY
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import IndicatorKind

DEFAULT_NAME = "机关党建与业务融合考核方案"
D = Decimal

DIMENSIONS = ((PARTY, "党建工作"), (BUSINESS, "业务工作"))

# (code, dimension, name, kind, weight within its dimension, floor, ceiling)
INDICATORS = (
    ("ratings.star_mean", PARTY, "所属支部星级", IndicatorKind.DERIVED, D("0.25"), D(0), D(100)),
    ("orglife.compliance_rate", PARTY, "组织生活落实率", IndicatorKind.DERIVED, D("0.25"), D(0), D(100)),
    ("assessment.debrief", PARTY, "书记抓党建述职评议", IndicatorKind.DERIVED, D("0.20"), D(0), D(100)),
    ("integration.review_mean", PARTY, "季度同步点评", IndicatorKind.DERIVED, D("0.10"), D(0), D(100)),
    ("rectification.closure", PARTY, "整改完成率", IndicatorKind.DERIVED, D("0.10"), D(0), D(100)),
    ("points.share_5a", PARTY, "5A 党员占比", IndicatorKind.DERIVED, D("0.10"), D(0), D(100)),
    ("discipline.major_case", PARTY, "违纪违法案件", IndicatorKind.VETO, D("0"), D(0), D(1)),
    (KPI_INDICATOR, BUSINESS, "目标任务完成情况", IndicatorKind.DERIVED, D("1"), D(0), None),
)

UNIT_LEVELS = (
    levels.Level(4, "优秀", D(90)),
    levels.Level(3, "良好", D(80)),
    levels.Level(2, "一般", D(60)),
    levels.Level(1, "较差", D(0)),
)

# A veto (a major discipline case) caps the unit at 一般.
LEVEL_RULES = levels.LevelRules(model=levels.THRESHOLDS, levels=UNIT_LEVELS, veto_max_rank=2)
