"""The default members' points scheme (积分细则), following the published local pattern.

domain-rules §7.3 [C]: base 60 + additions − deductions, per-item caps, yearly cycle, floor 0.
§7.4 (5A) is UNCONFIRMED: five editable dimensions each graded A/B/C; 5A = A in all five.
Every number here is a default the 工委 edits; none is a national rule.
"""

from __future__ import annotations

from decimal import Decimal as D

DEFAULT_NAME = "党员积分管理细则"

# (code, name, base, A threshold, B threshold)
DIMENSIONS: list[tuple[str, str, D, D, D]] = [
    ("political", "政治素质", D("10"), D("14"), D("11")),
    ("study", "学习教育", D("10"), D("16"), D("12")),
    ("orglife", "组织生活", D("10"), D("18"), D("14")),
    ("duty", "履职尽责", D("10"), D("14"), D("11")),
    ("discipline", "作风纪律", D("20"), D("20"), D("16")),
]

# (code, dimension, name, kind, points, cap_month, cap_quarter, cap_year, sources, claimable)
INDICATORS: list[tuple[str, str, str, str, D, D | None, D | None, D | None, list[str], bool]] = [
    (
        "party_lecture",
        "political",
        "参加党课",
        "derived",
        D("2"),
        None,
        None,
        D("8"),
        ["meeting:party_lecture"],
        False,
    ),
    (
        "political_birthday",
        "political",
        "政治生日重温入党誓词",
        "derived",
        D("1"),
        None,
        None,
        D("1"),
        [],
        True,
    ),
    ("pioneer_post", "political", "党员先锋岗、突击队任务", "derived", D("3"), None, None, D("9"), [], True),
    (
        "study_day",
        "study",
        "双周学习日集中学习",
        "derived",
        D("2"),
        D("4"),
        None,
        D("12"),
        ["meeting:study_day"],
        False,
    ),
    ("training", "study", "参加培训", "derived", D("1"), None, None, D("6"), ["training"], False),
    ("article", "study", "撰写理论文章、心得体会", "derived", D("3"), None, D("3"), D("9"), [], True),
    ("micro_lecture", "study", "讲微党课", "derived", D("3"), None, None, D("6"), [], True),
    (
        "three_meetings",
        "orglife",
        "参加三会（党员大会、支委会、党小组会）",
        "derived",
        D("1"),
        D("3"),
        None,
        D("12"),
        ["meeting:general_meeting", "meeting:committee_meeting", "meeting:group_meeting"],
        False,
    ),
    (
        "theme_day",
        "orglife",
        "参加主题党日",
        "derived",
        D("2"),
        None,
        None,
        D("8"),
        ["meeting:theme_day"],
        False,
    ),
    (
        "life_meeting",
        "orglife",
        "参加组织生活会、民主评议、谈心谈话",
        "derived",
        D("1"),
        None,
        None,
        D("4"),
        ["meeting:life_meeting", "meeting:democratic_appraisal", "meeting:heart_talk"],
        False,
    ),
    (
        "absence",
        "orglife",
        "无故缺席组织生活",
        "derived",
        D("-2"),
        None,
        None,
        D("10"),
        ["meeting_absent"],
        False,
    ),
    (
        "volunteering",
        "duty",
        "参加志愿服务",
        "derived",
        D("1"),
        D("2"),
        None,
        D("10"),
        ["volunteering"],
        False,
    ),
    # from selections (an honour conferred when the result is announced) and by claim (honours from elsewhere)
    ("honor", "duty", "获得表彰奖励", "derived", D("5"), None, None, D("10"), ["honour"], True),
    ("task", "duty", "完成急难险重任务", "entered", D("2"), None, None, D("6"), [], False),
    # from the 党费 ledger: each month not paid in its month or ahead (points.services.dues)
    (
        "dues_late",
        "discipline",
        "未按时交纳党费",
        "derived",
        D("-2"),
        None,
        None,
        D("6"),
        ["dues_late"],
        False,
    ),
    ("conduct", "discipline", "违反工作纪律、作风不实", "entered", D("-5"), None, None, D("15"), [], False),
    ("sanction", "discipline", "受到党纪政务处分", "veto", D("0"), None, None, None, [], False),
]
