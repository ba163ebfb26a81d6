"""发展党员 rules (中国共产党发展党员工作细则 2014; domain-rules §3): pure functions, no ORM.

Every rule returns the breaches it finds as `Breach(field, message)`; the message names the rule in
Chinese, so a refused form, an import row error and the pipeline board all say the same thing.
`evaluate(facts, policy, today)` runs every rule over one person's recorded dates; services refuse a
change that adds a breach, the import reports each breach as a row error.

Local practice ([C] in domain-rules) is a `Policy` default, never hard-coded: the 公示 stages and
length, how the activist's year is counted, the training minimums.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ronghe.core import workdays
from ronghe.members.rules import add_years, years_between
from ronghe.orglife.rules import evaluate_general_meeting_vote
from ronghe.orgs.choices import APPROVING_KINDS
from ronghe.recruitment.choices import FullOutcome, ReviewResult

CASE = "recruitment.case"  # evidence and audit kind of a case
EDIT = "recruitment.edit"
APPROVE = "recruitment.approve"

MIN_AGE = 18
APPROVAL_MONTHS = 3
APPROVAL_MONTHS_MAX = 6
EXTENSION_MONTHS = (6, 12)
FULL_APPROVAL_MONTHS = 3
TALK_MONTHS = 1
# Only a 党委 (工委) approves an admission; a 党总支, a 党支部 or a 党组 never does (domain-rules §3 step 17).


@dataclass(frozen=True)
class Policy:
    """Configurable local practice ([C] in domain-rules §3), with the suggested defaults.

    `publicity_stages`: the stages whose decision is published (公示) — activist, candidate, admission
    (拟接收), full (拟转正). `publicity_days`: its length in working days (core.workdays: holidays and
    调休 counted). `activist_year_from`: the activist's year counts from the 支委会 decision
    ("activist_on", the default) or from the 备案 ("activist_filed_on"). `min_application_months`:
    how old an application must be before the applicant becomes an activist (0: no minimum).
    """

    publicity_stages: frozenset[str] = frozenset({"activist", "candidate", "admission", "full"})
    publicity_days: int = 5
    activist_year_from: str = "activist_on"
    min_application_months: int = 0
    training_days: int = 3
    training_hours: int = 24


DEFAULT_POLICY = Policy()


def policy_from(settings_value: dict[str, object] | None) -> Policy:
    """The policy from the `RONGHE_RECRUITMENT` setting (keys as `Policy` fields), else the defaults."""
    if not settings_value:
        return DEFAULT_POLICY
    values: dict[str, Any] = dict(settings_value)
    if "publicity_stages" in values:
        values["publicity_stages"] = frozenset(values["publicity_stages"])
    return replace(DEFAULT_POLICY, **values)


@dataclass(frozen=True)
class Breach:
    field: str  # the fact (model field) the rule is about
    message: str  # Chinese, naming the rule


@dataclass(frozen=True)
class Person:
    """A member as an introducer or 培养联系人 sees it: their name, status, and whether they are under
    留党察看 without restored rights (from `discipline.facts`; False unless told)."""

    name: str
    status: str
    on_probation_sanction: bool = False


@dataclass(frozen=True)
class Facts:
    """One person's recorded dates and decisions (the key dates of domain-rules §3)."""

    birth_date: date | None = None
    applied_on: date | None = None
    talked_on: date | None = None
    activist_on: date | None = None
    activist_filed_on: date | None = None
    contacts: tuple[Person, ...] = ()
    candidate_on: date | None = None
    candidate_filed_on: date | None = None
    introducers: tuple[Person, ...] = ()
    political_review_on: date | None = None
    political_review_result: str = ""
    training_start: date | None = None
    training_end: date | None = None
    training_hours: int | None = None
    # 学时 of the person's education records (classes attended, approved external training) since they
    # became a 发展对象; None when the person has no record in the system (only the typed figure counts).
    recorded_hours: Decimal | None = None
    committee_review_on: date | None = None
    pre_review_on: date | None = None
    form_issued_on: date | None = None
    admitted_on: date | None = None
    voters_expected: int | None = None
    voters_present: int | None = None
    votes_yes: int | None = None
    written_yes: int = 0
    higher_talk_on: date | None = None
    approved_on: date | None = None
    approver_kind: str = ""
    approval_delay_reason: str = ""
    filed_on: date | None = None
    oath_on: date | None = None
    full_applied_on: date | None = None
    extension_meeting_on: date | None = None
    extension_months: int | None = None
    full_meeting_on: date | None = None
    full_outcome: str = ""
    full_voters_expected: int | None = None
    full_voters_present: int | None = None
    full_votes_yes: int | None = None
    full_approved_on: date | None = None
    archived_on: date | None = None
    publicity: dict[str, tuple[date, date]] = field(default_factory=dict)


# ------------------------------------------------------------------ dates


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later; the month's last day when it has no such day
    (31 January + 1 month = 28/29 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth_date: date, day: date) -> int:
    """周岁 on `day` (a birthday on 29 February counts on 1 March)."""
    return years_between(birth_date, day)


def probation_end(admitted_on: date, extension_months: int | None = None) -> date:
    """The day the 预备期 ends and the member may become full: one year from the 入党时间 (the 支部大会
    date, 党章 第七条), plus the extension if there was one. 党龄 counts from this day."""
    end = add_years(admitted_on, 1)
    return add_months(end, extension_months) if extension_months else end


def joined_on(facts: Facts) -> date | None:
    """入党时间 = the date of the 支部大会 that passed the admission, not the approval date."""
    return facts.admitted_on


def full_on(facts: Facts) -> date | None:
    """转正 date (党龄 starts): the end of the 预备期, or of its extension — once 转正 was decided."""
    if facts.admitted_on is None or facts.full_outcome != FullOutcome.FULL:
        return None
    return probation_end(facts.admitted_on, facts.extension_months)


def _d(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


# ------------------------------------------------------------------ the rules, one function each


def check_age(birth_date: date | None, applied_on: date | None) -> Breach | None:
    """年满十八岁 at the application (党章 第一条, 细则 第五条): the 18th birthday is the first day."""
    if birth_date is None or applied_on is None:
        return None
    if age_on(birth_date, applied_on) < MIN_AGE:
        eighteen = add_years(birth_date, MIN_AGE)
        if birth_date.month == 2 and birth_date.day == 29 and eighteen.day == 28:
            eighteen = eighteen + timedelta(days=1)
        return Breach(
            "applied_on",
            f"年满十八岁方可申请入党（细则第五条）：申请日 {_d(applied_on)} 时未满18周岁，"
            f"最早可于 {_d(eighteen)} 申请",
        )
    return None


def check_talk(applied_on: date | None, talked_on: date | None) -> Breach | None:
    """党组织派人谈话 within one month of receiving the application (细则 第七条)."""
    if applied_on is None or talked_on is None:
        return None
    last = add_months(applied_on, TALK_MONTHS)
    if talked_on > last:
        return Breach(
            "talked_on",
            f"收到入党申请书后一个月内派人谈话（细则第七条）：应不晚于 {_d(last)}，实际 {_d(talked_on)}",
        )
    return None


def check_order(facts: Facts) -> list[Breach]:
    """Each step only after the one before it (the 25 steps in order, domain.md §5)."""
    chain = [(name, getattr(facts, name)) for name, _label in ORDER]
    labels = dict(ORDER)
    out: list[Breach] = []
    previous: tuple[str, date] | None = None
    for name, day in chain:
        if day is None:
            continue
        if name in AFTER_ONLY:  # 备案 by the 组织部门 may come after later steps: only after its own
            before = getattr(facts, AFTER_ONLY[name])
            if before is not None and day < before:
                out.append(
                    Breach(
                        name,
                        f"步骤顺序（发展党员二十五个步骤依次进行）：{labels[name]} {_d(day)} 不能早于{labels[AFTER_ONLY[name]]} {_d(before)}",
                    )
                )
            continue
        if previous is not None and day < previous[1]:
            out.append(
                Breach(
                    name,
                    f"步骤顺序（发展党员二十五个步骤依次进行）：{labels[name]} {_d(day)} "
                    f"不能早于{labels[previous[0]]} {_d(previous[1])}",
                )
            )
        else:
            previous = (name, day)
    return out


def check_application_age(applied_on: date | None, activist_on: date | None, months: int) -> Breach | None:
    """[C] Some units require the application to be `months` old before the applicant is made an activist."""
    if not months or applied_on is None or activist_on is None:
        return None
    earliest = add_months(applied_on, months)
    if activist_on < earliest:
        return Breach(
            "activist_on",
            f"递交申请满{months}个月后方可确定为入党积极分子（本地规定）：最早 {_d(earliest)}",
        )
    return None


def check_contacts(contacts: Iterable[Person], activist_on: date | None) -> list[Breach]:
    """培养联系人: 1–2 正式党员 (domain-rules §3 step 5), named when the activist is confirmed."""
    people = list(contacts)
    if activist_on is None:
        return []
    out = []
    if not 1 <= len(people) <= 2:
        out.append(Breach("contacts", f"培养联系人为1至2名正式党员（细则第十条）：现为 {len(people)} 名"))
    out += [
        Breach("contacts", f"培养联系人须为正式党员（细则第十条）：{p.name}不是正式党员")
        for p in people
        if p.status != "full"
    ]
    return out


def check_activist_year(facts: Facts, policy: Policy) -> Breach | None:
    """确定发展对象 after at least one year of cultivation as an activist (细则 第十三条); the year counts
    from the 支委会 decision or the 备案 (`Policy.activist_year_from`, [C])."""
    start = getattr(facts, policy.activist_year_from)
    if start is None or facts.candidate_on is None:
        return None
    earliest = add_years(start, 1)
    if facts.candidate_on < earliest:
        basis = "确定为入党积极分子" if policy.activist_year_from == "activist_on" else "积极分子备案"
        return Breach(
            "candidate_on",
            f"经过一年以上培养教育方可确定为发展对象（细则第十三条）：自{basis} {_d(start)} 起，"
            f"最早 {_d(earliest)}",
        )
    return None


def check_introducers(introducers: Iterable[Person], candidate_on: date | None) -> list[Breach]:
    """入党介绍人: two 正式党员; a member under 留党察看 whose rights are not restored cannot be one
    (细则 第十四条)."""
    people = list(introducers)
    if candidate_on is None:
        return []
    out = []
    if len(people) != 2:
        out.append(Breach("introducers", f"入党介绍人为2名正式党员（细则第十四条）：现为 {len(people)} 名"))
    for p in people:
        if p.status != "full":
            out.append(Breach("introducers", f"入党介绍人须为正式党员（细则第十四条）：{p.name}不是正式党员"))
        elif p.on_probation_sanction:
            out.append(
                Breach("introducers", f"受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人：{p.name}")
            )
    return out


def check_political_review(facts: Facts) -> Breach | None:
    """政治审查 must end in a conclusive written result before admission; without one, or failed, the
    person cannot be admitted (细则 第十五、十六条)."""
    if facts.political_review_on is not None and not facts.political_review_result:
        return Breach("political_review_result", "政治审查须形成结论性意见（细则第十六条）：请填写政审结论")
    if facts.admitted_on is None:
        return None
    if facts.political_review_on is None:
        return Breach("admitted_on", "未经政治审查的，不能发展入党（细则第十六条）")
    if facts.political_review_result != ReviewResult.PASSED:
        return Breach("admitted_on", "政治审查不合格的，不能发展入党（细则第十六条）")
    return None


def training_days(start: date | None, end: date | None) -> int:
    """Days of the training, both ends included (1–3 March is 3 days)."""
    if start is None or end is None:
        return 0
    return (end - start).days + 1


def hours_text(hours: Decimal) -> str:
    """学时 as people write them: 24, 23.5."""
    return f"{hours.normalize():f}"


def training_hours(facts: Facts) -> Decimal:
    """The 学时 the training rule reads: the education records when the person has them, the typed
    figure otherwise, the larger of the two when both exist (a typed figure may cover a training held
    outside the platform)."""
    return max(Decimal(facts.training_hours or 0), facts.recorded_hours or Decimal(0))


def check_training(facts: Facts, policy: Policy) -> list[Breach]:
    """短期集中培训 of at least 3 days or 24 学时 before admission (细则 第十七、十八条). The 学时 are the
    person's education records when they have them (`training_hours`); records count as training."""
    out = []
    if facts.training_start and facts.training_end and facts.training_end < facts.training_start:
        out.append(Breach("training_end", "集中培训结束日期不能早于开始日期"))
    days = training_days(facts.training_start, facts.training_end)
    hours = training_hours(facts)
    recorded = facts.recorded_hours or Decimal(0)
    trained = facts.training_start is not None or recorded > 0
    if trained and days < policy.training_days and hours < policy.training_hours:
        source = f"（培训记录 {hours_text(recorded)} 学时）" if facts.recorded_hours is not None else ""
        out.append(
            Breach(
                "training_hours",
                f"集中培训时间一般不少于{policy.training_days}天或{policy.training_hours}学时（细则第十七条）："
                f"现为 {max(days, 0)} 天、{hours_text(hours)} 学时{source}",
            )
        )
    if facts.admitted_on is not None and not trained:
        out.append(Breach("admitted_on", "未经培训的，除个别特殊情况外，不能发展入党（细则第十八条）"))
    return out


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


def evaluate(
    facts: Facts,
    policy: Policy = DEFAULT_POLICY,
    today: date | None = None,
    table: workdays.Table | None = None,
) -> list[Breach]:
    """Every rule of domain-rules §3 over one person's facts. Dates in the future are refused too."""
    out: list[Breach] = []
    if today is not None:
        for name, label in ORDER:
            day = getattr(facts, name)
            if day is not None and day > today:
                out.append(Breach(name, f"{label} {_d(day)} 不能晚于今天"))
    single = [
        check_age(facts.birth_date, facts.applied_on),
        check_talk(facts.applied_on, facts.talked_on),
        check_application_age(facts.applied_on, facts.activist_on, policy.min_application_months),
        check_activist_year(facts, policy),
        check_political_review(facts),
        check_pre_review(facts),
    ]
    out += [b for b in single if b is not None]
    out += check_order(facts)
    out += check_contacts(facts.contacts, facts.activist_on)
    out += check_introducers(facts.introducers, facts.candidate_on)
    out += check_training(facts, policy)
    if facts.admitted_on is not None:
        vote = check_vote(
            expected=facts.voters_expected,
            present=facts.voters_present,
            yes=facts.votes_yes,
            written_yes=facts.written_yes,
            field_name="votes_yes",
            what="支部大会讨论接收预备党员",
        )
        if vote:
            out.append(vote)
    out += check_approval(facts)
    out += check_full(facts)
    if facts.full_meeting_on is not None and facts.full_outcome in (FullOutcome.FULL, FullOutcome.CANCEL):
        vote = check_vote(
            expected=facts.full_voters_expected,
            present=facts.full_voters_present,
            yes=facts.full_votes_yes,
            written_yes=0,
            field_name="full_votes_yes",
            what="支部大会讨论转正",
        )
        if vote:
            out.append(vote)
    reached = {
        "activist": facts.activist_on,
        "candidate": facts.candidate_on,
        "admission": facts.approved_on,  # 拟接收: between the 支部大会 and the approval
        "full": facts.full_approved_on,
    }
    for stage, day in reached.items():
        if day is not None:
            publicity = check_publicity(stage, facts.publicity.get(stage), policy, table)
            if publicity:
                out.append(publicity)
    return out


# ------------------------------------------------------------------ order, labels, the 25 steps

# The dated steps in the order they happen (the order rule checks each against the latest before it).
ORDER: tuple[tuple[str, str], ...] = (
    ("applied_on", "递交入党申请书"),
    ("talked_on", "派人谈话"),
    ("activist_on", "确定入党积极分子"),
    ("activist_filed_on", "积极分子报上级党委备案"),
    ("candidate_on", "确定发展对象"),
    ("candidate_filed_on", "发展对象报上级党委备案"),
    ("political_review_on", "政治审查"),
    ("committee_review_on", "支部委员会审查"),
    ("pre_review_on", "上级党委预审"),
    ("form_issued_on", "发放入党志愿书"),
    ("admitted_on", "支部大会讨论接收"),
    ("higher_talk_on", "上级党委派人谈话"),
    ("approved_on", "上级党委审批"),
    ("filed_on", "组织部门备案"),
    ("oath_on", "入党宣誓"),
    ("full_applied_on", "提出转正申请"),
    ("extension_meeting_on", "支部大会延长预备期"),
    ("full_meeting_on", "支部大会讨论转正"),
    ("full_approved_on", "上级党委审批转正"),
    ("archived_on", "材料归档"),
)
DATE_LABELS = dict(ORDER)
# Dated steps checked only against the one they follow (the 组织部门's 备案 may be filed after the oath).
AFTER_ONLY = {"filed_on": "approved_on"}
PUBLICITY_LABELS = {
    "activist": "确定入党积极分子",
    "candidate": "确定发展对象",
    "admission": "拟接收预备党员",
    "full": "预备党员转正",
}
