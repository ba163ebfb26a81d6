"""The selection processes (core/workflow) and the rules of eligibility, quotas and tags — pure.

评选 follows the field reports (domain.md §2: units recommend and register; evaluation; joint review;
winners published) and 两优一先 the same engine. Every number is campaign data: the places, each
unit's nomination quota, the stars a branch needs, the points grade a member needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from ronghe.core.workflow import Process, Step
from ronghe.selections.choices import CampaignState, CaseState, NominationState

CAMPAIGN = "selections.campaign"  # the kind core mechanisms (panel, 联审, 公示) key a campaign by
NOMINATION = "selections.nomination"
BRAND = "selections.brand"

_MANAGE = "您没有组织评选的权限"

CAMPAIGN_PROCESS = Process(
    name="selections.campaign",
    noun="评选活动",
    state_field="state",
    steps={
        (CampaignState.NOMINATING, "judge"): Step(CampaignState.JUDGING, "selections.manage", denied=_MANAGE),
        (CampaignState.JUDGING, "propose"): Step(CampaignState.REVIEW, "selections.manage", denied=_MANAGE),
        (CampaignState.REVIEW, "publish"): Step(CampaignState.PUBLICITY, "selections.manage", denied=_MANAGE),
        (CampaignState.PUBLICITY, "announce"): Step(
            CampaignState.ANNOUNCED, "selections.manage", denied=_MANAGE
        ),
    },
    state_labels=dict(CampaignState.choices),
    action_labels={
        "judge": "截止推荐、开始评审",
        "propose": "结束评分、提交联审",
        "publish": "公示",
        "announce": "公布结果",
    },
    audit_event="selections.campaign_{action}",
)

NOMINATION_PROCESS = Process(
    name="selections.nomination",
    noun="推荐",
    state_field="state",
    steps={
        (NominationState.NOMINATED, "withdraw"): Step(
            NominationState.WITHDRAWN,
            "selections.nominate",
            comment_required="撤回时请填写理由",
            denied="您没有为该单位推荐的权限",
        ),
        (NominationState.NOMINATED, "award"): Step(
            NominationState.AWARDED, "selections.manage", denied=_MANAGE
        ),
        (NominationState.NOMINATED, "decline"): Step(
            NominationState.NOT_AWARDED, "selections.manage", denied=_MANAGE
        ),
        (NominationState.NOMINATED, "set_aside"): Step(
            NominationState.SET_ASIDE,
            "selections.manage",
            comment_required="请填写暂缓授予的理由",
            denied=_MANAGE,
        ),
    },
    state_labels=dict(NominationState.choices),
    action_labels={"withdraw": "撤回推荐", "award": "授予荣誉", "decline": "未入选", "set_aside": "暂缓授予"},
    audit_event="selections.nomination_{action}",
    conflict="该推荐已被他人处理，请刷新后查看",
)

CASE_PROCESS = Process(
    name="selections.case",
    noun="创新案例",
    state_field="state",
    steps={
        (CaseState.SUBMITTED, "publish"): Step(
            CaseState.PUBLISHED, "selections.manage", denied="您没有审核创新案例的权限"
        ),
        (CaseState.SUBMITTED, "return"): Step(
            CaseState.RETURNED,
            "selections.manage",
            comment_required="退回时请填写审核意见",
            denied="您没有审核创新案例的权限",
        ),
        (CaseState.RETURNED, "resubmit"): Step(
            CaseState.SUBMITTED, "selections.nominate", denied="您没有报送创新案例的权限"
        ),
    },
    state_labels=dict(CaseState.choices),
    action_labels={"publish": "审核发布", "return": "退回修改", "resubmit": "重新报送"},
    audit_event="selections.case_{action}",
)

# The declared tie rule at the cut, in a selection's words (levels.TIE_RULES speaks of levels).
TIE_RULES = {
    "exclude": "并列者均不入选（名额可空出）",
    "include": "并列者同时入选（名额可超出）",
}

# Timetable keys: the last day of each step.
TIMETABLE = {"nominate": "推荐截止", "judge": "评审截止"}


def timetable_problems(timetable: Mapping[str, date | None]) -> dict[str, str]:
    """推荐截止 ≤ 评审截止."""
    a, b = timetable.get("nominate"), timetable.get("judge")
    if a is not None and b is not None and b < a:
        return {"judge": "评审截止不能早于推荐截止"}
    return {}


# ---------------------------------------------------------------- eligibility


class SanctionLike(Protocol):
    """What selections needs of a discipline fact (`discipline.facts.SanctionFact`): no details."""

    @property
    def is_disciplinary(self) -> bool: ...


@dataclass(frozen=True)
class Eligibility:
    """The configured rules of a selection (all optional): 正式党员, no 处分 in force during the period,
    the branch rated at least `min_stars`★, the member's points grade at least `min_grade` A's."""

    full_member: bool = False
    no_sanction: bool = False
    min_stars: int | None = None
    min_grade: int | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> Eligibility:
        d = d or {}
        return cls(
            full_member=bool(d.get("full_member")),
            no_sanction=bool(d.get("no_sanction")),
            min_stars=int(d["min_stars"]) if d.get("min_stars") else None,
            min_grade=int(d["min_grade"]) if d.get("min_grade") else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "full_member": self.full_member,
            "no_sanction": self.no_sanction,
            "min_stars": self.min_stars,
            "min_grade": self.min_grade,
        }

    def describe(self) -> list[str]:
        out = []
        if self.full_member:
            out.append("正式党员")
        if self.no_sanction:
            out.append("评选期内无党纪政务处分、未在审查中")
        if self.min_stars:
            out.append(f"所在党支部评定为{self.min_stars}星及以上")
        if self.min_grade:
            out.append(f"年度积分考评{self.min_grade}A及以上")
        return out


@dataclass(frozen=True)
class Facts:
    """What the records say about one nominee. `status` is the member's status (None: not a member
    nominee); `sanctions` the 处分 in force during the period; `under_review` a case open on the
    member during it (立案审查期间不评先评优); `stars` the branch's current named
    level (None: never rated); `grade` the member's points grade for the year ("4A"; "" without one)."""

    status: str | None = None
    sanctions: tuple[SanctionLike, ...] = ()
    under_review: bool = False
    stars: int | None = None
    grade: str = ""


@dataclass(frozen=True)
class Failure:
    rule: str
    message: str


def grade_count(grade: str) -> int:
    """ "5A" → 5; anything else → 0."""
    return int(grade[:-1]) if grade.endswith("A") and grade[:-1].isdigit() else 0


def eligibility_failures(rules: Eligibility, facts: Facts, *, period: str) -> list[Failure]:
    """Every configured rule the nominee fails, each named. A 处分 is named only as a failed rule:
    outside 纪检 nothing of the case behind it is shown (domain issue 13 §3)."""
    failures: list[Failure] = []
    if rules.full_member and facts.status is not None and facts.status != "full":
        failures.append(Failure("full_member", "不符合“正式党员”条件：推荐对象不是正式党员"))
    if rules.no_sanction and (facts.under_review or any(s.is_disciplinary for s in facts.sanctions)):
        failures.append(
            Failure(
                "no_sanction",
                f"不符合“评选期内无党纪政务处分”条件：推荐对象在{period}受处分或正在接受审查，不能推荐",
            )
        )
    if rules.min_stars and (facts.stars or 0) < rules.min_stars:
        now = f"现为{facts.stars}星" if facts.stars else "尚未评星"
        failures.append(Failure("min_stars", f"不符合“党支部{rules.min_stars}星及以上”条件：所在党支部{now}"))
    if rules.min_grade and grade_count(facts.grade) < rules.min_grade:
        now = f"为{facts.grade}" if facts.grade else "暂无等次"
        failures.append(Failure("min_grade", f"不符合“积分考评{rules.min_grade}A及以上”条件：年度考评{now}"))
    return failures


def passed_rules(rules: Eligibility) -> list[dict[str, str]]:
    """The rules a nominee was checked against (stored on the nomination: what was checked)."""
    return [{"label": label} for label in rules.describe()]


def quota_problem(used: int, quota: int, unit_name: str) -> str | None:
    """A unit nominates at most `quota` subjects in one selection (withdrawn ones do not count)."""
    if used >= quota:
        return f"{unit_name}的推荐名额为 {quota} 个，已推荐 {used} 个，不能再推荐"
    return None


# ---------------------------------------------------------------- 递补


@dataclass(frozen=True)
class RunnerUp:
    key: str
    label: str
    place: int | None


def next_in_line(runners_up: Iterable[RunnerUp]) -> RunnerUp:
    """递补: the place of a set-aside winner goes to the best-placed runner-up still nominated. One who
    did not compete (no place) is never promoted. When two or more share that next place the judges'
    scores cannot choose between them: nobody is promoted and the place stays empty (as the "exclude"
    tie rule leaves it). Raises ValueError with the Chinese reason when nobody can be promoted."""
    placed = sorted((r for r in runners_up if r.place is not None), key=lambda r: (r.place or 0, r.key))
    if not placed:
        raise ValueError("没有可以递补的推荐对象：其余推荐对象均已入选、撤回、暂缓授予或未参加排名")
    first = placed[0]
    tied = [r for r in placed if r.place == first.place]
    if len(tied) > 1:
        names = "、".join(r.label for r in tied)
        raise ValueError(
            f"第 {first.place} 名有 {len(tied)} 个并列的推荐对象（{names}），不能确定递补人选，名额空出"
        )
    return first


# ---------------------------------------------------------------- tags of innovation cases


def clean_tags(text: str) -> list[str]:
    """Tags typed as "数字化，党建+业务、品牌": split on commas (either width), 、 and spaces; unique,
    in order, each at most 20 characters, at most 8."""
    raw = text.replace("，", ",").replace("、", ",").replace(" ", ",")
    out: list[str] = []
    for tag in raw.split(","):
        tag = tag.strip()
        if tag and tag not in out:
            out.append(tag[:20])
    return out[:8]


def stored_tags(tags: Iterable[str]) -> str:
    tags = list(tags)
    return "," + ",".join(tags) + "," if tags else ""
