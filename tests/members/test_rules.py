"""Member rules: derived values, §6 bands with exact boundaries, transitions. No database."""

from datetime import date

import pytest

from ronghe.core.idnumbers import parse_id_number
from ronghe.members import rules
from ronghe.members.choices import MemberStatus, StatusAction


@pytest.mark.parametrize(
    ("born", "today", "years"),
    [
        (date(1990, 6, 15), date(2026, 6, 14), 35),
        (date(1990, 6, 15), date(2026, 6, 15), 36),
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
    ],
)
def test_age_in_whole_years(born, today, years):
    assert rules.age(born, today) == years


def test_party_standing_counts_from_full_date():
    assert rules.party_standing(date(2011, 7, 1), date(2026, 6, 30)) == 14
    assert rules.party_standing(date(2011, 7, 1), date(2026, 7, 1)) == 15
    assert rules.party_standing(None, date(2026, 7, 1)) is None


def test_political_birthday_is_join_month_and_day():
    assert rules.political_birthday(date(2010, 7, 1)) == "7月1日"


@pytest.mark.parametrize(
    ("years", "band"),
    [
        (30, "30岁及以下"),
        (31, "31-35岁"),
        (35, "31-35岁"),
        (36, "36-40岁"),
        (60, "56-60岁"),
        (61, "61岁及以上"),
        (18, "30岁及以下"),
    ],
)
def test_age_bands(years, band):
    assert rules.age_band(years) == band


@pytest.mark.parametrize(
    ("joined", "period"),
    [
        (date(1949, 9, 30), "新中国成立前"),
        (date(1949, 10, 1), "新中国成立后至十一届三中全会前"),
        (date(1978, 12, 31), "新中国成立后至十一届三中全会前"),
        (date(1979, 1, 1), "十一届三中全会后至十八大前"),
        (date(2012, 10, 31), "十一届三中全会后至十八大前"),
        (date(2012, 11, 1), "十八大以来"),
    ],
)
def test_join_periods(joined, period):
    assert rules.join_period(joined) == period


@pytest.mark.parametrize(
    ("edu", "yes"), [("研究生", True), ("大学本科", True), ("大学专科", True), ("中专", False), ("", False)]
)
def test_college_or_above(edu, yes):
    assert rules.is_college_or_above(edu) is yes


def test_id_number_conflicts_name_the_field():
    info = parse_id_number("11010519491231002X")  # female, born 1949-12-31
    assert rules.id_number_conflicts(info, gender="女", birth_date=date(1949, 12, 31)) == {}
    conflicts = rules.id_number_conflicts(info, gender="男", birth_date=date(1950, 1, 1))
    assert conflicts["gender"] == "与公民身份号码不一致：号码第17位表示性别为女"
    assert conflicts["birth_date"] == "与公民身份号码不一致：号码中的出生日期为1949-12-31"


JOINED = date(2025, 3, 10)


@pytest.mark.parametrize(
    ("effective", "ok"),
    [(date(2026, 3, 9), False), (date(2026, 3, 10), True)],
)
def test_make_full_only_after_one_year(effective, ok):
    if ok:
        assert (
            rules.next_status(
                MemberStatus.PROBATIONARY, StatusAction.MAKE_FULL, joined_on=JOINED, effective_on=effective
            )
            == "full"
        )
    else:
        with pytest.raises(rules.TransitionNotAllowed, match="最早于 2026-03-10 转正"):
            rules.next_status(
                MemberStatus.PROBATIONARY, StatusAction.MAKE_FULL, joined_on=JOINED, effective_on=effective
            )


def test_make_full_only_from_probationary():
    with pytest.raises(rules.TransitionNotAllowed, match="当前状态为“正式党员”，不能办理“转正”"):
        rules.next_status(
            MemberStatus.FULL, StatusAction.MAKE_FULL, joined_on=JOINED, effective_on=date(2027, 1, 1)
        )


def test_extension_only_once():
    with pytest.raises(rules.TransitionNotAllowed, match="只能延长一次"):
        rules.next_status(
            MemberStatus.PROBATIONARY,
            StatusAction.EXTEND_PROBATION,
            joined_on=JOINED,
            effective_on=date(2026, 3, 10),
            extended_before=True,
        )


def test_restore_returns_to_previous_standing():
    kw = {"joined_on": JOINED, "effective_on": date(2026, 5, 1)}
    assert rules.next_status("suspended", "restore", full_on=date(2026, 3, 10), **kw) == "full"
    assert rules.next_status("suspended", "restore", full_on=None, **kw) == "probationary"


def test_deceased_is_final():
    assert rules.allowed_actions(MemberStatus.DECEASED) == []


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(date(2026, 6, 30), False), (date(2026, 7, 1), True)],
)
def test_letter_validity_counts_the_issue_day(today, overdue):
    v = rules.letter_validity(date(2026, 6, 1), 30, today)
    assert v.valid_until == date(2026, 6, 30)
    assert v.overdue is overdue


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (90, True), (91, False)])
def test_validity_days_bounds(days, ok):
    if ok:
        rules.check_validity_days(days)
    else:
        with pytest.raises(rules.TransitionNotAllowed, match="应为1至90天"):
            rules.check_validity_days(days)


def test_transfer_transitions():
    assert rules.next_transfer_status("pending", "confirm") == "completed"
    with pytest.raises(rules.TransitionNotAllowed):
        rules.next_transfer_status("completed", "cancel")
