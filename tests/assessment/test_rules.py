"""The rules of 融合考核 at their boundaries: KPI completion, the business score, the 述职 grade from
votes, the 党建 weight, the linking rules through the one scoring engine, the quadrant."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ronghe.assessment import defaults, rules
from ronghe.assessment.choices import Quadrant
from ronghe.core.scoring import levels
from ronghe.core.scoring.rules import DimensionRule, IndicatorRule, Kind, SchemeRules


@pytest.mark.parametrize(
    ("direction", "target", "value", "expected"),
    [
        ("higher", D(200), D(200), D(100)),
        ("higher", D(200), D(150), D(75)),
        ("higher", D(200), D(300), D(100)),  # 超额 counts at most the cap
        ("higher", D(200), D(0), D(0)),
        ("higher", D(0), D(5), D(100)),
        ("lower", D(4), D(4), D(100)),  # at the target: met
        ("lower", D(4), D(3), D(100)),
        ("lower", D(4), D(8), D(50)),
        ("lower", D(0), D(0), D(100)),  # "no accident allowed", none happened
        ("lower", D(0), D(1), D(0)),
        ("higher", D(3), D(1), D("33.33")),  # half-up to 分
    ],
)
def test_kpi_achievement(direction, target, value, expected):
    assert rules.achievement(direction, target, value) == expected


def test_overachievement_counts_up_to_a_configured_cap():
    assert rules.achievement("higher", D(100), D(130), cap=D(120)) == D(120)
    assert rules.achievement("higher", D(100), D(110), cap=D(120)) == D(110)


def _line(code, weight, target, value, direction="higher"):
    return rules.KpiLine(code, code, D(weight), D(target), direction, "", None if value is None else D(value))


def test_business_score_is_the_weighted_mean_and_a_missing_result_counts_zero():
    score, lines = rules.business_score([_line("a", 3, 100, 100), _line("b", 1, 100, None)])
    assert score == D(75)
    assert [s.achievement for s in lines] == [D(100), D(0)]
    assert rules.business_score([])[0] is None


def test_debrief_grade_lines_are_inclusive():
    drules = rules.DebriefRules()
    # 9 好 + 1 较好 → (900 + 80) / 10 = 98 → 好
    assert rules.debrief_outcome({"good": 9, "fair_good": 1}, drules) == (D(98), 4)
    # exactly 90 → 好; one vote lower → 较好
    assert rules.debrief_outcome({"good": 1, "fair_good": 1}, drules) == (D(90), 4)
    assert rules.debrief_outcome({"good": 3, "fair_good": 4, "average": 1}, drules)[1] == 3  # 87.5
    assert rules.debrief_outcome({"average": 1, "poor": 1}, drules) == (D(30), 1)
    assert rules.debrief_outcome({}, drules) == (None, None)


@pytest.mark.parametrize(
    ("weight", "ok"),
    [(None, False), (D(0), False), (D("0.01"), True), (D(30), True), (D("99.99"), True), (D(100), False)],
)
def test_party_weight_is_required_and_strictly_between_0_and_100(weight, ok):
    assert (rules.party_weight_problem(weight) == "") is ok


def _scheme(party_weight: D) -> SchemeRules:
    share = party_weight / 100
    return SchemeRules(
        version=1,
        floor=D(0),
        ceiling=D(100),
        dimensions=(
            DimensionRule(rules.PARTY, "党建", D(0), D(0), D(0), share),
            DimensionRule(rules.BUSINESS, "业务", D(0), D(0), D(0), 1 - share),
        ),
        indicators=(
            IndicatorRule(
                code="p",
                name="党建",
                dimension=rules.PARTY,
                kind=Kind.DERIVED,
                points=D(0),
                weight=D(1),
                cap_month=None,
                cap_quarter=None,
                cap_year=None,
                floor=D(0),
                ceiling=D(100),
            ),
            IndicatorRule(
                code="veto",
                name="违纪违法案件",
                dimension=rules.PARTY,
                kind=Kind.VETO,
                points=D(0),
                weight=D(0),
                cap_month=None,
                cap_quarter=None,
                cap_year=None,
                floor=D(0),
                ceiling=D(1),
            ),
            IndicatorRule(
                code=rules.KPI_INDICATOR,
                name="业务",
                dimension=rules.BUSINESS,
                kind=Kind.DERIVED,
                points=D(0),
                weight=D(1),
                cap_month=None,
                cap_quarter=None,
                cap_year=None,
                floor=D(0),
                ceiling=None,
            ),
        ),
    )


def _grade(party, business, weight=D(30), arules=None, veto=None):
    arules = arules or rules.AssessmentRules()
    sr = _scheme(weight)
    labels = {lv.rank: lv.label for lv in defaults.UNIT_LEVELS}
    lr = levels.LevelRules(levels=defaults.UNIT_LEVELS, veto_max_rank=2, caps=rules.link_caps(arules, labels))
    ev = levels.evaluate_values(sr, {"p": D(party), rules.KPI_INDICATOR: D(business), "veto": veto})
    return ev.total, levels.level_for(sr, lr, ev)


def test_the_weight_splits_the_total():
    assert _grade(100, 80, D(30))[0] == D(86)
    assert _grade(100, 80, D("0.01"))[0] == D("80.00")  # 0.01 × 100 + 99.99 % × 80 = 80.002 → 80.00


def test_party_grade_one_ban_caps_the_unit_grade_at_the_line():
    # 党建 80 is 较好 (line inclusive): the unit may be 优秀
    total, outcome = _grade(80, 100, D(30))
    assert total == D(94) and outcome.label == "优秀" and not outcome.capped_by
    # 党建 79.99 is 一般: at most 良好, and the reason is shown
    total, outcome = _grade(D("79.99"), 100, D(30))
    assert total >= D(90) and outcome.label == "良好"
    assert outcome.capped_by == ("党建评价为一般或差的单位不得评为优秀：最高良好",)


def test_a_disabled_linking_rule_caps_nothing():
    arules = rules.AssessmentRules(links=(rules.LinkRule(rules.PARTY_GRADE_CAP, enabled=False),))
    assert _grade(D("79.99"), 100, D(30), arules)[1].label == "优秀"


def test_a_discipline_veto_caps_the_unit_at_average_without_zeroing_the_scores():
    total, outcome = _grade(100, 100, D(30), veto=D(1))
    assert total == D(100) and outcome.label == "一般"


def test_secretary_may_be_good_only_when_the_unit_is_excellent():
    labels = {4: "优秀", 3: "良好", 2: "一般", 1: "较差"}
    arules = rules.AssessmentRules()
    assert rules.secretary_rank(4, 4, arules, labels) == (4, "")
    rank, note = rules.secretary_rank(4, 3, arules, labels)
    assert rank == 3 and "不得评为好" in note and "定为较好" in note
    assert rules.secretary_rank(3, 1, arules, labels) == (3, "")  # 较好 is not affected
    assert rules.secretary_rank(None, 4, arules, labels) == (None, "")
    off = rules.AssessmentRules(links=())
    assert rules.secretary_rank(4, 1, off, labels) == (4, "")


@pytest.mark.parametrize(
    ("party", "business", "expected"),
    [
        (80, 80, Quadrant.BOTH_STRONG),  # on both lines: strong
        (D("79.99"), 80, Quadrant.PARTY_LAGGING),
        (80, D("79.99"), Quadrant.BUSINESS_LAGGING),
        (10, 10, Quadrant.BOTH_WEAK),
    ],
)
def test_quadrant_lines_count_as_strong(party, business, expected):
    assert rules.quadrant(D(party), D(business), D(80), D(80)) == expected


@pytest.mark.parametrize(
    ("period", "ok"),
    [
        ("2026", True),
        ("2026Q4", True),
        ("2026-12", True),
        ("2026Q5", False),
        ("2026-13", False),
        ("26", False),
    ],
)
def test_period_format(period, ok):
    assert (rules.period_problem(period) == "") is ok


def test_rules_round_trip_through_their_stored_form():
    arules = rules.AssessmentRules(
        kpi_cap=D(120), party_line=D(85), links=(rules.LinkRule(rules.PARTY_GRADE_CAP),)
    )
    assert rules.AssessmentRules.from_dict(arules.to_dict()) == arules


def test_missing_party_indicators_hand_their_weight_to_the_others():
    sr = _scheme(D(30))
    two = SchemeRules(
        version=1,
        floor=D(0),
        ceiling=D(100),
        dimensions=sr.dimensions,
        indicators=(
            sr.indicators[0],
            IndicatorRule(
                code="q",
                name="组织生活",
                dimension=rules.PARTY,
                kind=Kind.DERIVED,
                points=D(0),
                weight=D("0.5"),
                cap_month=None,
                cap_quarter=None,
                cap_year=None,
                floor=D(0),
                ceiling=D(100),
            ),
            *sr.indicators[1:],
        ),
    )
    two = SchemeRules(
        version=1,
        floor=D(0),
        ceiling=D(100),
        dimensions=sr.dimensions,
        indicators=tuple(
            i if i.code != "p" else IndicatorRule(**{**i.__dict__, "weight": D("0.5")})
            for i in two.indicators
        ),
    )
    values = {"p": D(80), "q": None, rules.KPI_INDICATOR: D(50)}
    adjusted, left_out = rules.without_missing(two, values)
    assert left_out == ["组织生活"]
    ev = levels.evaluate_values(adjusted, values)
    assert ev.dimensions[rules.PARTY] == D(80)  # p alone carries the whole 党建 weight
    assert rules.without_missing(two, {"p": D(80), "q": D(60)}) == (two, [])
    assert rules.without_missing(two, {})[1] == []  # nothing at all: unchanged (counts 0)
