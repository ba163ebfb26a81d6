"""The engine's rules as one SQL SELECT, for evaluating a whole year's subjects in the database.

`rules.evaluate` is the definition; this module states the same arithmetic as set operations so a
recompute of a city's or province's year does not ship every subject's sums through Python
(bench/ANALYSIS.md). Property tests check that both give the same result for random schemes and
events (tests/scoring/test_sql.py). Only one year at a time: months are 1–12 of that year.

Steps, as in `rules`: per indicator and month the signed sum (entered scores times weight), capped
by the month cap; the capped months summed per quarter and capped by the quarter cap; the quarters
summed and capped by the year cap, then bounded by the indicator's floor and ceiling (a veto
indicator counts 0 but vetoes when it has an event); per dimension its base plus its indicators,
floored at the scheme's floor; the total is the sum of dimensions bounded by the scheme's floor and
ceiling, or the floor (0 when none) when vetoed, with every grade C.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ronghe.core import dbfeatures
from ronghe.core.scoring.rules import IndicatorRule, Kind, SchemeRules

# SQLite sums DECIMAL columns as binary floats: round every step back to a decimal so 0.7 + 0.1
# still reaches a threshold of 0.8. Points and weights have two decimals, products four.
SQLITE_PLACES = 6


def _lit(value: Decimal | None) -> str:
    """A rule's number as an SQL literal: a finite Decimal printed plainly cannot carry SQL."""
    if value is None:
        return "NULL"
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"不是有效的分值：{value}")
    return f"CAST({format(number, 'f')} AS NUMERIC)"


class _Sql:
    """Expression helpers for one database: rounding on SQLite, two-argument min/max."""

    def __init__(self, vendor: str) -> None:
        self.sqlite = vendor == "sqlite"
        self.least, self.greatest = ("MIN", "MAX") if self.sqlite else ("LEAST", "GREATEST")

    def r(self, expr: str) -> str:
        return f"ROUND({expr}, {SQLITE_PLACES})" if self.sqlite else expr

    def bound(self, expr: str, low: Decimal | None, high: Decimal | None) -> str:
        """`rules.clamp`: the ceiling first, then the floor; a missing bound does not bound."""
        if high is not None:
            expr = f"{self.least}({expr}, {_lit(high)})"
        if low is not None:
            expr = f"{self.greatest}({expr}, {_lit(low)})"
        return expr

    def cap(self, expr: str, cap: Decimal | None) -> str:
        """`rules.apply_cap`: a cap bounds the magnitude of a period's sum."""
        return expr if cap is None else self.bound(expr, -Decimal(cap), Decimal(cap))


def _counted(rule: IndicatorRule, sql: _Sql) -> str:
    """One indicator's counted points from its twelve month sums m1..m12 (`capped_indicator_total`)."""
    if rule.kind == Kind.VETO:
        return "0"
    weight = f" * {_lit(rule.weight)}" if rule.kind == Kind.ENTERED else ""
    months = [sql.cap(sql.r(f"pv.m{m}{weight}"), rule.cap_month) for m in range(1, 13)]
    quarters = [sql.cap(sql.r(" + ".join(months[q * 3 : q * 3 + 3])), rule.cap_quarter) for q in range(4)]
    year = sql.cap(sql.r(" + ".join(quarters)), rule.cap_year)
    return sql.bound(year, rule.floor, rule.ceiling)


def evaluation_select(
    rules: SchemeRules,
    *,
    subjects: tuple[str, Sequence[Any]],
    sums: tuple[str, Sequence[Any]],
    vendor: str,
) -> tuple[str, list[Any]]:
    """One SELECT giving, per subject and dimension: subject_id, dimension, position, score, grade,
    total (the subject's, repeated) and vetoed (0/1).

    `subjects` is a SELECT of one column (the subject ids: every subject gets a row per dimension,
    events or not); `sums` a SELECT of (subject id, indicator code, month, signed sum, event count)
    for the year: grouped by its first three columns or not (one row per event, count 1; rows of
    one subject, code and month are added). Both are (sql, params) with %s placeholders,
    as Django's `sql_with_params` gives. Indicator codes not in the rules are ignored, as
    `rules.evaluate` reports but does not count them.
    """
    if not rules.dimensions:
        raise ValueError("方案没有维度")
    sql = _Sql(vendor)
    params: list[Any] = []
    text = "CAST(%s AS VARCHAR(30))"
    dim_rows = []
    for pos, dim in enumerate(rules.dimensions):
        numbers = (dim.base, dim.threshold_a, dim.threshold_b)
        dim_rows.append(f"({text}, {pos}, " + ", ".join(_lit(v) for v in numbers) + ")")
        params.append(dim.code)
    subjects_sql, subjects_params = subjects
    sums_sql, sums_params = sums
    params += [*subjects_params, *sums_params]
    # Per indicator, as CASE branches on its code with its numbers inlined: no rule table to join,
    # and each month's sum is read once.
    dim_case, veto_case, counted_case = ["CASE pv.code"], ["CASE pv.code"], ["CASE pv.code"]
    dim_params: list[Any] = []
    veto_params: list[Any] = []
    counted_params: list[Any] = []
    for rule in rules.indicators:
        dim_case.append(f"WHEN {text} THEN {text}")
        dim_params += [rule.code, rule.dimension]
        if rule.kind == Kind.VETO:
            veto_case.append(f"WHEN {text} THEN pv.n")
            veto_params.append(rule.code)
        counted_case.append(f"WHEN {text} THEN {_counted(rule, sql)}")
        counted_params.append(rule.code)
    dim_sql = " ".join(dim_case) + " END" if len(dim_case) > 1 else "NULL"
    veto_sql = " ".join(veto_case) + " ELSE 0 END" if len(veto_case) > 1 else "0"
    counted_sql = " ".join(counted_case) + " ELSE 0 END" if len(counted_case) > 1 else "0"
    known = ", ".join([text] * len(rules.indicators)) or "NULL"
    params += counted_params + dim_params + veto_params + [i.code for i in rules.indicators]
    # FILTER adds each row's points to its own month only (CASE … ELSE 0 added twelve numbers a row).
    # Without FILTER (a switchable fast path, core.dbfeatures), the portable CASE form.
    if dbfeatures.filter_clause(vendor):
        pivot = ", ".join(
            f"COALESCE(SUM(sm.total) FILTER (WHERE sm.month = {m}), 0) AS m{m}" for m in range(1, 13)
        )
    else:
        pivot = ", ".join(
            f"SUM(CASE WHEN sm.month = {m} THEN sm.total ELSE 0 END) AS m{m}" for m in range(1, 13)
        )
    floor, ceiling = rules.floor, rules.ceiling
    veto_total = _lit(floor if floor is not None else Decimal("0"))
    query = f"""
WITH dm (dim, pos, base, ta, tb) AS (VALUES {", ".join(dim_rows)}),
sb (subject_id) AS ({subjects_sql}),
sm (subject_id, code, month, total, n) AS ({sums_sql}),
pv AS (SELECT sm.subject_id, sm.code, {pivot}, SUM(sm.n) AS n FROM sm GROUP BY sm.subject_id, sm.code),
ind AS (
    SELECT pv.subject_id, {counted_sql} AS counted, {dim_sql} AS dim, {veto_sql} AS vetoes
    FROM pv WHERE pv.code IN ({known})
),
id AS (
    SELECT ind.subject_id, ind.dim, {sql.r("SUM(ind.counted)")} AS counted, SUM(ind.vetoes) AS vetoes
    FROM ind GROUP BY ind.subject_id, ind.dim
),
vt AS (SELECT DISTINCT id.subject_id FROM id WHERE id.vetoes > 0),
ds AS (
    SELECT sb.subject_id, dm.dim, dm.pos, dm.ta, dm.tb,
           {sql.bound(sql.r("dm.base + COALESCE(id.counted, 0)"), floor, None)} AS score
    FROM sb CROSS JOIN dm
    LEFT JOIN id ON id.subject_id = sb.subject_id AND id.dim = dm.dim
),
sc AS (
    SELECT ds.*, CASE WHEN vt.subject_id IS NULL THEN 0 ELSE 1 END AS vetoed,
           {sql.r("SUM(ds.score) OVER (PARTITION BY ds.subject_id)")} AS summed
    FROM ds LEFT JOIN vt ON vt.subject_id = ds.subject_id
)
SELECT sc.subject_id, sc.dim AS dimension, sc.pos AS position, sc.score,
       CASE WHEN sc.vetoed = 1 THEN 'C' WHEN sc.score >= sc.ta THEN 'A'
            WHEN sc.score >= sc.tb THEN 'B' ELSE 'C' END AS grade,
       CASE WHEN sc.vetoed = 1 THEN {veto_total} ELSE {sql.bound("sc.summed", floor, ceiling)} END AS total,
       sc.vetoed
FROM sc"""
    return query, params
