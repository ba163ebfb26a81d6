"""Payments (按月, 预交, 补交, 补交差额, a branch's collection), 自愿多交党费 and 党费使用."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from ronghe.core import audit
from ronghe.core.errors import Conflict, DomainError
from ronghe.core.readcache import invalidate_home_summary
from ronghe.core.scope import require_at
from ronghe.core.types import Actor
from ronghe.dues import rules
from ronghe.dues.choices import PaymentMethod, RecordState, UseCategory
from ronghe.dues.models import DuesRecord, DuesUse, VoluntaryPayment
from ronghe.dues.services.late_points import late_dues_changed
from ronghe.dues.services.pricing import Due, _approved_reliefs, _bases, due_for
from ronghe.dues.services.settings import rate_table_on, settings_for
from ronghe.members.models import Member
from ronghe.orgs.models import Organization


def _new_record(member: Member, period: date, due: Due, actor: Actor | None) -> DuesRecord:
    return DuesRecord(
        member=member,
        organization_id=member.organization_id,
        period=period,
        category=due.category,
        base=due.base,
        rate=due.rate,
        amount_due=due.amount,
        state=due.state,
        relief=due.relief,
        recorded_by_id=actor.pk if actor else None,
    )


_TAKEN = "{month}的党费刚由他人登记，请刷新后查看"


def record_payment(
    *,
    actor: Actor,
    member: Member,
    periods: Sequence[date],
    paid_on: date,
    method: str = PaymentMethod.SELF,
    paid_amount: Decimal | None = None,
    note: str = "",
    sync_points: bool = True,
) -> list[DuesRecord]:
    """The member pays for one or more months (按月, 预交 ≤ 6 months ahead, 补交 ≤ 6 months back).

    Refused, nothing written: a month already paid or exempt, a prepay or back-pay beyond 6 months, a
    month before the member was admitted, a month without a base, a total not equal to what is due
    (no advancing, no deducting). `paid_amount` is the total for all months when given. The points
    deduction for months not paid on time follows (`sync_points=False`: the caller does it once)."""
    require_at(actor, "dues.edit", member.organization.path)
    if method not in PaymentMethod.values:
        raise DomainError("交纳人应为本人或经支部同意的代交人（党组织不得垫交、扣缴）", field="method")
    periods = [rules.first_of_month(p) for p in periods]
    with transaction.atomic():
        existing = {
            r.period: r
            for r in DuesRecord.objects.select_for_update().filter(member=member, period__in=periods)
        }
        settled = [p for p, r in existing.items() if r.state != RecordState.DUE]
        exempt = [p for p in settled if existing[p].state == RecordState.EXEMPT]
        if exempt:
            raise DomainError(f"{rules.month_label(exempt[0])}已批准免交党费，无须交纳", field="periods")
        owing = sorted(p for p in settled if existing[p].difference_owed > 0)
        if owing:
            raise DomainError(
                f"{rules.month_label(owing[0])}的党费已交纳，不能重复交纳；计算基数调高后的差额"
                f"{existing[owing[0]].difference_owed}元请用“补交差额”登记",
                field="periods",
                code="already_paid",
            )
        rules.check_payment(
            periods, paid_on, already_paid=settled, liable_from=rules.first_of_month(member.joined_on)
        )
        setting = settings_for(member.organization)
        bases = _bases([member.pk]).get(member.pk, [])
        reliefs = _approved_reliefs([member.pk], min(periods), max(periods)).get(member.pk, [])
        records: list[DuesRecord] = []
        for period in sorted(periods):
            record = existing.get(period)
            if record is None:
                due = due_for(period, bases, reliefs, setting, rate_table_on(period))
                record = _new_record(member, period, due, actor)
            if record.amount_due is None:
                raise DomainError(
                    f"{rules.month_label(period)}尚未核定党费计算基数，请先登记基数", field="periods"
                )
            records.append(record)
        total = sum((r.amount_due or Decimal(0) for r in records), Decimal("0.00"))
        if paid_amount is not None:
            rules.check_paid_amount(total, paid_amount)
        for record in records:
            values = {
                "state": RecordState.PAID,
                "paid_amount": record.amount_due,
                "paid_on": paid_on,
                "timing": rules.payment_timing(record.period, paid_on),
                "method": method,
                "note": note[:200],
                "recorded_by_id": actor.pk,
            }
            for name, value in values.items():
                setattr(record, name, value)
            if record.pk is None:
                try:
                    with transaction.atomic():
                        record.save()
                except IntegrityError:  # someone recorded the month meanwhile (SQLite takes no row lock)
                    raise Conflict(_TAKEN.format(month=rules.month_label(record.period))) from None
            # paid only if still unpaid: of two people recording the same month at once, one succeeds
            elif not DuesRecord.objects.filter(pk=record.pk, state=RecordState.DUE).update(**values):
                raise Conflict(_TAKEN.format(month=rules.month_label(record.period)))
        invalidate_home_summary()  # paid by a queryset update (no signal): the cached 收缴报表 goes
        audit.record(
            "dues.paid",
            actor=actor,
            obj=member,
            changes={
                "periods": [r.period.strftime("%Y-%m") for r in records],
                "amount": str(total),
                "timing": sorted({r.timing for r in records}),
                "method": method,
            },
        )
        if sync_points:
            late_dues_changed([member.pk], periods, actor)
    return records


def pay_difference(
    *,
    actor: Actor,
    member: Member,
    periods: Sequence[date],
    paid_on: date,
    paid_amount: Decimal | None = None,
    note: str = "",
) -> list[DuesRecord]:
    """补交差额: the member pays what a raised base added to months already paid (§4.3, "收入增加后…
    补交差额"). The first payment stays as recorded; the difference is added to it and kept apart.

    Refused, nothing written: a month without a difference owed, a date before the month's payment, a
    total not equal to the differences (no advancing, no deducting). No 6-month limit: the months were
    paid in time; only their amount changed afterwards."""
    require_at(actor, "dues.edit", member.organization.path)
    periods = sorted({rules.first_of_month(p) for p in periods})
    if not periods:
        raise DomainError("请选择要补交差额的月份", field="periods")
    with transaction.atomic():
        records = {
            r.period: r
            for r in DuesRecord.objects.select_for_update().filter(member=member, period__in=periods)
        }
        for period in periods:
            record = records.get(period)
            if record is None or record.difference_owed <= 0:
                raise DomainError(f"{rules.month_label(period)}没有应补交的差额", field="periods")
            if record.paid_on and paid_on < record.paid_on:
                raise DomainError(
                    f"补交差额的日期不能早于{rules.month_label(period)}党费的交纳日期（{record.paid_on:%Y-%m-%d}）",
                    field="paid_on",
                )
        owed = {p: records[p].difference_owed for p in periods}
        total = sum(owed.values(), Decimal("0.00"))
        if paid_amount is not None:
            rules.check_paid_amount(total, paid_amount)
        for period in periods:
            record = records[period]
            values = {
                "paid_amount": record.amount_due,
                "difference_paid": (record.difference_paid or Decimal("0.00")) + owed[period],
                "difference_paid_on": paid_on,
            }
            # only if still owed as read: of two people recording the same difference at once, one succeeds
            if not DuesRecord.objects.filter(pk=record.pk, paid_amount=record.paid_amount).update(**values):
                raise Conflict(_TAKEN.format(month=rules.month_label(period)))
            for name, value in values.items():
                setattr(record, name, value)
        audit.record(
            "dues.difference_paid",
            actor=actor,
            obj=member,
            changes={
                "periods": [p.strftime("%Y-%m") for p in periods],
                "amount": str(total),
                "note": note[:200],
            },
        )
    invalidate_home_summary()  # paid by a queryset update (no signal): the cached 收缴报表 goes
    return [records[p] for p in periods]


def record_collection(
    *, actor: Actor, organization: Organization, period: date, members: Sequence[Member], paid_on: date
) -> int:
    """A branch's collection for one month: each listed member paid that month's fee. All or nothing."""
    require_at(actor, "dues.edit", organization.path)
    if not members:
        raise DomainError("请勾选已交纳党费的党员", field="members")
    with transaction.atomic():
        for member in members:
            if not member.organization.path.startswith(organization.path):
                raise PermissionDenied("您没有执行此操作的权限")
            try:
                record_payment(
                    actor=actor, member=member, periods=[period], paid_on=paid_on, sync_points=False
                )
            except DomainError as exc:
                raise DomainError(f"{member.name}：{exc.message}", field=exc.field, code=exc.code) from None
        late_dues_changed([m.pk for m in members], [period], actor)
    return len(members)


def record_voluntary(
    *, actor: Actor, member: Member, amount: Decimal, paid_on: date, purpose: str = ""
) -> VoluntaryPayment:
    """自愿多交党费; a single payment of 1000 元 or more is flagged for remittance in full to 中央."""
    require_at(actor, "dues.edit", member.organization.path)
    central = rules.check_voluntary(amount)
    with transaction.atomic():
        row = VoluntaryPayment.objects.create(
            member=member,
            organization_id=member.organization_id,
            amount=amount,
            paid_on=paid_on,
            purpose=purpose[:100],
            remit_to_central=central,
            recorded_by_id=actor.pk,
        )
        audit.record(
            "dues.voluntary",
            actor=actor,
            obj=row,
            changes={"member": member.name, "amount": str(amount), "remit_to_central": central},
        )
    return row


def record_use(
    *,
    actor: Actor,
    organization: Organization,
    year: int,
    category: str,
    amount: Decimal,
    spent_on: date,
    note: str = "",
) -> DuesUse:
    """党费使用, for the yearly publication of 收缴/使用."""
    require_at(actor, "dues.edit", organization.path)
    if category not in UseCategory.values:
        raise DomainError("请选择党费用途", field="category")
    if amount <= 0:
        raise DomainError("使用金额须大于0", field="amount")
    if spent_on.year != year:
        raise DomainError("日期须在所选年度内", field="spent_on")
    with transaction.atomic():
        row = DuesUse.objects.create(
            organization=organization,
            year=year,
            category=category,
            amount=amount,
            spent_on=spent_on,
            note=note[:200],
            recorded_by_id=actor.pk,
        )
        audit.record("dues.use", actor=actor, obj=row, changes={"category": category, "amount": str(amount)})
    return row
