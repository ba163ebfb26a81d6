"""The rules from the application to the 发展对象: age, talk, order, contacts, introducers, 政审, training."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from ronghe.members.rules import add_years
from ronghe.recruitment.choices import ReviewResult
from ronghe.recruitment.rules.dates import _d, add_months, age_on
from ronghe.recruitment.rules.facts import (
    AFTER_ONLY,
    MIN_AGE,
    ORDER,
    TALK_MONTHS,
    Breach,
    Facts,
    Person,
    Policy,
)


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
