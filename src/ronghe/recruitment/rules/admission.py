"""The rules from the 预审 to 转正: the 志愿书, the 支部大会 vote, the 党委's approval, 公示, the 预备期."""

from __future__ import annotations

from datetime import date, timedelta

from ronghe.core import workdays
from ronghe.orglife.rules import evaluate_general_meeting_vote
from ronghe.orgs.choices import APPROVING_KINDS
from ronghe.recruitment.choices import FullOutcome
from ronghe.recruitment.rules.dates import _d, add_months, probation_end
from ronghe.recruitment.rules.facts import (
    APPROVAL_MONTHS,
    APPROVAL_MONTHS_MAX,
    EXTENSION_MONTHS,
    FULL_APPROVAL_MONTHS,
    PUBLICITY_LABELS,
    Breach,
    Facts,
    Policy,
)


def check_pre_review(facts: Facts) -> Breach | None:
    """上级党委预审 passes before the 入党志愿书 is issued (细则 第十九条)."""
    if facts.form_issued_on is None:
        return None
    if facts.pre_review_on is None or facts.pre_review_on > facts.form_issued_on:
        return Breach("form_issued_on", "经上级党委预审合格后方可发放《入党志愿书》（细则第十九条）")
    return None


def check_vote(
    *,
    expected: int | None,
    present: int | None,
    yes: int | None,
    written_yes: int,
    field_name: str,
    what: str,
) -> Breach | None:
    """支部大会 vote: more than half of the voters expected present, yes votes (an absent voter's written
    opinion counted) more than half of the voters expected (细则 第二十、二十一条; the same rule as every
    党员大会, `orglife.rules.evaluate_general_meeting_vote`)."""
    if expected is None or present is None or yes is None:
        return Breach(field_name, f"{what}须记录应到会、实到会有表决权的党员人数和赞成票数")
    if present > expected or yes + written_yes > expected:
        return Breach(field_name, "表决人数有误：实到会人数和赞成票数不能超过应到会有表决权的党员人数")
    if yes > present:
        return Breach(field_name, "表决人数有误：到会赞成票数不能超过实到会人数")
    outcome = evaluate_general_meeting_vote(
        voters_expected=expected, voters_present=present, yes=yes + written_yes
    )
    if not outcome.passed:
        return Breach(field_name, f"{what}（细则第二十一条）：{outcome.explanation}")
    return None


def check_approval(facts: Facts) -> list[Breach]:
    """上级党委审批 (细则 第二十三、二十四条): only by a 党委 (工委), never a 党总支; within 3 months of the
    支部大会 resolution, extended with a reason but never beyond 6 months."""
    if facts.approved_on is None:
        return []
    out = []
    if facts.approver_kind not in APPROVING_KINDS:
        out.append(
            Breach(
                "approver",
                "审批预备党员须由党委（工委）集体讨论决定，党总支、党支部不能审批（细则第二十三条）",
            )
        )
    if facts.admitted_on is not None:
        normal = add_months(facts.admitted_on, APPROVAL_MONTHS)
        limit = add_months(facts.admitted_on, APPROVAL_MONTHS_MAX)
        if facts.approved_on > limit:
            out.append(
                Breach(
                    "approved_on",
                    f"党委审批最长不超过六个月（细则第二十四条）：应不晚于 {_d(limit)}，实际 {_d(facts.approved_on)}",
                )
            )
        elif facts.approved_on > normal and not facts.approval_delay_reason.strip():
            out.append(
                Breach(
                    "approval_delay_reason",
                    f"党委应在三个月内审批（细则第二十四条）：超过 {_d(normal)} 须写明特殊情况",
                )
            )
    return out


def check_publicity(
    stage: str, period: tuple[date, date] | None, policy: Policy, table: workdays.Table | None
) -> Breach | None:
    """公示 at the configured stages for the configured working days ([C], default 5), counted with
    core.workdays: weekends and holidays do not count, 调休 working Saturdays do."""
    if stage not in policy.publicity_stages:
        return None
    label = PUBLICITY_LABELS[stage]
    if period is None:
        return Breach(
            f"publicity_{stage}", f"{label}须公示{policy.publicity_days}个工作日：请填写公示起止日期"
        )
    start, end = period
    if end < start:
        return Breach(f"publicity_{stage}", f"{label}公示结束日期不能早于开始日期")
    days, _fallback = workdays.count_working_days(start - timedelta(days=1), end, table)
    if days < policy.publicity_days:
        return Breach(
            f"publicity_{stage}",
            f"{label}公示不少于{policy.publicity_days}个工作日（本地规定）：{_d(start)} 至 {_d(end)} 仅 {days} 个工作日",
        )
    return None


def publicity_end(start: date, policy: Policy, table: workdays.Table | None = None) -> date:
    """The last day of a 公示 starting on `start` (the start counts when it is a working day)."""
    return workdays.add_working_days(start - timedelta(days=1), policy.publicity_days, table).end


def check_full(facts: Facts) -> list[Breach]:
    """转正 (细则 第二十七—三十条; 党章 第七条): not before the 预备期 ends; the 预备期 extended only once,
    by 6 to 12 months; the 转正 approved within 3 months of the 支部大会."""
    out: list[Breach] = []
    if facts.admitted_on is None:
        return out
    year_end = probation_end(facts.admitted_on)
    if facts.extension_meeting_on is not None:
        if facts.extension_meeting_on < year_end:
            out.append(
                Breach(
                    "extension_meeting_on",
                    f"预备期满后方可讨论其转正或延长（党章第七条）：预备期至 {_d(year_end)} 届满",
                )
            )
        lo, hi = EXTENSION_MONTHS
        if facts.extension_months is None or not lo <= facts.extension_months <= hi:
            out.append(
                Breach(
                    "extension_months",
                    f"延长预备期的时间不能少于半年，最长不超过一年（党章第七条）：应为{lo}至{hi}个月",
                )
            )
    if facts.full_meeting_on is not None:
        end = probation_end(facts.admitted_on, facts.extension_months)
        if facts.full_meeting_on < end:
            out.append(
                Breach(
                    "full_meeting_on",
                    f"预备期满后方可讨论转正（党章第七条）：预备期至 {_d(end)} 届满",
                )
            )
        if facts.full_outcome == FullOutcome.EXTEND:
            out.append(
                Breach("full_outcome", "预备期只能延长一次（党章第七条）：延长期满只能转正或取消预备党员资格")
            )
    if facts.full_approved_on is not None and facts.full_meeting_on is not None:
        last = add_months(facts.full_meeting_on, FULL_APPROVAL_MONTHS)
        if facts.full_approved_on > last:
            out.append(
                Breach(
                    "full_approved_on",
                    f"上级党委应在三个月内审批转正（细则第三十一条）：应不晚于 {_d(last)}",
                )
            )
    return out
