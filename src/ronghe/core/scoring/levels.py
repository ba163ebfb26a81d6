"""Subjects other than members: a total from indicator values, a level from the total or from named
stars, caps and vetoes on the level, quotas applied by rank, and judges' scores combined.

Pure arithmetic, no ORM — like `rules.py`. Branch star rating (评星定级), selections (评选) and the unit
assessment (融合考核) configure it; every number is scheme data (domain-rules §7.1: no national
standard, every local scheme differs).

- Each indicator has one *value* per subject for the period: an entered score (the judges' mean) or a
  derived value (a compliance rate…). Its floor/ceiling are the valid range of that value; it counts
  value × weight. A veto indicator counts nothing and, when its value is above zero, caps the level.
- A dimension scores base + its indicators; the total is Σ dimension weight × dimension score,
  bounded by the scheme's floor and ceiling.
- The level is either the highest threshold the total reaches (5★ ≥ 90, 4★ ≥ 80 … or 好/较好/一般/差),
  or the number of named stars whose criteria all hold. Caps then lower it, never raise it; a veto
  caps it (or excludes the subject from this year's rating) without zeroing the breakdown.
- A quota allows at most ⌊N% × rated subjects⌋ at a level; the rest, by score, move one level down,
  with a declared tie rule at the cut.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from ronghe.core.scoring.rules import ZERO, Evaluation, IndicatorResult, Kind, SchemeRules, _dec, _str, clamp

THRESHOLDS = "thresholds"
STARS = "stars"
MODELS = {THRESHOLDS: "按总分定级", STARS: "按星数定级"}

MEAN = "mean"
TRIMMED_MEAN = "trimmed_mean"
AGGREGATIONS = {MEAN: "平均分", TRIMMED_MEAN: "去掉一个最高分和一个最低分后的平均分"}

TIES_INCLUDE = "include"
TIES_EXCLUDE = "exclude"
TIE_RULES = {
    TIES_INCLUDE: "并列者同时保留（名额可超出）",
    TIES_EXCLUDE: "并列者同时顺延到下一等次（名额可空出）",
}

TOTAL = "total"
CENT = Decimal("0.01")

OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
OP_LABELS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
STAR_NUMERALS = "零一二三四五六七八九十"


def plain(value: Decimal) -> str:
    """92.50 → "92.5" (for messages)."""
    return format(value.normalize(), "f")


def star_label(rank: int) -> str:
    return f"{STAR_NUMERALS[rank]}星" if 0 <= rank < len(STAR_NUMERALS) else f"{rank}星"


@dataclass(frozen=True)
class Condition:
    """`ref op value`, where ref is an indicator code, a dimension code or "total"."""

    ref: str
    op: str
    value: Decimal

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown operator {self.op!r}")

    def holds(self, values: Mapping[str, Decimal | None]) -> bool:
        """A missing value never meets a condition (no record is not evidence)."""
        actual = values.get(self.ref)
        return actual is not None and OPS[self.op](actual, self.value)

    def describe(self, names: Mapping[str, str]) -> str:
        return f"{names.get(self.ref, self.ref)} {OP_LABELS[self.op]} {plain(self.value)}"

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "op": self.op, "value": _str(self.value)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Condition:
        return cls(d["ref"], d["op"], Decimal(str(d["value"])))


@dataclass(frozen=True)
class Level:
    """One threshold: a total of at least `min_total` reaches `rank` (以上 includes the boundary)."""

    rank: int
    label: str
    min_total: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "label": self.label, "min_total": _str(self.min_total)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Level:
        return cls(int(d["rank"]), d["label"], Decimal(str(d["min_total"])))


@dataclass(frozen=True)
class Star:
    """A named star, awarded when every one of its criteria holds."""

    code: str
    name: str
    criteria: tuple[Condition, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "criteria": [c.to_dict() for c in self.criteria]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Star:
        return cls(d["code"], d["name"], tuple(Condition.from_dict(c) for c in d.get("criteria", [])))


@dataclass(frozen=True)
class Cap:
    """When every condition holds, the level is at most `max_rank` ("满意度 < 60 → 最高二星";
    "无创新项目 → 最高四星"). `exclude` instead takes the subject out of this year's rating."""

    label: str
    when: tuple[Condition, ...]
    max_rank: int = 0
    exclude: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "when": [c.to_dict() for c in self.when],
            "max_rank": self.max_rank,
            "exclude": self.exclude,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Cap:
        return cls(
            d["label"],
            tuple(Condition.from_dict(c) for c in d.get("when", [])),
            int(d.get("max_rank", 0)),
            bool(d.get("exclude", False)),
        )


@dataclass(frozen=True)
class Quota:
    """At most `max_percent` % of the rated subjects at `rank` (rounded down)."""

    rank: int
    max_percent: Decimal

    def allowed(self, rated: int) -> int:
        return int((Decimal(rated) * self.max_percent / 100).to_integral_value(rounding=ROUND_FLOOR))

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "max_percent": _str(self.max_percent)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Quota:
        return cls(int(d["rank"]), Decimal(str(d["max_percent"])))


@dataclass(frozen=True)
class LevelRules:
    """How a scheme turns an evaluation into a level. Stored in the result's snapshot."""

    model: str = THRESHOLDS
    levels: tuple[Level, ...] = ()
    stars: tuple[Star, ...] = ()
    caps: tuple[Cap, ...] = ()
    veto_max_rank: int | None = 0  # None: a veto excludes the subject from this year's rating
    quotas: tuple[Quota, ...] = ()
    tie_rule: str = TIES_EXCLUDE
    tie_breakers: tuple[str, ...] = ()  # indicator codes compared, in order, before the tie rule
    aggregation: str = MEAN

    def label(self, rank: int | None) -> str:
        if rank is None:
            return "不参加评定"
        for level in self.levels:
            if level.rank == rank:
                return level.label
        return star_label(rank) if self.model == STARS or rank > 0 else "未定级"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "levels": [x.to_dict() for x in self.levels],
            "stars": [x.to_dict() for x in self.stars],
            "caps": [x.to_dict() for x in self.caps],
            "veto_max_rank": self.veto_max_rank,
            "quotas": [x.to_dict() for x in self.quotas],
            "tie_rule": self.tie_rule,
            "tie_breakers": list(self.tie_breakers),
            "aggregation": self.aggregation,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> LevelRules:
        d = d or {}
        veto = d.get("veto_max_rank", 0)
        return cls(
            model=d.get("model", THRESHOLDS),
            levels=tuple(Level.from_dict(x) for x in d.get("levels", [])),
            stars=tuple(Star.from_dict(x) for x in d.get("stars", [])),
            caps=tuple(Cap.from_dict(x) for x in d.get("caps", [])),
            veto_max_rank=None if veto is None else int(veto),
            quotas=tuple(Quota.from_dict(x) for x in d.get("quotas", [])),
            tie_rule=d.get("tie_rule", TIES_EXCLUDE),
            tie_breakers=tuple(d.get("tie_breakers", [])),
            aggregation=d.get("aggregation", MEAN),
        )


# ---------------------------------------------------------------- evaluating one subject


def evaluate_values(rules: SchemeRules, values: Mapping[str, Decimal | None]) -> Evaluation:
    """Total and breakdown of one subject from one value per indicator (missing counts nothing).

    `Evaluation.vetoed` is set when a veto indicator's value is above zero; unlike the member
    engine, the total is kept: the veto acts on the level (`level_for`), not on the breakdown.
    """
    dims: dict[str, Decimal] = {d.code: d.base for d in rules.dimensions}
    results: list[IndicatorResult] = []
    vetoed = False
    known = {i.code for i in rules.indicators}
    for rule in rules.indicators:
        value = values.get(rule.code)
        if rule.kind == Kind.VETO:
            counted = ZERO
            vetoed = vetoed or (value is not None and value > 0)
        else:
            counted = ZERO if value is None else value * rule.weight
        if rule.dimension in dims:
            dims[rule.dimension] += counted
        results.append(
            IndicatorResult(
                code=rule.code,
                name=rule.name,
                dimension=rule.dimension,
                raw=ZERO if value is None else value,
                counted=counted,
                events=0 if value is None else 1,
            )
        )
    weights = {d.code: d.weight for d in rules.dimensions}
    total = sum((weights[code] * score for code, score in dims.items()), ZERO)
    total = clamp(total.quantize(CENT, rounding=ROUND_HALF_UP), rules.floor, rules.ceiling)
    return Evaluation(
        total=total,
        dimensions=dims,
        grades={},
        indicators=tuple(results),
        vetoed=vetoed,
        unknown=tuple(sorted(code for code in values if code not in known)),
    )


def value_problems(rules: SchemeRules, values: Mapping[str, Decimal | None]) -> dict[str, str]:
    """{indicator code: Chinese message} for values outside the indicator's range."""
    problems: dict[str, str] = {}
    for rule in rules.indicators:
        value = values.get(rule.code)
        if value is None:
            continue
        low = rule.floor if rule.floor is not None else ZERO
        if value < low or (rule.ceiling is not None and value > rule.ceiling):
            span = (
                f"{plain(low)}–{plain(rule.ceiling)}" if rule.ceiling is not None else f"不低于 {plain(low)}"
            )
            problems[rule.code] = f"“{rule.name}”的分值应在 {span} 之间"
    return problems


@dataclass(frozen=True)
class StarOutcome:
    code: str
    name: str
    awarded: bool
    unmet: tuple[str, ...]  # the criteria that do not hold, in words

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "awarded": self.awarded, "unmet": list(self.unmet)}


@dataclass(frozen=True)
class LevelOutcome:
    rank: int | None  # None: not rated this year (a veto or cap that excludes)
    label: str
    score_rank: int  # before caps
    stars: tuple[StarOutcome, ...] = ()
    capped_by: tuple[str, ...] = ()  # why the level is lower than the score alone gives

    @property
    def star_names(self) -> list[str]:
        return [s.name for s in self.stars if s.awarded]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "label": self.label,
            "score_rank": self.score_rank,
            "stars": [s.to_dict() for s in self.stars],
            "capped_by": list(self.capped_by),
        }


def condition_values(evaluation: Evaluation) -> dict[str, Decimal | None]:
    """What conditions may name: each indicator's value (missing → None), each dimension, the total."""
    values: dict[str, Decimal | None] = dict(evaluation.dimensions)
    for ind in evaluation.indicators:
        values[ind.code] = ind.raw if ind.events else None
    values[TOTAL] = evaluation.total
    return values


def names_of(rules: SchemeRules) -> dict[str, str]:
    names = {d.code: d.name for d in rules.dimensions} | {i.code: i.name for i in rules.indicators}
    names[TOTAL] = "总分"
    return names


def level_for(rules: SchemeRules, level_rules: LevelRules, evaluation: Evaluation) -> LevelOutcome:
    """The level one subject reaches before quotas, with each star's unmet criteria and each cap applied."""
    values = condition_values(evaluation)
    names = names_of(rules)
    stars: list[StarOutcome] = []
    if level_rules.model == STARS:
        for star in level_rules.stars:
            unmet = tuple(c.describe(names) for c in star.criteria if not c.holds(values))
            stars.append(StarOutcome(star.code, star.name, not unmet, unmet))
        score_rank = sum(1 for s in stars if s.awarded)
    else:
        reached = [lv.rank for lv in level_rules.levels if evaluation.total >= lv.min_total]
        score_rank = max(reached, default=0)
    rank: int | None = score_rank
    capped_by: list[str] = []
    if evaluation.vetoed:
        vetoes = "、".join(i.name for i in evaluation.indicators if i.raw > 0 and _is_veto(rules, i.code))
        if level_rules.veto_max_rank is None:
            rank = None
            capped_by.append(f"一票否决（{vetoes}）：不参加本年度评定")
        elif score_rank > level_rules.veto_max_rank:
            rank = level_rules.veto_max_rank
            capped_by.append(f"一票否决（{vetoes}）：最高{level_rules.label(level_rules.veto_max_rank)}")
    for cap in level_rules.caps:
        if not cap.when or not all(c.holds(values) for c in cap.when):
            continue
        if cap.exclude:
            rank = None
            capped_by.append(f"{cap.label}：不参加本年度评定")
        elif rank is not None and rank > cap.max_rank:
            rank = cap.max_rank
            capped_by.append(f"{cap.label}：最高{level_rules.label(cap.max_rank)}")
    return LevelOutcome(rank, level_rules.label(rank), score_rank, tuple(stars), tuple(capped_by))


def _is_veto(rules: SchemeRules, code: str) -> bool:
    rule = rules.indicator(code)
    return rule is not None and rule.kind == Kind.VETO


# ---------------------------------------------------------------- quotas across subjects


@dataclass(frozen=True)
class Candidate:
    key: str
    rank: int | None
    total: Decimal
    tie_values: tuple[Decimal, ...] = ()

    @property
    def order(self) -> tuple[Decimal, ...]:
        return (self.total, *self.tie_values)


@dataclass(frozen=True)
class Pushed:
    key: str
    from_rank: int
    to_rank: int
    reason: str


@dataclass(frozen=True)
class QuotaOutcome:
    ranks: dict[str, int | None]
    pushed: tuple[Pushed, ...] = ()
    allowed: dict[int, int] = field(default_factory=dict)


def apply_quotas(level_rules: LevelRules, candidates: Iterable[Candidate]) -> QuotaOutcome:
    """Hold each quota'd level to ⌊N% × rated⌋ subjects, from the highest level down.

    Subjects at a level over its quota are ordered by total, then by the tie-breaker indicators; the
    first `allowed` keep it, the rest move one level down (where the next quota may move them again).
    At the cut, subjects equal on every compared value are kept together (`include`, the quota may be
    exceeded) or moved together (`exclude`, a place may stay empty). Independent of input order.
    """
    items = sorted(candidates, key=lambda c: c.key)
    ranks: dict[str, int | None] = {c.key: c.rank for c in items}
    by_key = {c.key: c for c in items}
    rated = sum(1 for c in items if c.rank is not None)
    pushed: list[Pushed] = []
    allowed_by_rank: dict[int, int] = {}
    for quota in sorted(level_rules.quotas, key=lambda q: -q.rank):
        allowed = quota.allowed(rated)
        allowed_by_rank[quota.rank] = allowed
        at_level = sorted(
            (by_key[k] for k, r in ranks.items() if r == quota.rank),
            key=lambda c: (c.order, c.key),
            reverse=True,
        )
        if len(at_level) <= allowed:
            continue
        keep = allowed
        if level_rules.tie_rule == TIES_INCLUDE and allowed > 0:
            while keep < len(at_level) and at_level[keep].order == at_level[allowed - 1].order:
                keep += 1
        elif level_rules.tie_rule == TIES_EXCLUDE:
            while keep > 0 and at_level[keep - 1].order == at_level[allowed].order:
                keep -= 1
        label, lower = level_rules.label(quota.rank), level_rules.label(quota.rank - 1)
        for position, cand in enumerate(at_level[keep:], start=keep + 1):
            ranks[cand.key] = quota.rank - 1
            reason = (
                f"{label}名额 {allowed} 个（{plain(quota.max_percent)}%，按 {rated} 个参评计），"
                f"按得分排第 {position} 位，调整为{lower}"
            )
            pushed.append(Pushed(cand.key, quota.rank, quota.rank - 1, reason))
    return QuotaOutcome(ranks, tuple(pushed), allowed_by_rank)


@dataclass(frozen=True)
class Placing:
    """One candidate's place in a selection: `place` is shared by candidates equal on every compared
    value (1, 2, 2, 4); None for one who does not compete (vetoed, not eligible)."""

    key: str
    place: int | None
    winner: bool
    note: str = ""


def select_winners(candidates: Iterable[Candidate], places: int, tie_rule: str) -> tuple[Placing, ...]:
    """评选: the first `places` candidates by total, then by the tie-breaker values, win ("十佳" → 10).

    A candidate whose `rank` is None competes for nothing. Candidates equal on every compared value
    share a place. When such a group straddles the last place, the declared tie rule decides: `include`
    lets the whole group win (more winners than places), `exclude` lets none of it win (a place stays
    empty). Independent of input order; the result is in order of place, then key.
    """
    if places < 0:
        raise ValueError("places must not be negative")
    everyone = list(candidates)
    competing = sorted(
        (c for c in everyone if c.rank is not None), key=lambda c: (tuple(-v for v in c.order), c.key)
    )
    group_size: dict[tuple[Decimal, ...], int] = {}
    for c in competing:
        group_size[c.order] = group_size.get(c.order, 0) + 1
    out: list[Placing] = []
    place = 0
    for i, cand in enumerate(competing):
        if i == 0 or cand.order != competing[i - 1].order:
            place = i + 1
        others = group_size[cand.order] - 1
        last_place = place + others
        if last_place <= places:
            out.append(Placing(cand.key, place, True))
        elif place > places:
            out.append(Placing(cand.key, place, False))
        elif tie_rule == TIES_INCLUDE:
            out.append(
                Placing(cand.key, place, True, f"与其他 {others} 个对象并列第 {place} 名，按规则同时入选")
            )
        else:
            out.append(
                Placing(
                    cand.key,
                    place,
                    False,
                    f"与其他 {others} 个对象并列第 {place} 名，超出名额，按规则均不入选",
                )
            )
    absent = sorted((c for c in everyone if c.rank is None), key=lambda c: c.key)
    return (*out, *(Placing(c.key, None, False, "不参加排名") for c in absent))


def changes(
    before: Mapping[str, int | None], after: Mapping[str, int | None]
) -> dict[str, tuple[int | None, int | None]]:
    """Subjects whose level differs between two runs (the what-if before naming)."""
    return {
        k: (before.get(k), after.get(k))
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


# ---------------------------------------------------------------- judges


def aggregate(scores: Sequence[Decimal], method: str = MEAN) -> Decimal | None:
    """Combine the judges' scores for one indicator of one subject (to the cent, half up).

    The trimmed mean drops one highest and one lowest score when there are at least three judges;
    with fewer it is the plain mean. No score → None.
    """
    values = sorted(scores)
    if not values:
        return None
    if method == TRIMMED_MEAN and len(values) >= 3:
        values = values[1:-1]
    mean = sum(values, ZERO) / len(values)
    return mean.quantize(CENT, rounding=ROUND_HALF_UP)


def aggregate_sheets(
    sheets: Iterable[Mapping[str, Decimal | None]], codes: Iterable[str], method: str = MEAN
) -> dict[str, Decimal | None]:
    """Per indicator code, the aggregate of every sheet that scored it."""
    sheets = list(sheets)
    out: dict[str, Decimal | None] = {}
    for code in codes:
        out[code] = aggregate([s[code] for s in sheets if s.get(code) is not None], method)  # type: ignore[misc]
    return out


def parse_value(raw: object) -> Decimal | None:
    return _dec(raw)


# ---------------------------------------------------------------- editing level rules

CONDITION_RE = r"^\s*(?P<ref>.+?)\s*(?P<op>>=|<=|==|≥|≤|>|<|=)\s*(?P<value>-?\d+(?:\.\d+)?)\s*$"
OP_ALIASES = {"≥": ">=", "≤": "<=", "=": "=="}


def parse_conditions(text: str, names: Mapping[str, str]) -> tuple[tuple[Condition, ...], list[str]]:
    """Conditions from lines like "群众满意度（%） >= 80" or "satisfaction >= 80" (name or code).

    Returns the conditions and a Chinese message per line that could not be read."""
    by_name = {name: code for code, name in names.items()}
    conditions: list[Condition] = []
    problems: list[str] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = re.match(CONDITION_RE, line)
        if match is None:
            problems.append(f"第 {n} 行“{line.strip()}”应写成“指标 >= 数值”")
            continue
        ref = match["ref"].strip()
        code = ref if ref in names else by_name.get(ref)
        if code is None:
            problems.append(f"第 {n} 行：方案中没有“{ref}”")
            continue
        conditions.append(Condition(code, OP_ALIASES.get(match["op"], match["op"]), Decimal(match["value"])))
    return tuple(conditions), problems


def describe_conditions(conditions: Iterable[Condition], names: Mapping[str, str]) -> str:
    """The editable text of conditions: one per line, by name."""
    return "\n".join(c.describe(names).replace("≥", ">=").replace("≤", "<=") for c in conditions)


def uses_of(lr: LevelRules, code: str) -> tuple[str, ...]:
    """Where the level rules name an indicator or dimension `code`, in words: each star whose
    criteria, each cap whose conditions, and the tie-breakers. An indicator named there cannot be
    removed or recoded without breaking the rules (`level_rule_problems` would then refuse them)."""
    places = [f"“{s.name}”的评定条件" for s in lr.stars if any(c.ref == code for c in s.criteria)]
    places += [f"限制“{c.label}”的条件" for c in lr.caps if any(w.ref == code for w in c.when)]
    if code in lr.tie_breakers:
        places.append("名额边界上并列时比较的指标")
    return tuple(places)


def level_rule_problems(rules: SchemeRules, lr: LevelRules) -> dict[str, str]:
    """{field: Chinese message} for level rules that cannot work with this scheme."""
    problems: dict[str, str] = {}
    known = set(names_of(rules))
    indicators = {i.code for i in rules.indicators}
    if lr.model not in MODELS:
        problems["model"] = "定级方式无效"
    if lr.aggregation not in AGGREGATIONS:
        problems["aggregation"] = "评委评分汇总方法无效"
    if lr.tie_rule not in TIE_RULES:
        problems["tie_rule"] = "并列处理方式无效"
    ranks = [lv.rank for lv in lr.levels]
    if len(set(ranks)) != len(ranks):
        problems["levels"] = "每个等次只能有一条分数线"
    ordered = sorted(lr.levels, key=lambda lv: -lv.rank)
    for higher, lower in zip(ordered, ordered[1:], strict=False):
        if lower.min_total > higher.min_total:
            problems["levels"] = f"{lower.label}的分数线不能高于{higher.label}"
    if lr.model == STARS and not lr.stars:
        problems["stars"] = "按星数定级时至少要有一颗星"
    codes = [s.code for s in lr.stars]
    if len(set(codes)) != len(codes):
        problems["stars"] = "星的代码不能重复"
    for star in lr.stars:
        if not star.name.strip():
            problems["stars"] = "每颗星都要有名称"
        if not star.criteria:
            problems["stars"] = f"“{star.name}”还没有评定条件"
        for c in star.criteria:
            if c.ref not in known:
                problems["stars"] = f"“{star.name}”的条件引用了方案中没有的“{c.ref}”"
    for cap in lr.caps:
        if not cap.when:
            problems["caps"] = f"“{cap.label}”没有条件"
        if not 0 <= cap.max_rank <= 5:
            problems["caps"] = f"“{cap.label}”的最高等次应在 0–5 之间"
        for c in cap.when:
            if c.ref not in known:
                problems["caps"] = f"“{cap.label}”的条件引用了方案中没有的“{c.ref}”"
    for q in lr.quotas:
        if not 0 <= q.max_percent <= 100:
            problems["quotas"] = "名额比例应在 0–100% 之间"
        if not 1 <= q.rank <= 5:
            problems["quotas"] = "名额限制的等次应在 1–5 之间"
    for code in lr.tie_breakers:
        if code not in indicators:
            problems["tie_breakers"] = f"并列比较的指标“{code}”不在方案中"
    return problems
