"""The one evaluation engine, as pure arithmetic: a scheme's rules applied to events.

No ORM here. A scheme (方案) is a base score, a floor and ceiling, dimensions (维度) with grade
thresholds, and indicators (指标). Each indicator adds (or deducts) points per event or by weight,
with caps per month, quarter and year and its own floor/ceiling; a *veto* indicator (一票否决)
sets the result to the scheme's floor. Source: design.md §3 and domain-rules.md §7.3 (local
practice [C] — every number here is configurable data, the defaults live in the seed).

Order independence: every step sums Decimals per period before capping, so the result does not
depend on the order of events. Caps bound the sum of an indicator within one period, in either
direction (a deduction of −3 against a cap of 2 counts −2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

ZERO = Decimal("0")
GRADES = ("A", "B", "C")


class Kind:
    DERIVED = "derived"
    ENTERED = "entered"
    VETO = "veto"


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _str(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


@dataclass(frozen=True)
class IndicatorRule:
    code: str
    name: str
    dimension: str
    kind: str = Kind.DERIVED
    points: Decimal = ZERO  # per event (signed: negative for a deduction)
    weight: Decimal = Decimal("1")  # multiplies entered scores
    cap_month: Decimal | None = None
    cap_quarter: Decimal | None = None
    cap_year: Decimal | None = None
    floor: Decimal | None = None
    ceiling: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "dimension": self.dimension,
            "kind": self.kind,
            "points": _str(self.points),
            "weight": _str(self.weight),
            "cap_month": _str(self.cap_month),
            "cap_quarter": _str(self.cap_quarter),
            "cap_year": _str(self.cap_year),
            "floor": _str(self.floor),
            "ceiling": _str(self.ceiling),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> IndicatorRule:
        return cls(
            code=d["code"],
            name=d["name"],
            dimension=d["dimension"],
            kind=d.get("kind", Kind.DERIVED),
            points=_dec(d.get("points")) or ZERO,
            weight=_dec(d.get("weight")) or Decimal("1"),
            cap_month=_dec(d.get("cap_month")),
            cap_quarter=_dec(d.get("cap_quarter")),
            cap_year=_dec(d.get("cap_year")),
            floor=_dec(d.get("floor")),
            ceiling=_dec(d.get("ceiling")),
        )


@dataclass(frozen=True)
class DimensionRule:
    code: str
    name: str
    base: Decimal = ZERO
    threshold_a: Decimal = ZERO
    threshold_b: Decimal = ZERO
    weight: Decimal = Decimal("1")  # multiplies the dimension in a subject's total (levels.py)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "base": _str(self.base),
            "threshold_a": _str(self.threshold_a),
            "threshold_b": _str(self.threshold_b),
            "weight": _str(self.weight),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DimensionRule:
        return cls(
            code=d["code"],
            name=d["name"],
            base=_dec(d.get("base")) or ZERO,
            threshold_a=_dec(d.get("threshold_a")) or ZERO,
            threshold_b=_dec(d.get("threshold_b")) or ZERO,
            weight=_dec(d.get("weight")) or Decimal("1"),
        )


@dataclass(frozen=True)
class SchemeRules:
    """A frozen copy of one scheme version: what a stored result was computed with."""

    version: int
    dimensions: tuple[DimensionRule, ...]
    indicators: tuple[IndicatorRule, ...]
    floor: Decimal | None = ZERO
    ceiling: Decimal | None = None

    @property
    def base(self) -> Decimal:
        return sum((d.base for d in self.dimensions), ZERO)

    def indicator(self, code: str) -> IndicatorRule | None:
        return next((i for i in self.indicators if i.code == code), None)

    def to_snapshot(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "floor": _str(self.floor),
            "ceiling": _str(self.ceiling),
            "dimensions": [d.to_dict() for d in self.dimensions],
            "indicators": [i.to_dict() for i in self.indicators],
        }

    @classmethod
    def from_snapshot(cls, d: Mapping[str, Any]) -> SchemeRules:
        return cls(
            version=int(d["version"]),
            floor=_dec(d.get("floor")),
            ceiling=_dec(d.get("ceiling")),
            dimensions=tuple(DimensionRule.from_dict(x) for x in d["dimensions"]),
            indicators=tuple(IndicatorRule.from_dict(x) for x in d["indicators"]),
        )


@dataclass(frozen=True)
class Event:
    """One scored fact: an indicator, the day it happened, its points and a link to its evidence."""

    indicator: str
    on: date
    points: Decimal
    ref: str = ""


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    dimension: str
    raw: Decimal
    counted: Decimal
    events: int
    refs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "dimension": self.dimension,
            "raw": _str(self.raw),
            "counted": _str(self.counted),
            "events": self.events,
            "refs": list(self.refs),
        }


@dataclass(frozen=True)
class Evaluation:
    total: Decimal
    dimensions: dict[str, Decimal]
    grades: dict[str, str]
    indicators: tuple[IndicatorResult, ...]
    vetoed: bool = False
    unknown: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": _str(self.total),
            "dimensions": {k: _str(v) for k, v in self.dimensions.items()},
            "grades": dict(self.grades),
            "indicators": [i.to_dict() for i in self.indicators],
            "vetoed": self.vetoed,
            "unknown": list(self.unknown),
        }


def clamp(value: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    """Bound `value` to [low, high]; a missing bound does not bound."""
    if high is not None and value > high:
        value = high
    if low is not None and value < low:
        value = low
    return value


def apply_cap(total: Decimal, cap: Decimal | None) -> Decimal:
    """A cap bounds the magnitude of a period's sum: +cap for additions, −cap for deductions."""
    if cap is None:
        return total
    return clamp(total, -cap, cap)


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def capped_indicator_total(rule: IndicatorRule, month_sums: Mapping[tuple[int, int], Decimal]) -> Decimal:
    """Sum one indicator's points with its caps applied month → quarter → year, then floor/ceiling.

    `month_sums` maps (year, month) to the signed sum of that month's points. The month cap bounds
    each month, the quarter cap bounds the sum of the (capped) months in a quarter, the year cap
    bounds the sum of the (capped) quarters; the indicator's floor and ceiling bound the result.
    """
    if rule.cap_month is None and rule.cap_quarter is None and rule.cap_year is None:
        return clamp(sum(month_sums.values(), ZERO), rule.floor, rule.ceiling)  # no caps: same sum, faster
    quarters: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for (year, month), value in month_sums.items():
        quarters[(year, quarter_of(month))] += apply_cap(value, rule.cap_month)
    years: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (year, _q), value in quarters.items():
        years[year] += apply_cap(value, rule.cap_quarter)
    total = sum((apply_cap(v, rule.cap_year) for v in years.values()), ZERO)
    return clamp(total, rule.floor, rule.ceiling)


def event_points(rule: IndicatorRule, entered: Decimal) -> Decimal:
    """An entered score counts times the indicator's weight; derived events count as given."""
    return entered * rule.weight if rule.kind == Kind.ENTERED else entered


def grade_for(score: Decimal, dim: DimensionRule) -> str:
    """A ≥ threshold_a; B ≥ threshold_b; C otherwise (以上 includes the boundary, domain-rules §0)."""
    if score >= dim.threshold_a:
        return "A"
    if score >= dim.threshold_b:
        return "B"
    return "C"


def evaluate(rules: SchemeRules, events: Iterable[Event]) -> Evaluation:
    """Evaluate one subject: base per dimension + capped indicator totals, bounded by the floors.

    Each dimension's score is its base plus its indicators' capped totals, floored at the scheme's
    floor; the total is the sum of dimensions, bounded by the scheme's floor and ceiling. A veto
    event sets the total to the floor and every grade to C. Events naming an unknown indicator are
    reported in `unknown` and not counted.
    """
    by_code = {i.code: i for i in rules.indicators}
    months: dict[str, dict[tuple[int, int], Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    counts: dict[str, int] = defaultdict(int)
    refs: dict[str, set[str]] = defaultdict(set)
    unknown: set[str] = set()
    for ev in events:
        rule = by_code.get(ev.indicator)
        if rule is None:
            unknown.add(ev.indicator)
            continue
        months[rule.code][(ev.on.year, ev.on.month)] += event_points(rule, ev.points)
        counts[rule.code] += 1
        if ev.ref:
            refs[rule.code].add(ev.ref)
    return _combine(rules, months, counts, refs, unknown)


def evaluate_sums(
    rules: SchemeRules,
    sums: Iterable[tuple[str, int, int, Decimal, int]],
) -> Evaluation:
    """Like `evaluate`, from pre-aggregated rows (indicator, year, month, sum, count) — e.g. SQL SUMs."""
    by_code = {i.code: i for i in rules.indicators}
    months: dict[str, dict[tuple[int, int], Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    counts: dict[str, int] = defaultdict(int)
    unknown: set[str] = set()
    for code, year, month, value, n in sums:
        rule = by_code.get(code)
        if rule is None:
            unknown.add(code)
            continue
        months[code][(year, month)] += event_points(rule, Decimal(value))
        counts[code] += n
    return _combine(rules, months, counts, {}, unknown)


def _combine(
    rules: SchemeRules,
    months: Mapping[str, Mapping[tuple[int, int], Decimal]],
    counts: Mapping[str, int],
    refs: Mapping[str, set[str]],
    unknown: set[str],
) -> Evaluation:
    dims: dict[str, Decimal] = {d.code: d.base for d in rules.dimensions}
    results: list[IndicatorResult] = []
    vetoed = False
    for rule in rules.indicators:
        month_sums = months.get(rule.code, {})
        raw = sum(month_sums.values(), ZERO)
        if rule.kind == Kind.VETO:
            counted = ZERO
            vetoed = vetoed or counts.get(rule.code, 0) > 0
        else:
            counted = capped_indicator_total(rule, month_sums) if month_sums else ZERO
        if rule.dimension in dims:
            dims[rule.dimension] += counted
        results.append(
            IndicatorResult(
                code=rule.code,
                name=rule.name,
                dimension=rule.dimension,
                raw=raw,
                counted=counted,
                events=counts.get(rule.code, 0),
                refs=tuple(sorted(refs.get(rule.code, ()))),
            )
        )
    floor = rules.floor
    dims = {k: clamp(v, floor, None) for k, v in dims.items()}
    total = clamp(sum(dims.values(), ZERO), floor, rules.ceiling)
    if vetoed:
        total = floor if floor is not None else ZERO
        grades = dict.fromkeys(dims, "C")
    else:
        grades = {d.code: grade_for(dims[d.code], d) for d in rules.dimensions}
    return Evaluation(
        total=total,
        dimensions=dims,
        grades=grades,
        indicators=tuple(results),
        vetoed=vetoed,
        unknown=tuple(sorted(unknown)),
    )


def grade_label(grades: Mapping[str, str], order: Iterable[str]) -> str:
    """The member's grade as the count of A's: '5A' when every one of five dimensions is A."""
    codes = list(order)
    a_count = sum(1 for c in codes if grades.get(c) == "A")
    return f"{a_count}A"


@dataclass(frozen=True)
class Shortfall:
    dimension: str
    name: str
    grade: str
    next_grade: str
    needed: Decimal


def shortfalls(rules: SchemeRules, evaluation: Evaluation) -> list[Shortfall]:
    """What is missing for the next grade in each dimension not yet at A: the points still needed."""
    out: list[Shortfall] = []
    if evaluation.vetoed:
        return out
    for dim in rules.dimensions:
        score = evaluation.dimensions.get(dim.code, ZERO)
        grade = evaluation.grades.get(dim.code, "C")
        if grade == "A":
            continue
        target, next_grade = (dim.threshold_b, "B") if grade == "C" else (dim.threshold_a, "A")
        out.append(Shortfall(dim.code, dim.name, grade, next_grade, target - score))
    return out


def competition_ranks(scores: Iterable[Decimal]) -> list[int]:
    """Standard competition ranking ("1224"): equal scores share a rank, the next rank skips.

    `scores` must be sorted descending.
    """
    ranks: list[int] = []
    previous: Decimal | None = None
    for i, score in enumerate(scores, start=1):
        if previous is not None and score == previous:
            ranks.append(ranks[-1])
        else:
            ranks.append(i)
        previous = score
    return ranks


# ---------------------------------------------------------------- validation of edited rules


def _plain(value: Decimal) -> str:
    """2.00 → "2", 1.50 → "1.5" (for messages)."""
    return format(value.normalize(), "f")


CAP_LABELS = {"cap_month": "月上限", "cap_quarter": "季度上限", "cap_year": "年上限"}


def indicator_problems(
    *,
    kind: str,
    points: Decimal | None,
    cap_month: Decimal | None = None,
    cap_quarter: Decimal | None = None,
    cap_year: Decimal | None = None,
    floor: Decimal | None = None,
    ceiling: Decimal | None = None,
) -> dict[str, str]:
    """Check one indicator's numbers; returns {field: Chinese message}, empty when valid.

    Rules (design.md §3, domain-rules §7.3 "per-item caps"): a cap bounds the magnitude of a
    period's sum, so it is never negative, and it must not be below the magnitude of one event
    (otherwise a single event already exceeds it and the cap silently rewrites the points per
    event). A longer period's cap must not be below a shorter one's (month ≤ quarter ≤ year).
    The indicator's floor must not exceed its ceiling. A veto indicator carries no points.
    """
    problems: dict[str, str] = {}
    per_event = abs(points) if points is not None else None
    caps = {"cap_month": cap_month, "cap_quarter": cap_quarter, "cap_year": cap_year}
    for name, cap in caps.items():
        label = CAP_LABELS[name]
        if cap is None:
            continue
        if cap < 0:
            problems[name] = f"{label}不能为负数"
        elif kind != Kind.VETO and per_event is not None and cap < per_event:
            problems[name] = f"{label}（{_plain(cap)}）不能低于每次分值（{_plain(per_event)}）"
    order = [(n, c) for n, c in caps.items() if c is not None and c >= 0]
    for (short, short_cap), (long, long_cap) in zip(order, order[1:], strict=False):
        if long not in problems and long_cap < short_cap:
            problems[long] = f"{CAP_LABELS[long]}不能低于{CAP_LABELS[short]}"
    if floor is not None and ceiling is not None and floor > ceiling:
        problems["ceiling"] = "上限不能低于下限"
    if kind == Kind.VETO and points not in (None, ZERO):
        problems["points"] = "一票否决指标不计分值，每次分值应为 0"
    return problems


def threshold_problems(*, threshold_a: Decimal, threshold_b: Decimal) -> dict[str, str]:
    """A/B lines of one dimension: A ≥ B is required (A is the higher grade; below B is C)."""
    if threshold_b > threshold_a:
        return {"threshold_b": "B 等线不能高于 A 等线"}
    return {}


@dataclass(frozen=True)
class Formula:
    """A total as people read it: 基础分 + 加分 − 扣分 (± 保底/封顶) = 总分, every term as counted.

    `added` and `deducted` are the indicators' counted (capped) totals, so the formula never shows
    more than the total holds; `adjustment` is what the floors, the ceiling or a veto changed."""

    base: Decimal
    added: Decimal
    deducted: Decimal  # a positive number: the magnitude taken off
    adjustment: Decimal
    total: Decimal

    @property
    def adjustment_size(self) -> Decimal:
        return abs(self.adjustment)


def formula(rules: SchemeRules, evaluation: Evaluation) -> Formula:
    """The terms of `evaluation.total` (base + counted additions − counted deductions + adjustment)."""
    added = sum((i.counted for i in evaluation.indicators if i.counted > 0), ZERO)
    deducted = -sum((i.counted for i in evaluation.indicators if i.counted < 0), ZERO)
    adjustment = evaluation.total - (rules.base + added - deducted)
    return Formula(rules.base, added, deducted, adjustment, evaluation.total)
