"""The 发展党员 rules of domain-rules §3, each at its boundary. No database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ronghe.orgs.choices import OrgKind
from ronghe.recruitment import process, rules, steps
from ronghe.recruitment.choices import FullOutcome, ReviewResult, Stage
from ronghe.recruitment.rules import Facts, Person, Policy

FULL_A = Person("张党员", "full")
FULL_B = Person("李党员", "full")


def messages(facts: Facts, policy: Policy = rules.DEFAULT_POLICY, today: date | None = None) -> list[str]:
    return [b.message for b in rules.evaluate(facts, policy, today)]


def fields(facts: Facts, policy: Policy = rules.DEFAULT_POLICY) -> set[str]:
    return {b.field for b in rules.evaluate(facts, policy)}


# A complete, valid case: every later test changes one fact of it.
VALID = Facts(
    birth_date=date(2000, 5, 10),
    applied_on=date(2023, 3, 1),
    talked_on=date(2023, 3, 20),
    activist_on=date(2023, 6, 1),
    activist_filed_on=date(2023, 6, 10),
    contacts=(FULL_A,),
    candidate_on=date(2024, 6, 3),
    candidate_filed_on=date(2024, 6, 12),
    introducers=(FULL_A, FULL_B),
    political_review_on=date(2024, 7, 1),
    political_review_result=ReviewResult.PASSED,
    training_start=date(2024, 7, 8),
    training_end=date(2024, 7, 10),
    training_hours=24,
    committee_review_on=date(2024, 7, 15),
    pre_review_on=date(2024, 7, 25),
    form_issued_on=date(2024, 7, 26),
    admitted_on=date(2024, 8, 16),
    voters_expected=10,
    voters_present=8,
    votes_yes=8,
    higher_talk_on=date(2024, 9, 2),
    approved_on=date(2024, 9, 20),
    approver_kind=OrgKind.PARTY_COMMITTEE,
    filed_on=date(2024, 9, 25),
    oath_on=date(2024, 10, 12),
    full_applied_on=date(2025, 7, 20),
    full_meeting_on=date(2025, 8, 18),
    full_outcome=FullOutcome.FULL,
    full_voters_expected=11,
    full_voters_present=9,
    full_votes_yes=9,
    full_approved_on=date(2025, 9, 5),
    publicity={
        "activist": (date(2023, 6, 2), date(2023, 6, 8)),
        "candidate": (date(2024, 6, 4), date(2024, 6, 11)),  # 10 June was 端午
        "admission": (date(2024, 8, 19), date(2024, 8, 23)),
        "full": (date(2025, 8, 19), date(2025, 8, 25)),
    },
)


def test_a_complete_case_breaks_no_rule():
    assert rules.evaluate(VALID, today=date(2025, 10, 1)) == []


# ----------------------------------------------------------------- age 18


@pytest.mark.parametrize(
    ("_case", "applied_on", "broken"),
    [
        ("the day before the 18th birthday", date(2018, 5, 9), True),
        ("on the 18th birthday", date(2018, 5, 10), False),
        ("the day after", date(2018, 5, 11), False),
    ],
)
def test_age_eighteen_at_application(_case, applied_on, broken):
    # given a person born 2000-05-10 (as the ID number says)
    # when / then
    breach = rules.check_age(date(2000, 5, 10), applied_on)
    assert (breach is not None) is broken
    if broken:
        assert breach.message == (
            "年满十八岁方可申请入党（细则第五条）：申请日 2018-05-09 时未满18周岁，最早可于 2018-05-10 申请"
        )


def test_age_of_someone_born_on_29_february_counts_from_1_march():
    assert rules.check_age(date(2004, 2, 29), date(2022, 2, 28)) is not None
    breach = rules.check_age(date(2004, 2, 29), date(2022, 2, 28))
    assert breach is not None and "最早可于 2022-03-01 申请" in breach.message
    assert rules.check_age(date(2004, 2, 29), date(2022, 3, 1)) is None


# ----------------------------------------------------------------- talk within a month


@pytest.mark.parametrize(
    ("_case", "applied", "talked", "broken"),
    [
        ("exactly one month", date(2025, 3, 10), date(2025, 4, 10), False),
        ("a day over", date(2025, 3, 10), date(2025, 4, 11), True),
        ("31 January: last day is 28 February", date(2025, 1, 31), date(2025, 2, 28), False),
        ("31 January, 1 March is late", date(2025, 1, 31), date(2025, 3, 1), True),
        ("leap year: 29 February", date(2024, 1, 31), date(2024, 2, 29), False),
    ],
)
def test_talk_within_one_month(_case, applied, talked, broken):
    assert (rules.check_talk(applied, talked) is not None) is broken


def test_talk_message_names_the_rule():
    breach = rules.check_talk(date(2025, 3, 10), date(2025, 4, 11))
    assert breach == rules.Breach(
        "talked_on", "收到入党申请书后一个月内派人谈话（细则第七条）：应不晚于 2025-04-10，实际 2025-04-11"
    )


# ----------------------------------------------------------------- activist for a year


@pytest.mark.parametrize(
    ("_case", "candidate_on", "broken"),
    [
        ("the day before the year is over", date(2024, 5, 31), True),
        ("exactly one year", date(2024, 6, 1), False),
    ],
)
def test_activist_at_least_one_year(_case, candidate_on, broken):
    facts = replace(VALID, candidate_on=candidate_on)
    assert ("candidate_on" in fields(facts)) is broken
    if broken:
        assert (
            "经过一年以上培养教育方可确定为发展对象（细则第十三条）：自确定为入党积极分子 2023-06-01 起，最早 2024-06-01"
            in messages(facts)
        )


def test_activist_year_counted_from_the_filing_when_configured():
    # given the 备案 date as the start of the year (a local convention)
    policy = Policy(activist_year_from="activist_filed_on")
    # when the candidate is confirmed one year after the decision but not after the filing
    facts = replace(VALID, candidate_on=date(2024, 6, 3))
    # then it is refused, naming the basis
    assert (
        "经过一年以上培养教育方可确定为发展对象（细则第十三条）：自积极分子备案 2023-06-10 起，最早 2024-06-10"
        in messages(facts, policy)
    )
    assert "candidate_on" not in fields(
        replace(VALID, candidate_on=date(2024, 6, 10), candidate_filed_on=date(2024, 6, 12)), policy
    )


def test_application_age_minimum_is_a_local_option():
    facts = replace(VALID, activist_on=date(2023, 8, 31), activist_filed_on=date(2023, 9, 1))
    assert "activist_on" not in fields(facts)
    assert "activist_on" in fields(facts, Policy(min_application_months=6))
    assert "activist_on" not in fields(
        replace(facts, activist_on=date(2023, 9, 1)), Policy(min_application_months=6)
    )


# ----------------------------------------------------------------- contacts and introducers


@pytest.mark.parametrize(
    ("_case", "n", "broken"), [("none", 0, True), ("one", 1, False), ("two", 2, False), ("three", 3, True)]
)
def test_one_or_two_contacts(_case, n, broken):
    facts = replace(VALID, contacts=tuple(Person(f"党员{i}", "full") for i in range(n)))
    assert ("contacts" in fields(facts)) is broken


@pytest.mark.parametrize(("_case", "n", "broken"), [("one", 1, True), ("two", 2, False), ("three", 3, True)])
def test_exactly_two_introducers(_case, n, broken):
    facts = replace(VALID, introducers=tuple(Person(f"党员{i}", "full") for i in range(n)))
    assert ("introducers" in fields(facts)) is broken


def test_a_probationary_member_cannot_introduce():
    facts = replace(VALID, introducers=(FULL_A, Person("王预备", "probationary")))
    assert "入党介绍人须为正式党员（细则第十四条）：王预备不是正式党员" in messages(facts)


def test_a_member_under_probation_sanction_cannot_introduce():
    facts = replace(VALID, introducers=(FULL_A, Person("赵察看", "full", on_probation_sanction=True)))
    assert "受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人：赵察看" in messages(facts)


def test_a_probationary_member_cannot_be_a_contact():
    facts = replace(VALID, contacts=(Person("王预备", "probationary"),))
    assert "培养联系人须为正式党员（细则第十条）：王预备不是正式党员" in messages(facts)


# ----------------------------------------------------------------- 政审, training, 预审


def test_no_admission_without_a_passed_political_review():
    assert "政治审查不合格的，不能发展入党（细则第十六条）" in messages(
        replace(VALID, political_review_result=ReviewResult.FAILED)
    )
    assert "未经政治审查的，不能发展入党（细则第十六条）" in messages(
        replace(VALID, political_review_on=None, political_review_result="")
    )
    assert "政治审查须形成结论性意见（细则第十六条）：请填写政审结论" in messages(
        replace(VALID, political_review_result="")
    )


@pytest.mark.parametrize(
    ("_case", "start", "end", "hours", "broken"),
    [
        ("three days", date(2024, 7, 8), date(2024, 7, 10), 0, False),
        ("two days, 23 hours", date(2024, 7, 8), date(2024, 7, 9), 23, True),
        ("two days, 24 hours", date(2024, 7, 8), date(2024, 7, 9), 24, False),
        ("one day, 24 hours", date(2024, 7, 8), date(2024, 7, 8), 24, False),
    ],
)
def test_training_three_days_or_24_hours(_case, start, end, hours, broken):
    facts = replace(VALID, training_start=start, training_end=end, training_hours=hours)
    assert ("training_hours" in fields(facts)) is broken
    if broken:
        assert "集中培训时间一般不少于3天或24学时（细则第十七条）：现为 2 天、23 学时" in messages(facts)


def test_no_admission_without_training():
    facts = replace(VALID, training_start=None, training_end=None, training_hours=None)
    assert "未经培训的，除个别特殊情况外，不能发展入党（细则第十八条）" in messages(facts)


def test_pre_review_before_the_form():
    assert "经上级党委预审合格后方可发放《入党志愿书》（细则第十九条）" in messages(
        replace(VALID, pre_review_on=date(2024, 7, 27))
    )
    assert "form_issued_on" not in fields(replace(VALID, pre_review_on=date(2024, 7, 26)))


# ----------------------------------------------------------------- the admission vote


@pytest.mark.parametrize(
    ("_case", "present", "yes", "written", "broken"),
    [
        ("5 of 10 present: no quorum", 5, 5, 0, True),
        ("6 present, 6 yes", 6, 6, 0, False),
        ("6 present, 5 yes: exactly half fails", 6, 5, 0, True),
        ("6 present, 5 yes + 1 written opinion", 6, 5, 1, False),
    ],
)
def test_admission_vote_quorum_and_pass(_case, present, yes, written, broken):
    facts = replace(VALID, voters_expected=10, voters_present=present, votes_yes=yes, written_yes=written)
    assert ("votes_yes" in fields(facts)) is broken


def test_no_quorum_message_reuses_the_general_meeting_rule():
    facts = replace(VALID, voters_expected=10, voters_present=5, votes_yes=5)
    assert (
        "支部大会讨论接收预备党员（细则第二十一条）：到会有表决权的党员 5 人，未超过应到会有表决权党员 10 人的半数，"
        "不足法定人数，不能进行表决" in messages(facts)
    )


# ----------------------------------------------------------------- approval


@pytest.mark.parametrize(
    ("_case", "kind", "broken"),
    [
        ("机关党委", OrgKind.PARTY_COMMITTEE, False),
        ("机关工委", OrgKind.COMMITTEE, False),
        ("党总支", OrgKind.GENERAL_BRANCH, True),
        ("党支部", OrgKind.BRANCH, True),
        ("党组", OrgKind.LEADING_GROUP, True),
    ],
)
def test_approval_only_by_a_party_committee(_case, kind, broken):
    facts = replace(VALID, approver_kind=kind)
    assert ("approver" in fields(facts)) is broken
    if broken:
        assert (
            "审批预备党员须由党委（工委）集体讨论决定，党总支、党支部不能审批（细则第二十三条）"
            in messages(facts)
        )


@pytest.mark.parametrize(
    ("_case", "approved_on", "reason", "broken_field"),
    [
        ("exactly three months", date(2024, 11, 16), "", None),
        ("three months and a day, no reason", date(2024, 11, 17), "", "approval_delay_reason"),
        ("three months and a day, with a reason", date(2024, 11, 17), "党委换届，会议推迟", None),
        ("exactly six months with a reason", date(2025, 2, 16), "党委换届，会议推迟", None),
        ("six months and a day", date(2025, 2, 17), "党委换届，会议推迟", "approved_on"),
    ],
)
def test_approval_within_three_months_at_most_six(_case, approved_on, reason, broken_field):
    facts = replace(
        VALID,
        approved_on=approved_on,
        approval_delay_reason=reason,
        filed_on=None,
        oath_on=None,
        full_applied_on=None,
        full_meeting_on=None,
        full_outcome="",
        full_approved_on=None,
        publicity={k: v for k, v in VALID.publicity.items() if k != "full"},
    )
    broken = {b.field for b in rules.check_approval(facts)}
    assert broken == ({broken_field} if broken_field else set())


# ----------------------------------------------------------------- 公示 in working days


@pytest.mark.parametrize(
    ("_case", "start", "end", "broken"),
    [
        ("Mon–Fri", date(2025, 9, 15), date(2025, 9, 19), False),
        ("Mon–Thu: 4 days", date(2025, 9, 15), date(2025, 9, 18), True),
        ("调休 Sunday 28 September counts", date(2025, 9, 25), date(2025, 9, 30), False),
        ("across 国庆: 29 Sep–10 Oct is 4 working days", date(2025, 9, 29), date(2025, 10, 10), True),
        ("across 国庆, with the 调休 Saturday 11 October", date(2025, 9, 29), date(2025, 10, 11), False),
        ("seven calendar days over a weekend are not enough", date(2025, 10, 10), date(2025, 10, 16), False),
        ("a holiday week counts nothing", date(2025, 10, 1), date(2025, 10, 8), True),
    ],
)
def test_publicity_five_working_days(_case, start, end, broken):
    breach = rules.check_publicity("candidate", (start, end), rules.DEFAULT_POLICY, {})
    assert (breach is not None) is broken


def test_publicity_message_counts_the_working_days():
    breach = rules.check_publicity(
        "admission", (date(2025, 9, 29), date(2025, 10, 10)), rules.DEFAULT_POLICY, {}
    )
    assert breach == rules.Breach(
        "publicity_admission",
        "拟接收预备党员公示不少于5个工作日（本地规定）：2025-09-29 至 2025-10-10 仅 4 个工作日",
    )


def test_publicity_length_and_stages_are_configured():
    seven = Policy(publicity_days=7)
    assert rules.check_publicity("full", (date(2025, 9, 15), date(2025, 9, 19)), seven, {}) is not None
    assert rules.check_publicity("full", (date(2025, 9, 15), date(2025, 9, 23)), seven, {}) is None
    none = Policy(publicity_stages=frozenset())
    assert rules.check_publicity("full", None, none, {}) is None
    assert rules.check_publicity("full", None, rules.DEFAULT_POLICY, {}) is not None


def test_publicity_end_is_the_fifth_working_day():
    assert rules.publicity_end(date(2025, 9, 29), rules.DEFAULT_POLICY, {}) == date(2025, 10, 11)
    assert rules.publicity_end(date(2025, 9, 15), rules.DEFAULT_POLICY, {}) == date(2025, 9, 19)


# ----------------------------------------------------------------- 转正 and the extension


@pytest.mark.parametrize(
    ("_case", "meeting_on", "broken"),
    [
        ("the day before the 预备期 ends", date(2025, 8, 15), True),
        ("the day it ends", date(2025, 8, 16), False),
    ],
)
def test_full_not_before_probation_ends(_case, meeting_on, broken):
    facts = replace(VALID, full_meeting_on=meeting_on, full_applied_on=date(2025, 7, 20))
    assert ("full_meeting_on" in fields(facts)) is broken


@pytest.mark.parametrize(
    ("_case", "months", "broken"), [("5", 5, True), ("6", 6, False), ("12", 12, False), ("13", 13, True)]
)
def test_extension_six_to_twelve_months(_case, months, broken):
    facts = replace(
        VALID,
        extension_meeting_on=date(2025, 8, 18),
        extension_months=months,
        full_meeting_on=None,
        full_outcome="",
        full_approved_on=None,
        publicity={k: v for k, v in VALID.publicity.items() if k != "full"},
    )
    assert ("extension_months" in fields(facts)) is broken


def test_extension_only_once():
    facts = replace(
        VALID,
        extension_meeting_on=date(2025, 8, 18),
        extension_months=6,
        full_meeting_on=date(2026, 2, 20),
        full_outcome=FullOutcome.EXTEND,
        full_approved_on=None,
    )
    assert "预备期只能延长一次（党章第七条）：延长期满只能转正或取消预备党员资格" in messages(facts)


def test_after_an_extension_full_waits_for_its_end():
    base = replace(VALID, extension_meeting_on=date(2025, 8, 18), extension_months=6, full_approved_on=None)
    assert "full_meeting_on" in fields(replace(base, full_meeting_on=date(2026, 2, 15)))
    assert "full_meeting_on" not in fields(replace(base, full_meeting_on=date(2026, 2, 16)))


def test_derived_dates():
    assert rules.joined_on(VALID) == date(2024, 8, 16)  # the 支部大会, not the approval
    assert rules.probation_end(date(2024, 8, 16)) == date(2025, 8, 16)
    assert rules.full_on(VALID) == date(2025, 8, 16)
    extended = replace(VALID, extension_months=6)
    assert rules.full_on(extended) == date(2026, 2, 16)
    assert rules.probation_end(date(2024, 2, 29)) == date(2025, 2, 28)


def test_full_approval_within_three_months():
    assert "full_approved_on" in fields(replace(VALID, full_approved_on=date(2025, 11, 19)))
    assert "full_approved_on" not in fields(replace(VALID, full_approved_on=date(2025, 11, 18)))


# ----------------------------------------------------------------- order and the future


def test_steps_in_order():
    facts = replace(VALID, talked_on=date(2023, 2, 28))
    assert (
        "步骤顺序（发展党员二十五个步骤依次进行）：派人谈话 2023-02-28 不能早于递交入党申请书 2023-03-01"
        in messages(facts)
    )


def test_no_date_in_the_future():
    assert "支部大会讨论转正 2025-08-18 不能晚于今天" in messages(VALID, today=date(2025, 8, 17))


# ----------------------------------------------------------------- what is due


def test_next_action_talk_due_then_late():
    facts = Facts(applied_on=date(2025, 3, 10))
    assert process.next_action(Stage.APPLICANT, facts, date(2025, 4, 10)) == process.NextAction(
        "talk", "派人谈话", date(2025, 4, 10), False
    )
    assert process.next_action(Stage.APPLICANT, facts, date(2025, 4, 11)).late is True


def test_next_action_approval_late_after_three_months():
    facts = replace(VALID, approved_on=None)
    assert process.next_action(Stage.CANDIDATE, facts, date(2024, 11, 16)).late is False
    assert process.next_action(Stage.CANDIDATE, facts, date(2024, 11, 17)).late is True


def test_activist_without_assessment_for_six_months_is_late():
    facts = Facts(activist_on=date(2025, 1, 10))
    assert (
        process.next_action(Stage.ACTIVIST, facts, date(2025, 7, 10), last_report=date(2025, 6, 1)).late
        is False
    )
    late = process.next_action(Stage.ACTIVIST, facts, date(2025, 7, 11), last_report=date(2025, 6, 1))
    assert (late.action, late.late) == ("assessment", True)


def test_activist_without_a_report_for_a_quarter_is_late():
    # 思想汇报 every quarter: due three months after the last one, late the day after
    facts = Facts(activist_on=date(2025, 1, 10))
    kwargs = {"last_assessment": date(2025, 3, 1), "last_report": date(2025, 3, 1)}
    on_time = process.next_action(Stage.ACTIVIST, facts, date(2025, 6, 1), **kwargs)
    assert (on_time.action, on_time.late) == ("candidate", False)
    late = process.next_action(Stage.ACTIVIST, facts, date(2025, 6, 2), **kwargs)
    assert (late.action, late.label, late.due_on, late.late) == (
        "report",
        "每季度的思想汇报",
        date(2025, 6, 1),
        True,
    )


def test_probationary_assessment_and_report_go_on_until_the_probation_ends():
    # approved 2024-09-20, oath taken: the 考察 is due six months from the approval (an activist's record
    # from before does not count), the 思想汇报 a quarter after the last one; after 2025-08-16, 转正 first
    facts = VALID
    early = {"last_assessment": date(2024, 5, 1), "last_report": date(2025, 1, 10)}
    on_time = process.next_action(Stage.PROBATIONARY, facts, date(2025, 3, 20), **early)
    assert (on_time.action, on_time.late) == ("full", False)
    late = process.next_action(Stage.PROBATIONARY, facts, date(2025, 3, 21), **early)
    assert (late.action, late.label, late.due_on) == ("assessment", "半年一次的教育考察", date(2025, 3, 20))
    recent = {"last_assessment": date(2025, 3, 1), "last_report": date(2025, 3, 1)}
    assert process.next_action(Stage.PROBATIONARY, facts, date(2025, 6, 1), **recent).action == "full"
    assert process.next_action(Stage.PROBATIONARY, facts, date(2025, 6, 2), **recent).action == "report"
    after = process.next_action(Stage.PROBATIONARY, facts, date(2025, 8, 17), **recent)
    assert (after.action, after.late) == ("full", False)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(min_value=0, max_value=24)
)
def test_add_months_never_overflows_and_keeps_order(day, months):
    later = rules.add_months(day, months)
    assert later >= day
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months


def test_continuous_steps_take_the_latest_record_of_their_period():
    [six] = [s for s in steps.STEPS if s.number == 6]
    [twenty_one] = [s for s in steps.STEPS if s.number == 21]
    observed = [date(2023, 12, 1), date(2024, 5, 20), date(2024, 12, 1)]
    assert steps.step_done(six, VALID, observed) == date(2024, 5, 20)  # before 发展对象 on 2024-06-03
    assert steps.step_done(twenty_one, VALID, observed) == date(2024, 12, 1)  # after the approval
    assert steps.step_done(twenty_one, replace(VALID, approved_on=None), observed) is None


def test_step_deadlines_in_words():
    by_number = {s.number: s for s in steps.STEPS}
    assert steps.step_deadline(by_number[2], VALID) == "不晚于 2023-04-01"
    assert steps.step_deadline(by_number[7], VALID) == "不早于 2024-06-01"
    assert steps.step_deadline(by_number[17], VALID) == "不晚于 2024-11-16（特殊情况不超过 2025-02-16）"
    assert steps.step_deadline(by_number[23], replace(VALID, extension_months=6)) == "不早于 2026-02-16"
    assert steps.step_deadline(by_number[1], VALID) == ""


def test_the_filing_may_come_after_the_oath_but_not_before_the_approval():
    assert "filed_on" not in fields(replace(VALID, filed_on=date(2024, 11, 1)))
    assert "oath_on" not in fields(replace(VALID, filed_on=date(2024, 11, 1)))
    assert "filed_on" in fields(replace(VALID, filed_on=date(2024, 9, 19)))


@pytest.mark.parametrize(
    ("_case", "typed", "recorded", "broken"),
    [
        ("23.5 recorded", None, Decimal("23.5"), True),
        ("24 recorded", None, Decimal("24"), False),
        ("typed 20, recorded 24", 20, Decimal("24"), False),
        ("typed 24, recorded 10", 24, Decimal("10"), False),
    ],
)
def test_training_hours_read_the_education_records(_case, typed, recorded, broken):
    # given: two days of training, the 学时 typed and those of the person's records
    facts = replace(
        VALID,
        training_start=date(2024, 7, 8),
        training_end=date(2024, 7, 9),
        training_hours=typed,
        recorded_hours=recorded,
    )
    assert ("training_hours" in fields(facts)) is broken
    if broken:
        assert (
            "集中培训时间一般不少于3天或24学时（细则第十七条）：现为 2 天、23.5 学时（培训记录 23.5 学时）"
            in messages(facts)
        )


def test_education_records_count_as_training_for_admission():
    facts = replace(VALID, training_start=None, training_end=None, training_hours=None)
    assert "未经培训的，除个别特殊情况外，不能发展入党（细则第十八条）" in messages(facts)
    assert "未经培训的，除个别特殊情况外，不能发展入党（细则第十八条）" not in messages(
        replace(facts, recorded_hours=Decimal("24"))
    )
