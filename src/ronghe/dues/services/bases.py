"""A member's base (and group) from a month on, and pricing the months already recorded again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.readcache import invalidate_home_summary
from ronghe.core.scope import require_at
from ronghe.core.types import Actor
from ronghe.dues import rules
from ronghe.dues.choices import Category, RecordState
from ronghe.dues.models import DuesBase, DuesRecord
from ronghe.dues.services.pricing import _approved_reliefs, _bases, due_for
from ronghe.dues.services.settings import rate_table_on, settings_for
from ronghe.members.models import Member


def set_base(
    *,
    actor: Actor,
    member: Member,
    effective_from: date,
    category: str,
    base: Decimal,
    items: dict[str, str] | None = None,
    tax_reading: str = "",
    source: str = "manual",
) -> DuesBase:
    """Record a member's base (and group) from a month on; the same month again replaces it.

    The member's months already recorded from that month on are priced again (`reprice`): unpaid ones
    take the new fee; paid ones whose fee rises owe the difference (补交差额); a paid fee is never
    lowered."""
    require_at(actor, "dues.edit" if source == "manual" else "dues.import", member.organization.path)
    if category not in Category.values:
        raise DomainError("党员类别应为在职、离退休、离休、农民或定额交纳人员", field="category")
    if category == Category.FARMER:
        rules.check_farmer_amount(base, rate_table_on(effective_from))
    period = rules.first_of_month(effective_from)
    with transaction.atomic():
        row, created = DuesBase.objects.update_or_create(
            member=member,
            effective_from=period,
            defaults={
                "category": category,
                "base": base,
                "items": items or {},
                "tax_reading": tax_reading,
                "source": source,
                "created_by_id": actor.pk if actor else None,
            },
        )
        repriced, owing = reprice(member=member, since=period)
        audit.record(
            "dues.base_set",
            actor=actor,
            obj=row,
            changes={
                "member": member.name,
                "from": period.isoformat(),
                "category": category,
                "base": str(base),
                "source": source,
                "created": created,
                "repriced": repriced,
                "difference_months": owing,
            },
        )
    return row


def reprice(
    *, member: Member, since: date, tables: dict[date, rules.RateTableData] | None = None
) -> tuple[int, list[str]]:
    """Price the member's recorded months from `since` on again after a base changed (called inside
    the caller's transaction, which audits). Returns what changed, for the audit row: how many unpaid
    months were repriced, and the paid months ("YYYY-MM") that now owe a difference. `tables` caches
    the rate table per month across calls (an import reprices many members)."""
    records = list(
        DuesRecord.objects.select_for_update()
        .filter(member=member, period__gte=since)
        .exclude(state=RecordState.EXEMPT)
        .order_by("period")
    )
    if not records:
        return 0, []
    tables = {} if tables is None else tables
    setting = settings_for(member.organization)
    bases = _bases([member.pk]).get(member.pk, [])
    reliefs = _approved_reliefs([member.pk], records[0].period, records[-1].period).get(member.pk, [])
    changed: list[DuesRecord] = []
    for record in records:
        if record.period not in tables:
            tables[record.period] = rate_table_on(record.period)
        due = due_for(record.period, bases, reliefs, setting, tables[record.period])
        amount = rules.repriced_amount(record.state, record.amount_due, due.amount)
        if amount is None:
            continue
        record.amount_due, record.base, record.rate = amount, due.base, due.rate
        record.category, record.relief = due.category, due.relief
        changed.append(record)
    # who recorded the payment stays; who changed the base is in the caller's audit row
    DuesRecord.objects.bulk_update(changed, ["amount_due", "base", "rate", "category", "relief"])
    if changed:
        invalidate_home_summary()  # updated in bulk (no signal): the cached 收缴报表 goes
    owing = [r.period.strftime("%Y-%m") for r in changed if r.state == RecordState.PAID]
    return len(changed) - len(owing), owing
