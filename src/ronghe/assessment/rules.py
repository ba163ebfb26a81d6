"""The rules of 融合考核 as plain functions (no ORM): KPI achievement and the business score, the
述职评议 grade from secret-vote counts, the 党建 grade, the linking rules (联动) and the quadrant.

Every number is configurable (domain-rules §8: the 党建 weight and the linking rules are local; no
weight is imposed). The defaults below are examples from published practice, shown to the 工委 when it
opens an assessment, never applied silently: the 党建 weight has no default at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ronghe.assessment.choices import PARTY_GRADES, Direction, Quadrant
from ronghe.core.scoring.levels import Cap, Condition, plain
from ronghe.core.scoring.rules import Kind, SchemeRules

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

PARTY = "party"  # the scheme's 党建 dimension code
BUSINESS = "business"  # the scheme's 业务 dimension code
KPI_INDICATOR = "kpi.completion"

GRADE_LABELS = {rank: label for _key, label, rank in PARTY_GRADES}  # 4 → 好 … 1 → 差
GRADE_KEYS = {key: rank for key, _label, rank in PARTY_GRADES}
OPTIONS = [{"key": key, "label": label} for key, label, _rank in PARTY_GRADES]

PARTY_GRADE_CAP = "party_grade_cap"
SECRETARY_NEEDS_UNIT = "secretary_needs_unit"
LINK_KINDS = {
    PARTY_GRADE_CAP: "党建等次联动单位考核等次",
    SECRETARY_NEEDS_UNIT: "单位考核等次联动书记述职等次",
}


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def grade_label(rank: int | None) -> str:
    return GRADE_LABELS.get(rank or 0, "—") if rank else "—"


# ---------------------------------------------------------------- KPIs and the business score


def achievement(direction: str, target: Decimal, value: Decimal, cap: Decimal = HUNDRED) -> Decimal:
    """Completion in % of one KPI, between 0 and `cap` (超额完成 counts at most `cap`).

    Higher is better: value / target. Lower is better (an accident count, a cost): target / value,
    and 100 % when the value is at or below the target. A target of 0 means "none allowed / reach 0".
    """
    if direction == Direction.LOWER:
        if value <= target:
            ratio = HUNDRED
        else:
            ratio = ZERO if target <= 0 else target / value * HUNDRED
    elif target <= 0:
        ratio = HUNDRED if value >= target else ZERO
    else:
        ratio = value / target * HUNDRED
    return q(min(max(ratio, ZERO), cap))


@dataclass(frozen=True)
class KpiLine:
    code: str
    name: str
    weight: Decimal
    target: Decimal
    direction: str
    measure: str = ""
    value: Decimal | None = None
    period: str = ""


@dataclass(frozen=True)
class KpiScore:
    line: KpiLine
    achievement: Decimal  # 0 when no value was reported
    counted: Decimal  # weight × achievement / Σ weights

    def to_dict(self) -> dict[str, Any]:
        ln = self.line
        return {
            "code": ln.code,
            "name": ln.name,
            "weight": str(ln.weight),
            "target": plain(ln.target),
            "measure": ln.measure,
            "direction": ln.direction,
            "value": None if ln.value is None else plain(ln.value),
            "period": ln.period,
            "achievement": str(self.achievement),
            "counted": str(self.counted),
        }


def business_score(lines: Sequence[KpiLine], cap: Decimal = HUNDRED) -> tuple[Decimal | None, list[KpiScore]]:
    """The weighted mean completion of a unit's KPIs (0–cap). A KPI with no reported value counts 0
    (未报送), so missing data never raises a score; no KPI (or no weight) at all gives None."""
    total_weight = sum((ln.weight for ln in lines if ln.weight > 0), ZERO)
    if total_weight <= 0:
        return None, []
    scores = []
    for ln in lines:
        done = ZERO if ln.value is None else achievement(ln.direction, ln.target, ln.value, cap)
        scores.append(KpiScore(ln, done, q(done * ln.weight / total_weight)))
    return q(sum((s.achievement * s.line.weight for s in scores), ZERO) / total_weight), scores


def period_order(period: str) -> tuple[int, int]:
    """Sort key of a period within its year: the year itself last (the annual figure wins), then
    the latest quarter or month."""
    year, _, rest = period.partition("-")
    if "Q" in period:
        return int(period[:4]), int(period[5:]) * 3
    if rest:
        return int(year), int(rest)
    return int(period[:4]), 99


def period_problem(period: str, year: int | None = None) -> str:
    """ "" when `period` is "YYYY", "YYYYQn" (n 1–4) or "YYYY-MM"; else a Chinese message."""
    import re

    ok = re.fullmatch(r"(\d{4})(?:Q([1-4])|-(0[1-9]|1[0-2]))?", period or "")
    if not ok:
        return "期间格式应为 2026、2026Q3 或 2026-09"
    if year is not None and int(ok.group(1)) != year:
        return f"期间应在 {year} 年内"
    return ""


# ---------------------------------------------------------------- 述职评议


@dataclass(frozen=True)
class DebriefRules:
    """How votes become a grade: each option's score, the mean score's lines for 好/较好/一般 (else 差)."""

    scores: Mapping[str, Decimal] = field(
        default_factory=lambda: {
            "good": HUNDRED,
            "fair_good": Decimal(80),
            "average": Decimal(60),
            "poor": ZERO,
        }
    )
    lines: Mapping[int, Decimal] = field(
        default_factory=lambda: {4: Decimal(90), 3: Decimal(75), 2: Decimal(60)}
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "scores": {k: str(v) for k, v in self.scores.items()},
            "lines": {str(k): str(v) for k, v in self.lines.items()},
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> DebriefRules:
        if not d:
            return cls()
        return cls(
            {k: Decimal(str(v)) for k, v in d.get("scores", {}).items()},
            {int(k): Decimal(str(v)) for k, v in d.get("lines", {}).items()},
        )


def rank_by_lines(score: Decimal, lines: Mapping[int, Decimal]) -> int:
    """The highest rank whose line the score reaches (lines are inclusive); rank 1 below them all."""
    reached = [rank for rank, line in lines.items() if score >= line]
    return max(reached, default=1)


def debrief_outcome(counts: Mapping[str, int], rules: DebriefRules) -> tuple[Decimal | None, int | None]:
    """(mean score, rank) of one secretary from the vote counts; (None, None) without a vote."""
    votes = sum(counts.get(k, 0) for k in rules.scores)
    if votes == 0:
        return None, None
    score = q(sum((rules.scores[k] * counts.get(k, 0) for k in rules.scores), ZERO) / votes)
    return score, rank_by_lines(score, rules.lines)


# ---------------------------------------------------------------- the assessment's own rules


@dataclass(frozen=True)
class LinkRule:
    """A linking rule (联动), configurable and shown in each result.

    party_grade_cap: when the unit's 党建 grade is at most `party_max_rank` (一般 = 2: 一般 or 差),
    the unit's grade is at most `unit_max_rank` (良好 = 3: not 优秀).
    secretary_needs_unit: the secretary's 述职 grade may be `secretary_rank` (好 = 4) only when the
    unit's grade is at least `unit_min_rank` (优秀 = 4); otherwise it is one grade lower.
    """

    kind: str
    enabled: bool = True
    party_max_rank: int = 2
    unit_max_rank: int = 3
    secretary_rank: int = 4
    unit_min_rank: int = 4

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "enabled": self.enabled,
            "party_max_rank": self.party_max_rank,
            "unit_max_rank": self.unit_max_rank,
            "secretary_rank": self.secretary_rank,
            "unit_min_rank": self.unit_min_rank,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LinkRule:
        return cls(
            d["kind"],
            bool(d.get("enabled", True)),
            int(d.get("party_max_rank", 2)),
            int(d.get("unit_max_rank", 3)),
            int(d.get("secretary_rank", 4)),
            int(d.get("unit_min_rank", 4)),
        )


@dataclass(frozen=True)
class AssessmentRules:
    """Everything of an assessment besides its scheme (which holds the indicators, the 党建/业务
    weights and the unit grade lines)."""

    party_lines: Mapping[int, Decimal] = field(
        default_factory=lambda: {4: Decimal(90), 3: Decimal(80), 2: Decimal(60)}
    )
    debrief: DebriefRules = field(default_factory=DebriefRules)
    kpi_cap: Decimal = HUNDRED
    links: tuple[LinkRule, ...] = (LinkRule(PARTY_GRADE_CAP), LinkRule(SECRETARY_NEEDS_UNIT))
    party_line: Decimal | None = None  # the quadrant's lines; None: the mean of the assessed units
    business_line: Decimal | None = None
    # An indicator with no data for a unit (暂无数据) is left out of its 党建 score, the others'
    # weights scaled up to still add to 1; False: it counts 0.
    skip_missing: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "party_lines": {str(k): str(v) for k, v in self.party_lines.items()},
            "debrief": self.debrief.to_dict(),
            "kpi_cap": str(self.kpi_cap),
            "links": [x.to_dict() for x in self.links],
            "party_line": None if self.party_line is None else str(self.party_line),
            "business_line": None if self.business_line is None else str(self.business_line),
            "skip_missing": self.skip_missing,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> AssessmentRules:
        if not d:
            return cls()
        base = cls()
        return replace(
            base,
            party_lines={int(k): Decimal(str(v)) for k, v in d.get("party_lines", {}).items()}
            or base.party_lines,
            debrief=DebriefRules.from_dict(d.get("debrief")),
            kpi_cap=Decimal(str(d.get("kpi_cap", "100"))),
            links=tuple(LinkRule.from_dict(x) for x in d.get("links", [])),
            party_line=None if d.get("party_line") in (None, "") else Decimal(str(d["party_line"])),
            business_line=None if d.get("business_line") in (None, "") else Decimal(str(d["business_line"])),
            skip_missing=bool(d.get("skip_missing", True)),
        )

    def link(self, kind: str) -> LinkRule | None:
        return next((x for x in self.links if x.kind == kind and x.enabled), None)


def without_missing(
    scheme: SchemeRules, values: Mapping[str, Decimal | None]
) -> tuple[SchemeRules, list[str]]:
    """The scheme for one unit with its 党建 indicators that have no value left out: their weight
    goes to the others in proportion, so they still add up to what they did. Returns the names of
    the indicators left out. Deterministic from the values, so a stored result reproduces."""
    party = [i for i in scheme.indicators if i.dimension == PARTY and i.kind != Kind.VETO and i.weight > 0]
    present = [i for i in party if values.get(i.code) is not None]
    missing = [i.name for i in party if values.get(i.code) is None]
    whole = sum((i.weight for i in party), ZERO)
    kept = sum((i.weight for i in present), ZERO)
    if not missing or kept <= 0:
        return scheme, []
    scale = whole / kept
    indicators = tuple(
        replace(i, weight=i.weight * scale)
        if i in present
        else (replace(i, weight=ZERO) if i in party else i)
        for i in scheme.indicators
    )
    return replace(scheme, indicators=indicators), missing


def incomplete(no_party: bool, no_business: bool) -> str:
    """Why a unit gets no grade this time ("" when it does): a grade needs both halves on record."""
    missing = [name for name, gone in (("党建", no_party), ("业务", no_business)) if gone]
    return f"{'、'.join(missing)}数据暂无，暂不评定等次" if missing else ""


def party_rank(score: Decimal | None, rules: AssessmentRules) -> int | None:
    return None if score is None else rank_by_lines(score, rules.party_lines)


def link_caps(rules: AssessmentRules, unit_label: Mapping[int, str]) -> tuple[Cap, ...]:
    """The 党建-grade linking rule as a cap of the scoring engine: 党建 score below the line of the
    grade just above `party_max_rank` → unit grade at most `unit_max_rank`."""
    rule = rules.link(PARTY_GRADE_CAP)
    if rule is None:
        return ()
    line = rules.party_lines.get(rule.party_max_rank + 1)
    if line is None:
        return ()
    worst = "或".join(GRADE_LABELS[r] for r in range(rule.party_max_rank, 0, -1))
    label = f"党建评价为{worst}的单位不得评为{unit_label.get(rule.unit_max_rank + 1, '更高等次')}"
    return (Cap(label, (Condition(PARTY, "<", line),), rule.unit_max_rank),)


def secretary_rank(
    debrief_rank: int | None, unit_rank: int | None, rules: AssessmentRules, unit_label: Mapping[int, str]
) -> tuple[int | None, str]:
    """The secretary's 述职 grade after the linking rule, and why it changed ("" when it did not)."""
    rule = rules.link(SECRETARY_NEEDS_UNIT)
    if debrief_rank is None or rule is None or debrief_rank < rule.secretary_rank:
        return debrief_rank, ""
    if unit_rank is not None and unit_rank >= rule.unit_min_rank:
        return debrief_rank, ""
    lowered = rule.secretary_rank - 1
    return lowered, (
        f"单位考核等次未达到{unit_label.get(rule.unit_min_rank, '')}，书记述职评议不得评为"
        f"{GRADE_LABELS[rule.secretary_rank]}，定为{GRADE_LABELS[lowered]}"
    )


def quadrant(party: Decimal, business: Decimal, party_line: Decimal, business_line: Decimal) -> str:
    """Which quadrant a unit falls in; a score on a line counts as strong."""
    strong_p, strong_b = party >= party_line, business >= business_line
    if strong_p and strong_b:
        return Quadrant.BOTH_STRONG
    if strong_b:
        return Quadrant.PARTY_LAGGING
    if strong_p:
        return Quadrant.BUSINESS_LAGGING
    return Quadrant.BOTH_WEAK


def party_weight_problem(weight: Decimal | None) -> str:
    """The 党建 share of the total in %: required (no national figure, none imposed), 0 < w < 100."""
    if weight is None:
        return "请填写党建在综合考核中的权重（无全国统一标准，由本级确定）"
    if not ZERO < weight < HUNDRED:
        return "党建权重应大于 0、小于 100（百分比）"
    return ""
