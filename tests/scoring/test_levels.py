"""Levels, named stars, caps and vetoes, quotas and judges' aggregation (core/scoring/levels.py)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ronghe.core.scoring import levels
from ronghe.core.scoring.levels import Candidate, Cap, Condition, Level, LevelRules, Quota, Star
from ronghe.core.scoring.rules import DimensionRule, IndicatorRule, Kind, SchemeRules

FIVE = tuple(
    Level(rank, levels.star_label(rank), D(low)) for rank, low in ((5, 90), (4, 80), (3, 70), (2, 60), (1, 0))
)


def branch_scheme(**kw) -> SchemeRules:
    """邹城-like: an assessment (70%) and satisfaction (30%), plus an innovation flag and a veto."""
    return SchemeRules(
        version=1,
        floor=D("0"),
        ceiling=kw.get("ceiling"),
        dimensions=(
            DimensionRule("work", "工作考核", weight=D("0.7")),
            DimensionRule("mass", "群众评价", weight=D("0.3")),
        ),
        indicators=(
            IndicatorRule("team", "班子建设", "work", kind=Kind.ENTERED, floor=D("0"), ceiling=D("50")),
            IndicatorRule("life", "组织生活", "work", kind=Kind.DERIVED, weight=D("0.5"), ceiling=D("100")),
            IndicatorRule("satisfaction", "群众满意度", "mass", kind=Kind.ENTERED, ceiling=D("100")),
            IndicatorRule(
                "innovation", "党建创新项目", "work", kind=Kind.ENTERED, weight=D("0"), ceiling=D("1")
            ),
            IndicatorRule("case", "违纪案件", "work", kind=Kind.VETO),
        ),
    )


def level(values, rules_kw=None, **level_kw):
    scheme = branch_scheme(**(rules_kw or {}))
    lr = LevelRules(levels=FIVE, **level_kw)
    ev = levels.evaluate_values(scheme, {k: D(str(v)) for k, v in values.items()})
    return ev, levels.level_for(scheme, lr, ev)


def test_weighted_total_from_dimension_weights():
    # 0.7 × (40 + 0.5 × 90) + 0.3 × 80 = 0.7 × 85 + 24 = 83.5
    ev, out = level({"team": 40, "life": 90, "satisfaction": 80})
    assert ev.total == D("83.50")
    assert ev.dimensions == {"work": D("85.0"), "mass": D("80")}
    assert out.rank == 4 and out.label == "四星"


@pytest.mark.parametrize(("score", "rank"), [("89.99", 4), ("90", 5), ("79.99", 3), ("80", 4), ("0", 1)])
def test_threshold_is_inclusive(score, rank):
    scheme = SchemeRules(
        version=1,
        dimensions=(DimensionRule("d", "综合"),),
        indicators=(IndicatorRule("x", "综合得分", "d", kind=Kind.ENTERED, ceiling=D("100")),),
    )
    ev = levels.evaluate_values(scheme, {"x": D(score)})
    assert levels.level_for(scheme, LevelRules(levels=FIVE), ev).rank == rank


def test_missing_value_counts_nothing_and_meets_no_condition():
    ev, out = level({"team": 50})
    assert ev.total == D("35.00")
    assert [i.events for i in ev.indicators] == [1, 0, 0, 0, 0]
    assert levels.condition_values(ev)["satisfaction"] is None


INNOVATION_CAP = Cap("无党建创新项目", (Condition("innovation", "<", D("1")),), max_rank=4)
SATISFACTION_CAP = Cap("群众满意度低于 60%", (Condition("satisfaction", "<", D("60")),), max_rank=2)


@pytest.mark.parametrize(("innovation", "rank"), [(0, 4), (1, 5)])
def test_five_stars_need_an_innovation_project(innovation, rank):
    _, out = level(
        {"team": 50, "life": 100, "satisfaction": 100, "innovation": innovation}, caps=(INNOVATION_CAP,)
    )
    assert out.score_rank == 5
    assert out.rank == rank
    assert bool(out.capped_by) == (rank == 4)


@pytest.mark.parametrize(("satisfaction", "rank"), [("59.99", 2), ("60", 4)])
def test_satisfaction_below_sixty_caps_at_two_stars(satisfaction, rank):
    _, out = level({"team": 50, "life": 100, "satisfaction": satisfaction}, caps=(SATISFACTION_CAP,))
    assert out.rank == rank
    if rank == 2:
        assert out.capped_by == ("群众满意度低于 60%：最高二星",)


def test_a_cap_never_raises_the_level():
    _, out = level({"team": 10, "satisfaction": 10}, caps=(SATISFACTION_CAP,))
    assert out.score_rank == 1 and out.rank == 1 and out.capped_by == ()


def test_veto_caps_the_level_but_keeps_the_breakdown():
    ev, out = level({"team": 50, "life": 100, "satisfaction": 100, "case": 1}, veto_max_rank=1)
    assert ev.vetoed and ev.total == D("100.00")
    assert out.score_rank == 5 and out.rank == 1
    assert out.capped_by == ("一票否决（违纪案件）：最高一星",)


def test_veto_may_exclude_the_subject_from_this_year():
    _, out = level({"team": 50, "case": 2}, veto_max_rank=None)
    assert out.rank is None and out.label == "不参加评定"


def test_veto_value_zero_is_no_veto():
    ev, out = level({"team": 50, "life": 100, "satisfaction": 100, "case": 0}, veto_max_rank=1)
    assert not ev.vetoed and out.rank == 5


def test_named_stars_each_with_its_criteria():
    scheme = branch_scheme()
    stars = (
        Star("political", "政治坚定星", (Condition("team", ">=", D("40")),)),
        Star("style", "作风优良星", (Condition("satisfaction", ">=", D("90")),)),
        Star("brand", "品牌示范星", (Condition("innovation", ">=", D("1")),)),
    )
    lr = LevelRules(model=levels.STARS, stars=stars)
    ev = levels.evaluate_values(scheme, {"team": D("40"), "satisfaction": D("89.5")})
    out = levels.level_for(scheme, lr, ev)
    assert out.rank == 1 and out.star_names == ["政治坚定星"]
    style = out.stars[1]
    assert not style.awarded and style.unmet == ("群众满意度 ≥ 90",)
    assert out.stars[2].unmet == ("党建创新项目 ≥ 1",)  # no record is not evidence


def test_value_problems_name_the_indicator_and_its_range():
    problems = levels.value_problems(
        branch_scheme(), {"team": D("50.01"), "satisfaction": D("-1"), "life": D("100")}
    )
    assert problems == {
        "team": "“班子建设”的分值应在 0–50 之间",
        "satisfaction": "“群众满意度”的分值应在 0–100 之间",
    }


# ---------------------------------------------------------------- quotas


def cands(*totals, rank=5):
    return [Candidate(f"b{i:02d}", rank, D(str(t))) for i, t in enumerate(totals)]


@pytest.mark.parametrize(("rated", "allowed"), [(9, 0), (10, 1), (19, 1), (20, 2)])
def test_quota_rounds_down(rated, allowed):
    assert Quota(5, D("10")).allowed(rated) == allowed


def test_quota_keeps_the_best_and_pushes_the_rest_one_level_down():
    lr = LevelRules(levels=FIVE, quotas=(Quota(5, D("20")),))
    others = [
        Candidate("x1", 4, D("85")),
        Candidate("x2", 3, D("75")),
        Candidate("x3", 3, D("72")),
        Candidate("x4", 2, D("65")),
        Candidate("x5", None, D("99")),
    ]
    out = levels.apply_quotas(lr, cands(95, 99, 91, 93, 90) + others)
    # 9 rated → 20% → 1 place at 5★: b01 (99) keeps it
    assert out.allowed == {5: 1}
    assert [k for k, r in out.ranks.items() if r == 5] == ["b01"]
    assert {p.key for p in out.pushed} == {"b00", "b02", "b03", "b04"}
    assert out.ranks["x5"] is None  # not rated: not counted, not moved
    pushed = {p.key: p for p in out.pushed}
    assert pushed["b00"].reason == "五星名额 1 个（20%，按 9 个参评计），按得分排第 2 位，调整为四星"


@pytest.mark.parametrize(
    ("rule", "expected_five"),
    [(levels.TIES_INCLUDE, {"b00", "b01", "b02"}), (levels.TIES_EXCLUDE, {"b00"})],
)
def test_tie_at_the_cut(rule, expected_five):
    # 10 rated, 20% → 2 places; b01 and b02 tie for the second place
    lr = LevelRules(levels=FIVE, quotas=(Quota(5, D("20")),), tie_rule=rule)
    subjects = cands(98, 92, 92, 91) + [Candidate(f"y{i}", 3, D("70")) for i in range(6)]
    out = levels.apply_quotas(lr, subjects)
    assert {k for k, r in out.ranks.items() if r == 5} == expected_five


def test_tie_breaker_indicator_decides_before_the_rule():
    lr = LevelRules(levels=FIVE, quotas=(Quota(5, D("10")),), tie_breakers=("satisfaction",))
    subjects = [Candidate("a", 5, D("92"), (D("80"),)), Candidate("b", 5, D("92"), (D("85"),))]
    subjects += [Candidate(f"y{i}", 3, D("70")) for i in range(8)]
    out = levels.apply_quotas(lr, subjects)
    assert out.ranks["b"] == 5 and out.ranks["a"] == 4


def test_pushed_subjects_meet_the_next_quota():
    lr = LevelRules(levels=FIVE, quotas=(Quota(5, D("10")), Quota(4, D("10"))))
    out = levels.apply_quotas(lr, cands(99, 98, 97) + [Candidate(f"y{i}", 3, D("70")) for i in range(7)])
    assert out.ranks["b00"] == 5 and out.ranks["b01"] == 4 and out.ranks["b02"] == 3
    assert [(p.key, p.from_rank, p.to_rank) for p in out.pushed] == [
        ("b01", 5, 4),
        ("b02", 5, 4),
        ("b02", 4, 3),
    ]


ranks_st = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
subjects_st = st.lists(st.tuples(ranks_st, st.integers(min_value=0, max_value=20)), min_size=0, max_size=40)


@settings(max_examples=200, deadline=None)
@given(
    subjects=subjects_st,
    pct=st.integers(min_value=0, max_value=100),
    rule=st.sampled_from([levels.TIES_INCLUDE, levels.TIES_EXCLUDE]),
    seed=st.randoms(),
)
def test_quota_properties(subjects, pct, rule, seed):
    lr = LevelRules(levels=FIVE, quotas=(Quota(5, D(pct)), Quota(4, D(pct))), tie_rule=rule)
    items = [Candidate(f"s{i}", r, D(t)) for i, (r, t) in enumerate(subjects)]
    out = levels.apply_quotas(lr, items)
    rated = sum(1 for c in items if c.rank is not None)
    # no one moves up, unrated stay unrated
    for c in items:
        assert (out.ranks[c.key] is None) == (c.rank is None)
        if c.rank is not None:
            assert out.ranks[c.key] <= c.rank
    # under "exclude" a quota is never exceeded
    allowed5 = Quota(5, D(pct)).allowed(rated)
    at5 = [c for c in items if out.ranks[c.key] == 5]
    if rule == levels.TIES_EXCLUDE:
        assert len(at5) <= allowed5
    # whoever kept 5★ scored at least as much as anyone who applied for it and lost it
    lost = [c for c in items if c.rank == 5 and out.ranks[c.key] != 5]
    if at5 and lost:
        assert min(c.total for c in at5) >= max(c.total for c in lost)
    # input order does not matter
    shuffled = list(items)
    seed.shuffle(shuffled)
    assert levels.apply_quotas(lr, shuffled).ranks == out.ranks


@settings(max_examples=200, deadline=None)
@given(
    team=st.decimals(min_value=0, max_value=50, places=2),
    sat=st.decimals(min_value=0, max_value=100, places=2),
    bump=st.decimals(min_value=0, max_value=10, places=2),
)
def test_level_is_monotonic_in_the_scores(team, sat, bump):
    scheme = branch_scheme()
    lr = LevelRules(levels=FIVE, caps=(SATISFACTION_CAP,))
    low = levels.level_for(scheme, lr, levels.evaluate_values(scheme, {"team": team, "satisfaction": sat}))
    higher = {"team": min(team + bump, D("50")), "satisfaction": min(sat + bump, D("100"))}
    high = levels.level_for(scheme, lr, levels.evaluate_values(scheme, higher))
    assert high.rank >= low.rank


# ---------------------------------------------------------------- judges


@pytest.mark.parametrize(
    ("scores", "method", "expected"),
    [
        ([], levels.MEAN, None),
        (["80"], levels.TRIMMED_MEAN, D("80.00")),
        (["80", "90"], levels.TRIMMED_MEAN, D("85.00")),  # fewer than three: plain mean
        (["60", "80", "100"], levels.TRIMMED_MEAN, D("80.00")),
        (["60", "80", "81", "100"], levels.TRIMMED_MEAN, D("80.50")),
        (["60", "80", "81", "100"], levels.MEAN, D("80.25")),
        (["1", "1", "2"], levels.MEAN, D("1.33")),
        (["0.005", "0"], levels.MEAN, D("0.00")),
        (["0.01", "0"], levels.MEAN, D("0.01")),  # 0.005 rounds half up
    ],
)
def test_aggregate(scores, method, expected):
    assert levels.aggregate([D(s) for s in scores], method) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=12), st.randoms())
def test_aggregate_lies_between_the_extremes_and_ignores_order(scores, rnd):
    for method in (levels.MEAN, levels.TRIMMED_MEAN):
        value = levels.aggregate(scores, method)
        assert min(scores) <= value <= max(scores)
        shuffled = list(scores)
        rnd.shuffle(shuffled)
        assert levels.aggregate(shuffled, method) == value


def test_level_rules_round_trip_through_the_snapshot():
    lr = LevelRules(
        model=levels.STARS,
        levels=FIVE,
        stars=(Star("s", "支部过硬星", (Condition("total", ">=", D("60")),)),),
        caps=(INNOVATION_CAP,),
        veto_max_rank=None,
        quotas=(Quota(5, D("10")),),
        tie_rule=levels.TIES_INCLUDE,
        tie_breakers=("team",),
        aggregation=levels.TRIMMED_MEAN,
    )
    assert LevelRules.from_dict(lr.to_dict()) == lr


def test_changes_lists_who_moves():
    assert levels.changes({"a": 5, "b": 4, "c": None}, {"a": 4, "b": 4, "c": 3}) == {
        "a": (5, 4),
        "c": (None, 3),
    }
