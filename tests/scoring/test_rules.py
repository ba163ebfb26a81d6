"""The engine's arithmetic: caps per period, order independence, reproduction from a snapshot."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ronghe.core.scoring import rules
from ronghe.core.scoring.rules import DimensionRule, Event, IndicatorRule, SchemeRules


def scheme(*indicators: IndicatorRule, floor=D("0"), ceiling=None) -> SchemeRules:
    return SchemeRules(
        version=1,
        floor=floor,
        ceiling=ceiling,
        dimensions=(
            DimensionRule("d1", "维度一", D("10"), D("15"), D("12")),
            DimensionRule("d2", "维度二", D("10"), D("15"), D("12")),
        ),
        indicators=indicators,
    )


def ev(code, y, m, d, points, ref=""):
    return Event(code, date(y, m, d), D(points), ref)


@pytest.mark.parametrize(
    ("_case", "n_events", "expected"),
    [
        ("below_cap", 3, D("6")),
        ("exactly_at_cap", 4, D("8")),
        ("one_over_cap", 5, D("8")),
    ],
)
def test_year_cap_boundaries(_case, n_events, expected):
    # given an indicator worth 2 per event, capped at 8 a year
    r = scheme(IndicatorRule("x", "X", "d1", points=D("2"), cap_year=D("8")))
    events = [ev("x", 2026, m, 1, "2") for m in range(1, n_events + 1)]
    # when / then
    result = rules.evaluate(r, events)
    assert result.indicators[0].counted == expected
    assert result.dimensions["d1"] == D("10") + expected


@pytest.mark.parametrize(
    ("_case", "n_in_month", "expected"),
    [("at_month_cap", 2, D("4")), ("one_over_month_cap", 3, D("4")), ("below", 1, D("2"))],
)
def test_month_cap_boundaries(_case, n_in_month, expected):
    r = scheme(IndicatorRule("x", "X", "d1", points=D("2"), cap_month=D("4")))
    events = [ev("x", 2026, 3, day, "2") for day in range(1, n_in_month + 1)]
    assert rules.evaluate(r, events).indicators[0].counted == expected


@pytest.mark.parametrize(
    ("_case", "months", "expected"),
    [
        ("at_quarter_cap", (1, 2, 3), D("3")),
        ("over_quarter_cap", (1, 2, 3, 3), D("3")),
        ("two_quarters", (1, 4), D("2")),
    ],
)
def test_quarter_cap_boundaries(_case, months, expected):
    r = scheme(IndicatorRule("x", "X", "d1", points=D("1"), cap_quarter=D("3")))
    events = [ev("x", 2026, m, i + 1, "1") for i, m in enumerate(months)]
    assert rules.evaluate(r, events).indicators[0].counted == expected


def test_deduction_cap_bounds_the_magnitude_and_floor_holds():
    # given a −5 deduction capped at 10 a year, and a dimension base of 10
    r = scheme(IndicatorRule("minus", "扣分", "d1", points=D("-5"), cap_year=D("10")))
    events = [ev("minus", 2026, m, 1, "-5") for m in (1, 2, 3)]
    result = rules.evaluate(r, events)
    # then only −10 counts, and the dimension stays at the floor 0
    assert result.indicators[0].counted == D("-10")
    assert result.dimensions["d1"] == D("0")
    assert result.total == D("10")


def test_veto_sets_floor_and_grades_c():
    r = scheme(
        IndicatorRule("plus", "加分", "d1", points=D("5")),
        IndicatorRule("veto", "处分", "d2", kind=rules.Kind.VETO),
    )
    result = rules.evaluate(r, [ev("plus", 2026, 1, 1, "5"), ev("veto", 2026, 2, 1, "0")])
    assert result.vetoed is True
    assert result.total == D("0")
    assert set(result.grades.values()) == {"C"}


def test_grade_thresholds_include_the_boundary():
    dim = DimensionRule("d", "D", D("0"), D("15"), D("12"))
    assert rules.grade_for(D("15"), dim) == "A"
    assert rules.grade_for(D("14.99"), dim) == "B"
    assert rules.grade_for(D("12"), dim) == "B"
    assert rules.grade_for(D("11.99"), dim) == "C"


def test_shortfalls_say_what_is_missing_for_the_next_grade():
    r = scheme(IndicatorRule("x", "X", "d1", points=D("1")))
    result = rules.evaluate(r, [ev("x", 2026, 1, 1, "3")])  # d1 = 13 (B), d2 = 10 (C)
    missing = {s.dimension: (s.next_grade, s.needed) for s in rules.shortfalls(r, result)}
    assert missing == {"d1": ("A", D("2")), "d2": ("B", D("2"))}


def test_competition_ranks_share_and_skip():
    assert rules.competition_ranks([D("9"), D("9"), D("7"), D("7"), D("7"), D("1")]) == [1, 1, 3, 3, 3, 6]
    assert rules.competition_ranks([]) == []


def test_unknown_indicator_is_reported_not_counted():
    r = scheme(IndicatorRule("x", "X", "d1", points=D("1")))
    result = rules.evaluate(r, [ev("nope", 2026, 1, 1, "3")])
    assert result.unknown == ("nope",)
    assert result.total == D("20")


# ----------------------------------------------------------------- properties

caps = st.one_of(st.none(), st.decimals(min_value=0, max_value=50, places=1, allow_nan=False))
indicator_rules = st.builds(
    IndicatorRule,
    code=st.sampled_from(["a", "b", "c"]),
    name=st.just("指标"),
    dimension=st.sampled_from(["d1", "d2"]),
    points=st.decimals(min_value=-5, max_value=5, places=2, allow_nan=False),
    cap_month=caps,
    cap_quarter=caps,
    cap_year=caps,
)
events_strategy = st.lists(
    st.builds(
        Event,
        indicator=st.sampled_from(["a", "b", "c"]),
        on=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
        points=st.decimals(min_value=-10, max_value=10, places=2, allow_nan=False),
        ref=st.text(alphabet="0123456789", max_size=3),
    ),
    max_size=40,
)


def _unique(inds):
    seen = {}
    for i in inds:
        seen.setdefault(i.code, i)
    return tuple(seen.values())


@settings(max_examples=150, deadline=None)
@given(inds=st.lists(indicator_rules, min_size=1, max_size=3), events=events_strategy, data=st.data())
def test_caps_are_never_exceeded_and_order_does_not_matter(inds, events, data):
    r = scheme(*_unique(inds))
    result = rules.evaluate(r, events)
    shuffled = data.draw(st.permutations(events))
    assert rules.evaluate(r, shuffled) == result
    for res in result.indicators:
        rule = r.indicator(res.code)
        if rule.cap_year is not None:
            assert abs(res.counted) <= rule.cap_year
        for cap_name in ("cap_month", "cap_quarter"):
            cap = getattr(rule, cap_name)
            if cap is not None:
                periods = 12 if cap_name == "cap_month" else 4
                assert abs(res.counted) <= cap * periods
    assert result.total >= D("0")


@settings(max_examples=100, deadline=None)
@given(inds=st.lists(indicator_rules, min_size=1, max_size=3), events=events_strategy)
def test_a_snapshot_reproduces_the_result_exactly(inds, events):
    r = scheme(*_unique(inds))
    stored = rules.evaluate(r, events).to_dict()
    snapshot = r.to_snapshot()
    again = rules.evaluate(SchemeRules.from_snapshot(snapshot), events)
    assert again.to_dict() == stored
    assert SchemeRules.from_snapshot(snapshot) == r


@settings(max_examples=100, deadline=None)
@given(inds=st.lists(indicator_rules, min_size=1, max_size=3), events=events_strategy)
def test_aggregated_sums_give_the_same_result_as_events(inds, events):
    r = scheme(*_unique(inds))
    sums: dict = {}
    for e in events:
        key = (e.indicator, e.on.year, e.on.month)
        total, n = sums.get(key, (D("0"), 0))
        sums[key] = (total + e.points, n + 1)
    rows = [(k[0], k[1], k[2], v[0], v[1]) for k, v in sums.items()]
    by_events = rules.evaluate(r, events)
    by_sums = rules.evaluate_sums(r, rows)
    assert by_sums.total == by_events.total
    assert by_sums.dimensions == by_events.dimensions
    assert by_sums.grades == by_events.grades
