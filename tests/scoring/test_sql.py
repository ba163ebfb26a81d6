"""The SQL form of the engine gives exactly what `rules.evaluate` gives, on both databases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from ronghe.core.scoring import rules
from ronghe.core.scoring.rules import DimensionRule, Event, IndicatorRule, Kind, SchemeRules
from ronghe.core.scoring.sql import evaluation_select
from tests.scoring.test_rules import scheme

pytestmark = pytest.mark.django_db

TYPES = ("INTEGER", "VARCHAR(30)", "INTEGER", "NUMERIC", "INTEGER")


def _select_rows(rows: list[tuple], types: tuple[str, ...]) -> tuple[str, list]:
    one = "SELECT " + ", ".join(f"CAST(%s AS {t})" for t in types)
    if not rows:
        return one + " WHERE 1 = 0", [None] * len(types)
    return " UNION ALL ".join([one] * len(rows)), [v for row in rows for v in row]


def evaluate_in_db(r: SchemeRules, by_subject: dict[int, list[Event]], grouped: bool) -> dict[int, dict]:
    """The SELECT's result, given sums per subject, code and month (`grouped`) or one row per event
    (how the recompute passes the ledger)."""
    if grouped:
        sums: dict[tuple, tuple[D, int]] = {}
        for subject, events in by_subject.items():
            for e in events:
                key = (subject, e.indicator, e.on.month)
                total, n = sums.get(key, (D("0"), 0))
                sums[key] = (total + e.points, n + 1)
        rows = [(*k, str(v[0]), v[1]) for k, v in sums.items()]
    else:
        rows = [
            (s, e.indicator, e.on.month, str(e.points), 1) for s, events in by_subject.items() for e in events
        ]
    sums_sql = _select_rows(rows, TYPES)
    subjects_sql = _select_rows([(s,) for s in by_subject], ("INTEGER",))
    sql, params = evaluation_select(r, subjects=subjects_sql, sums=sums_sql, vendor=connection.vendor)
    out: dict[int, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for subject, dim, _pos, score, grade, total, vetoed in cursor.fetchall():
            got = out.setdefault(subject, {"dims": {}, "grades": {}})
            got["dims"][dim] = D(str(score)).quantize(D("0.0001"))
            got["grades"][dim] = grade
            got["total"] = D(str(total)).quantize(D("0.0001"))
            got["vetoed"] = bool(vetoed)
    return out


def assert_same(r: SchemeRules, by_subject: dict[int, list[Event]]) -> None:
    for grouped in (True, False):
        _assert_same(r, by_subject, grouped)


def _assert_same(r: SchemeRules, by_subject: dict[int, list[Event]], grouped: bool) -> None:
    got = evaluate_in_db(r, by_subject, grouped)
    assert set(got) == set(by_subject)
    for subject, events in by_subject.items():
        want = rules.evaluate(r, events)
        q = D("0.0001")
        assert got[subject]["dims"] == {k: v.quantize(q) for k, v in want.dimensions.items()}, subject
        assert got[subject]["grades"] == want.grades, subject
        assert got[subject]["total"] == want.total.quantize(q), subject
        assert got[subject]["vetoed"] == want.vetoed, subject


def ev(code, m, d, points):
    return Event(code, date(2026, m, d), D(points))


def test_caps_per_month_quarter_and_year_at_their_boundaries():
    r = scheme(
        IndicatorRule(
            "a", "学习", "d1", points=D("2"), cap_month=D("4"), cap_quarter=D("6"), cap_year=D("10")
        ),
        IndicatorRule("b", "扣分", "d2", points=D("-3"), cap_month=D("3")),
    )
    assert_same(
        r,
        {
            1: [ev("a", 1, 5, "2"), ev("a", 1, 9, "2")],  # exactly the month cap
            2: [ev("a", 1, 5, "2")] * 3,  # one over the month cap
            3: [ev("a", m, 3, "2") for m in (1, 1, 2, 2, 3, 3)],  # quarter cap
            4: [ev("a", m, 3, "2") for m in range(1, 13) for _ in range(2)],  # year cap
            5: [ev("b", 4, 1, "-3")] * 2,  # a deduction bounded by −cap
            6: [],  # no events: the bases only
            # months on either side of each quarter boundary fall in different quarters
            7: [ev("a", m, d, "2") for m, d in ((3, 31), (3, 30), (4, 1), (4, 2))],
            8: [ev("a", m, d, "2") for m, d in ((6, 30), (6, 29), (7, 1), (7, 2))],
            9: [ev("a", m, d, "2") for m, d in ((9, 30), (9, 29), (10, 1), (10, 2))],
        },
    )


def test_weights_veto_floor_ceiling_and_unknown_codes():
    r = scheme(
        IndicatorRule("a", "评分", "d1", kind=Kind.ENTERED, weight=D("0.35"), floor=D("-1"), ceiling=D("3")),
        IndicatorRule("v", "否决", "d2", kind=Kind.VETO, points=D("0")),
        IndicatorRule("x", "重扣", "d2", points=D("-20")),
        floor=D("0"),
        ceiling=D("24"),
    )
    assert_same(
        r,
        {
            1: [ev("a", 2, 1, "7.33"), ev("a", 5, 1, "1.01")],  # weighted, then the ceiling
            2: [ev("v", 3, 1, "0"), ev("a", 2, 1, "2")],  # vetoed: the floor, all C
            3: [ev("x", 3, 1, "-20")],  # a dimension below the scheme floor is floored
            4: [ev("zz", 3, 1, "5")],  # an unknown code does not count
            5: [ev("a", 6, 1, "100")],  # the total ceiling
        },
    )


def test_sums_of_tenths_reach_a_threshold_exactly():
    # binary floats give 0.7 + 0.1 < 0.8; the SQL rounds each step back to decimals
    r = SchemeRules(
        version=1,
        floor=D("0"),
        ceiling=None,
        dimensions=(DimensionRule("d1", "维度一", D("0"), D("0.8"), D("0.4")),),
        indicators=(IndicatorRule("a", "小分", "d1", points=D("0.1")),),
    )
    assert_same(r, {1: [ev("a", 1, 1, "0.7"), ev("a", 2, 1, "0.1")], 2: [ev("a", 1, 1, "0.1")] * 8})


caps = st.one_of(st.none(), st.decimals(min_value=0, max_value=20, places=2, allow_nan=False))
indicator_rules = st.builds(
    IndicatorRule,
    code=st.sampled_from(["a", "b", "c", "v"]),
    name=st.just("指标"),
    dimension=st.sampled_from(["d1", "d2", "d9"]),
    kind=st.sampled_from([Kind.DERIVED, Kind.ENTERED, Kind.VETO]),
    points=st.decimals(min_value=-5, max_value=5, places=2, allow_nan=False),
    weight=st.decimals(min_value=0, max_value=3, places=2, allow_nan=False),
    cap_month=caps,
    cap_quarter=caps,
    cap_year=caps,
    floor=st.one_of(st.none(), st.decimals(min_value=-10, max_value=0, places=2, allow_nan=False)),
    ceiling=st.one_of(st.none(), st.decimals(min_value=0, max_value=30, places=2, allow_nan=False)),
)
events = st.lists(
    st.builds(
        Event,
        indicator=st.sampled_from(["a", "b", "c", "v", "zz"]),
        on=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
        points=st.decimals(min_value=-10, max_value=10, places=2, allow_nan=False),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(
    inds=st.lists(indicator_rules, min_size=0, max_size=4),
    by_subject=st.dictionaries(st.integers(1, 50), events, min_size=1, max_size=4),
    floor=st.one_of(st.none(), st.decimals(min_value=0, max_value=15, places=2, allow_nan=False)),
    ceiling=st.one_of(st.none(), st.decimals(min_value=15, max_value=40, places=2, allow_nan=False)),
)
def test_sql_agrees_with_the_engine(inds, by_subject, floor, ceiling):
    unique = {}
    for i in inds:
        unique.setdefault(i.code, i)
    assert_same(scheme(*unique.values(), floor=floor, ceiling=ceiling), by_subject)
