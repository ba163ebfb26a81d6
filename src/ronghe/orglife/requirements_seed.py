"""The default requirements of domain-rules §1.1, used by the seed migration and by tests."""

from __future__ import annotations

from typing import Any

BRANCHES = ["branch", "joint_branch"]

DEFAULT_REQUIREMENTS: list[dict[str, Any]] = [
    # 支部条例 第十一条: 党员大会一般每季度召开1次
    {
        "kind": "general_meeting",
        "period": "quarter",
        "min_count": 1,
        "org_kinds": BRANCHES,
        "expected": "all",
    },
    # 支部条例 第十二条: 支委会一般每月召开1次
    {
        "kind": "committee_meeting",
        "period": "month",
        "min_count": 1,
        "org_kinds": BRANCHES,
        "expected": "committee",
    },
    # 支部条例 第十三条: 党小组会一般每月召开1次
    {"kind": "group_meeting", "period": "month", "min_count": 1, "org_kinds": ["group"], "expected": "group"},
    # 主题党日: 每月相对固定1天
    {"kind": "theme_day", "period": "month", "min_count": 1, "org_kinds": BRANCHES, "expected": "all"},
    # 党课: no central branch frequency; local default 1 per quarter [C]
    {"kind": "party_lecture", "period": "quarter", "min_count": 1, "org_kinds": BRANCHES, "expected": "all"},
    # 组织生活会: 每年至少1次
    {"kind": "life_meeting", "period": "year", "min_count": 1, "org_kinds": BRANCHES, "expected": "all"},
    # 民主评议党员: 一般每年1次
    {
        "kind": "democratic_appraisal",
        "period": "year",
        "min_count": 1,
        "org_kinds": BRANCHES,
        "expected": "all",
    },
    # 谈心谈话: 每年一般不少于1次 — coverage: each member at least one recorded talk
    {
        "kind": "heart_talk",
        "period": "year",
        "min_count": 1,
        "org_kinds": BRANCHES,
        "expected": "all",
        "coverage": True,
    },
    # 双周学习日: local practice [C]; the number required each month is the number of scheduled
    # study days (OrgLifePolicy: weekday of the 2nd and 4th weeks by default), not min_count
    {"kind": "study_day", "period": "month", "min_count": 2, "org_kinds": BRANCHES, "expected": "all"},
    # 民主生活会 of the 党组: 1 per year
    {
        "kind": "leadership_life_meeting",
        "period": "year",
        "min_count": 1,
        "org_kinds": ["leading_group"],
        "expected": "committee",
    },
]

SEED_YEARS = range(2024, 2028)
