"""The star-rating processes (core/workflow) and the rules of a campaign's timetable.

Steps follow the published local schemes (domain-rules §7.1: 自评申星 → 初审 → 考评 → 联审 → 公示 → 命名,
yearly, 动态管理). No national standard exists, so every number lives in the scheme or the campaign.
"""

from __future__ import annotations

from datetime import date

from ronghe.core.workflow.process import Process, Step
from ronghe.ratings.choices import CampaignState, EntryState, RecheckState

ENTRY = "ratings.entry"  # the kind under which core mechanisms (evidence, 整改) key an entry
CAMPAIGN = "ratings.campaign"

ENTRY_ACTIONS = {
    "apply": "自评申星",
    "approve": "初审通过",
    "return": "退回修改",
    "evaluate": "评定",
    "set_aside": "暂缓命名",
    "restore": "恢复",
    "name": "命名授星",
}

ENTRY_PROCESS = Process(
    name="ratings.entry",
    noun="评星申报",
    state_field="state",
    steps={
        (EntryState.DRAFT, "apply"): Step(
            EntryState.SUBMITTED, "ratings.apply", denied="您没有为该支部申报星级的权限"
        ),
        (EntryState.RETURNED, "apply"): Step(
            EntryState.SUBMITTED, "ratings.apply", denied="您没有为该支部申报星级的权限"
        ),
        (EntryState.SUBMITTED, "approve"): Step(
            EntryState.CHECKED, "ratings.check", denied="您没有初审的权限"
        ),
        (EntryState.SUBMITTED, "return"): Step(
            EntryState.RETURNED,
            "ratings.check",
            comment_required="退回时请填写理由",
            denied="您没有初审的权限",
        ),
        (EntryState.CHECKED, "evaluate"): Step(EntryState.EVALUATED, "ratings.manage"),
        (EntryState.EVALUATED, "set_aside"): Step(
            EntryState.SET_ASIDE, "ratings.manage", comment_required="请填写暂缓命名的理由"
        ),
        (EntryState.SET_ASIDE, "restore"): Step(
            EntryState.EVALUATED, "ratings.manage", comment_required="请填写恢复的理由"
        ),
        (EntryState.EVALUATED, "name"): Step(EntryState.NAMED, "ratings.manage"),
    },
    state_labels=dict(EntryState.choices),
    action_labels=ENTRY_ACTIONS,
    audit_event="ratings.entry_{action}",
    conflict="该申报已被他人处理，请刷新后查看",
)

CAMPAIGN_PROCESS = Process(
    name="ratings.campaign",
    noun="评星活动",
    state_field="state",
    steps={
        (CampaignState.OPEN, "propose"): Step(CampaignState.REVIEW, "ratings.manage"),
        (CampaignState.REVIEW, "publish"): Step(CampaignState.PUBLICITY, "ratings.manage"),
        (CampaignState.PUBLICITY, "name"): Step(CampaignState.NAMED, "ratings.manage"),
    },
    state_labels=dict(CampaignState.choices),
    action_labels={"propose": "提交联审", "publish": "公示", "name": "命名授星"},
    audit_event="ratings.campaign_{action}",
)

RECHECK_PROCESS = Process(
    name="ratings.recheck",
    noun="复核",
    state_field="state",
    steps={
        (RecheckState.PENDING, "keep"): Step(RecheckState.KEPT, "ratings.manage"),
        (RecheckState.PENDING, "reduce"): Step(
            RecheckState.REDUCED, "ratings.manage", comment_required="摘星时请填写理由"
        ),
    },
    state_labels=dict(RecheckState.choices),
    action_labels={"keep": "保留星级", "reduce": "摘星"},
    audit_event="ratings.recheck_{action}",
)

# Timetable keys: the last day of each step, and the state an entry is late in after it.
TIMETABLE = {
    "apply": ("自评申星截止", (EntryState.DRAFT, EntryState.RETURNED)),
    "check": ("初审截止", (EntryState.SUBMITTED,)),
    "evaluate": ("考评截止", (EntryState.CHECKED,)),
}

FOLLOW_UP_MAX_LEVEL = 3  # ≤3★ branches get a linked leader and an improvement plan (抓两头、带中间)


def late_states(timetable: dict[str, str], today: date) -> set[str]:
    """The entry states that are late today: their step's last day has passed (that day itself is not late)."""
    late: set[str] = set()
    for key, (_label, states) in TIMETABLE.items():
        due = timetable.get(key)
        if due and date.fromisoformat(due) < today:
            late.update(states)
    return late


def timetable_problems(timetable: dict[str, date | None]) -> dict[str, str]:
    """The steps' last days must be in order: apply ≤ check ≤ evaluate."""
    problems: dict[str, str] = {}
    keys = [k for k in TIMETABLE if timetable.get(k)]
    for earlier, later in zip(keys, keys[1:], strict=False):
        a, b = timetable[earlier], timetable[later]
        if a is not None and b is not None and b < a:
            problems[later] = f"{TIMETABLE[later][0]}不能早于{TIMETABLE[earlier][0]}"
    return problems


def applied_level_problem(level: int | None) -> str | None:
    if level is None:
        return "请选择申报星级"
    if not 1 <= level <= 5:
        return "申报星级应为 1–5 星"
    return None


def moved(previous: int | None, current: int | None) -> str:
    """晋位升级: compared with last year's named level."""
    if previous is None or current is None:
        return ""
    if current > previous:
        return "晋位升级"
    if current < previous:
        return "降级"
    return "持平"
