"""Pure rules of surveys: the minimum group size, the grouping of results, satisfaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MIN_GROUP = 5
SCALE = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
MAX_QUESTIONS = 50
MAX_TEXT = 500


def shown(respondents: int) -> bool:
    """A result is shown for a group of at least five respondents only, so that no answer can be
    attributed to a person by elimination."""
    return respondents >= MIN_GROUP


@dataclass(frozen=True)
class Grouping:
    shown: list[int]  # group ids shown on their own
    merged: list[int]  # small groups shown together as "其他"
    withheld: bool  # the breakdown by group is withheld altogether


def group_results(respondents: Mapping[int, int]) -> Grouping:
    """Groups of five or more are shown on their own; smaller ones are merged into one "其他" group,
    which is itself shown only when it reaches five. If it would hold one to four respondents, the
    whole breakdown is withheld: the total minus the groups shown would reveal it."""
    big = sorted(g for g, n in respondents.items() if shown(n))
    small = sorted(g for g, n in respondents.items() if n and not shown(n))
    rest = sum(respondents[g] for g in small)
    return Grouping(big, small, withheld=0 < rest < MIN_GROUP)


def options_problem(kind: str, options: list[str]) -> str | None:
    if kind in ("single", "multiple"):
        if len(options) < 2:
            return "选择题至少需要两个选项"
        if len(set(options)) != len(options):
            return "选项不能重复"
        if len(options) > 20:
            return "选项不能超过 20 个"
    return None


def satisfaction_percent(counts: Mapping[int, int]) -> Decimal | None:
    """群众满意度: the share of 1–5 answers that are 满意 or 非常满意 (options 3 and 4), in percent."""
    total = sum(counts.values())
    if total == 0:
        return None
    good = counts.get(3, 0) + counts.get(4, 0)
    return (Decimal(good * 100) / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
