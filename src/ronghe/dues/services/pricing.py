"""What a month costs: the fee from the base in effect, the approved 少交/免交 and the settings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ronghe.dues import rules
from ronghe.dues.choices import RecordState, ReliefKind, ReliefState
from ronghe.dues.models import DuesBase, Relief
from ronghe.dues.services.settings import Settings


@dataclass(frozen=True)
class Due:
    category: str
    base: Decimal | None
    rate: Decimal | None
    amount: Decimal | None  # None: no base recorded for that month
    state: str
    relief: Relief | None


def _approved_reliefs(member_ids: Iterable[int], first: date, last: date) -> dict[int, list[Relief]]:
    out: dict[int, list[Relief]] = {}
    for r in Relief.objects.filter(
        member_id__in=list(member_ids),
        state=ReliefState.APPROVED,
        from_period__lte=last,
        to_period__gte=first,
    ):
        out.setdefault(r.member_id, []).append(r)
    return out


def _bases(member_ids: Iterable[int]) -> dict[int, list[tuple[date, Decimal, str]]]:
    out: dict[int, list[tuple[date, Decimal, str]]] = {}
    for member_id, start, base, category in DuesBase.objects.filter(
        member_id__in=list(member_ids)
    ).values_list("member_id", "effective_from", "base", "category"):
        out.setdefault(member_id, []).append((start, base, category))
    return out


def due_for(
    period: date,
    bases: Sequence[tuple[date, Decimal, str]],
    reliefs: Sequence[Relief],
    setting: Settings,
    table: rules.RateTableData,
) -> Due:
    """The month's fee from the base in effect, the member's approved 少交/免交 and the settings."""
    relief = next((r for r in reliefs if r.from_period <= period <= r.to_period), None)
    found = rules.base_in_effect(bases, period, setting.fixing)
    if relief is not None and relief.kind == ReliefKind.EXEMPT:
        return Due(
            found[1] if found else "",
            found[0] if found else None,
            None,
            Decimal("0.00"),
            RecordState.EXEMPT,
            relief,
        )
    if found is None:
        return Due("", None, None, None, RecordState.DUE, relief)
    base, category = found
    fee = rules.calculate_fee(base, category, table, setting.rounding, setting.lixiu)
    amount = fee.amount
    if relief is not None and relief.reduced_amount is not None:
        amount = min(amount, relief.reduced_amount)
    return Due(category, base, fee.rate, amount, RecordState.DUE, relief)
