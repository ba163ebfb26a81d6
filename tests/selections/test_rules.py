"""Pure rules of selections: eligibility (each failed rule named), quotas at their boundary, the
winners at the cut under each tie rule, the judges' trimmed mean, tags."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from ronghe.core.scoring import levels
from ronghe.selections import rules
from ronghe.selections.rules import Eligibility, Facts


@dataclass(frozen=True)
class Sanction:
    is_disciplinary: bool = True


ALL = Eligibility(full_member=True, no_sanction=True, min_stars=4, min_grade=4)


def rule_names(facts: Facts, rules_: Eligibility = ALL) -> list[str]:
    return [f.rule for f in rules.eligibility_failures(rules_, facts, period="2025年度")]


def test_a_nominee_meeting_every_rule_passes():
    assert rule_names(Facts(status="full", stars=4, grade="4A")) == []


def test_each_failed_rule_is_named():
    failures = rules.eligibility_failures(
        ALL, Facts(status="probationary", sanctions=(Sanction(),), stars=3, grade="3A"), period="2025年度"
    )
    assert [f.rule for f in failures] == ["full_member", "no_sanction", "min_stars", "min_grade"]
    messages = " ".join(f.message for f in failures)
    assert "不符合“正式党员”条件" in messages
    assert "不符合“评选期内无党纪政务处分”条件" in messages
    assert "所在党支部现为3星" in messages
    assert "年度考评为3A" in messages


def test_a_sanction_is_named_as_a_rule_without_its_details():
    (failure,) = rules.eligibility_failures(
        Eligibility(no_sanction=True), Facts(status="full", sanctions=(Sanction(),)), period="2025年度"
    )
    assert failure.rule == "no_sanction"
    assert "警告" not in failure.message and "案件" not in failure.message


def test_an_open_case_blocks_like_a_sanction_and_an_organizational_handling_does_not():
    assert rule_names(Facts(status="full", under_review=True), Eligibility(no_sanction=True)) == [
        "no_sanction"
    ]
    assert rule_names(Facts(status="full", sanctions=(Sanction(False),)), Eligibility(no_sanction=True)) == []


@pytest.mark.parametrize(("stars", "ok"), [(5, True), (4, True), (3, False), (None, False)])
def test_stars_at_the_boundary(stars, ok):
    assert (rule_names(Facts(stars=stars), Eligibility(min_stars=4)) == []) is ok


@pytest.mark.parametrize(
    ("grade", "ok"), [("5A", True), ("4A", True), ("3A", False), ("", False), ("优秀", False)]
)
def test_grade_at_the_boundary(grade, ok):
    assert (rule_names(Facts(status="full", grade=grade), Eligibility(min_grade=4)) == []) is ok


def test_rules_not_configured_are_not_checked():
    assert rule_names(Facts(status="probationary", sanctions=(Sanction(),)), Eligibility()) == []


def test_an_organization_nominee_is_not_asked_for_member_status():
    assert rule_names(Facts(status=None, stars=4), Eligibility(full_member=True, min_stars=4)) == []


def test_quota_at_its_boundary():
    assert rules.quota_problem(1, 2, "甲局") is None
    assert rules.quota_problem(2, 2, "甲局") == "甲局的推荐名额为 2 个，已推荐 2 个，不能再推荐"


# ---------------------------------------------------------------- winners at the cut


def cands(*totals: str) -> list[levels.Candidate]:
    return [levels.Candidate(chr(ord("a") + i), 0, D(t)) for i, t in enumerate(totals)]


def winners(placings) -> list[str]:
    return [p.key for p in placings if p.winner]


def test_the_first_places_win():
    placings = levels.select_winners(cands("90", "80", "70"), 2, levels.TIES_EXCLUDE)
    assert winners(placings) == ["a", "b"]
    assert [p.place for p in placings] == [1, 2, 3]


def test_fewer_nominees_than_places_all_win():
    assert winners(levels.select_winners(cands("90", "80"), 10, levels.TIES_EXCLUDE)) == ["a", "b"]


def test_a_tie_inside_the_places_wins_together_and_shares_a_place():
    placings = levels.select_winners(cands("90", "90", "80"), 2, levels.TIES_EXCLUDE)
    assert winners(placings) == ["a", "b"]
    assert [p.place for p in placings] == [1, 1, 3]


def test_a_tie_at_the_cut_with_exclude_leaves_the_place_empty():
    placings = levels.select_winners(cands("95", "90", "90", "70"), 2, levels.TIES_EXCLUDE)
    assert winners(placings) == ["a"]
    tied = [p for p in placings if p.place == 2]
    assert [p.key for p in tied] == ["b", "c"]
    assert all("超出名额，按规则均不入选" in p.note for p in tied)


def test_a_tie_at_the_cut_with_include_lets_both_win():
    placings = levels.select_winners(cands("95", "90", "90", "70"), 2, levels.TIES_INCLUDE)
    assert winners(placings) == ["a", "b", "c"]
    assert "按规则同时入选" in placings[1].note


def test_a_tie_just_below_the_cut_changes_nothing():
    placings = levels.select_winners(cands("95", "90", "80", "80"), 2, levels.TIES_INCLUDE)
    assert winners(placings) == ["a", "b"]
    assert [p.place for p in placings] == [1, 2, 3, 3]


def test_the_tie_breaker_decides_before_the_tie_rule():
    tied = [levels.Candidate("a", 0, D("90"), (D("35"),)), levels.Candidate("b", 0, D("90"), (D("38"),))]
    assert winners(levels.select_winners(tied, 1, levels.TIES_EXCLUDE)) == ["b"]


def test_a_nominee_who_does_not_compete_never_wins():
    placings = levels.select_winners(
        [*cands("90"), levels.Candidate("z", None, D("99"))], 5, levels.TIES_INCLUDE
    )
    assert winners(placings) == ["a"]
    assert placings[-1].place is None


def test_the_result_does_not_depend_on_input_order():
    base = cands("95", "90", "90", "88", "70", "70")
    expected = levels.select_winners(base, 3, levels.TIES_EXCLUDE)
    for seed in range(5):
        shuffled = base[:]
        random.Random(seed).shuffle(shuffled)
        assert levels.select_winners(shuffled, 3, levels.TIES_EXCLUDE) == expected


# ---------------------------------------------------------------- judges' scores


def test_trimmed_mean_with_two_judges_is_the_plain_mean():
    assert levels.aggregate([D("30"), D("40")], levels.TRIMMED_MEAN) == D("35.00")


def test_trimmed_mean_with_three_judges_drops_the_highest_and_lowest():
    assert levels.aggregate([D("10"), D("30"), D("40")], levels.TRIMMED_MEAN) == D("30.00")
    assert levels.aggregate([D("10"), D("30"), D("40")], levels.MEAN) == D("26.67")


def test_tags_are_split_and_cleaned():
    assert rules.clean_tags("数字化，党建+业务、 品牌,数字化") == ["数字化", "党建+业务", "品牌"]
    assert rules.stored_tags(["a", "b"]) == ",a,b,"
    assert rules.stored_tags([]) == ""


@pytest.mark.parametrize(
    ("_case", "scores", "expected"),
    [
        ("no_sheet_case", [], None),
        ("one_judge_case", ["33"], D("33.00")),
        ("equal_extremes_drop_one_each_case", ["10", "10", "40"], D("10.00")),
        ("four_judges_keep_the_middle_two_case", ["10", "20", "25", "40"], D("22.50")),
        ("half_a_cent_rounds_up_case", ["0", "10", "10.01", "99"], D("10.01")),
    ],
)
def test_trimmed_mean_at_its_boundaries(_case, scores, expected):
    assert levels.aggregate([D(s) for s in scores], levels.TRIMMED_MEAN) == expected
