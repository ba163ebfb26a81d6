"""党费 use-cases: one function per intent, keyword-only, one transaction, scope checked, audited.

Rules come from `dues.rules`; the rate table and per-organization settings are data read here.
少交/免交, 正当理由 and the 支部大会 cases are `relief.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import Conflict, DomainError
from ronghe.core.scope import require_at
from ronghe.core.types import Actor
from ronghe.dues import rules
from ronghe.dues.choices import (
    CaseState,
    Category,
    PaymentMethod,
    RecordState,
    ReliefKind,
    ReliefState,
    UseCategory,
)
from ronghe.dues.models import (
    ArrearsCase,
    DuesBase,
    DuesRecord,
    DuesSetting,
    DuesUse,
    RateTable,
    Relief,
    VoluntaryPayment,
)
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization, ancestor_paths
from ronghe.points.services.dues import sync_late_dues

BATCH = 2000


def late_dues_changed(
    member_ids: Iterable[int], months: Iterable[date], actor: Actor | None, today: date | None = None
) -> None:
    """The points deduction 未按时交纳党费 follows what was just written about these months (its years up
    to this one; a finalized year is left alone: `points.services.dues`)."""
    today = today or timezone.localdate()
    ids = list(member_ids)
    if not ids:
        return
    for year in sorted({m.year for m in months if m.year <= today.year}):
        sync_late_dues(year=year, as_of=today, member_ids=ids, actor=actor)  # type: ignore[arg-type]


# ---------------------------------------------------------------- settings and the rate table


@dataclass(frozen=True)
class Settings:
    tax_reading: str
    rounding: rules.Rounding
    fixing: str
    lixiu: str
    organization: Organization | None  # where the setting is held (None: the defaults)


DEFAULT_SETTING = DuesSetting()


def settings_for(org: Organization) -> Settings:
    """The nearest ancestor's (or the organization's own) 党费 settings, else the defaults."""
    rows = {
        s.organization.path: s
        for s in DuesSetting.objects.select_related("organization").filter(
            organization__path__in=ancestor_paths(org.path)
        )
    }
    for path in reversed(ancestor_paths(org.path)):
        if path in rows:
            return _settings(rows[path], rows[path].organization)
    return _settings(DEFAULT_SETTING, None)


def settings_by_path(paths: Iterable[str]) -> dict[str, Settings]:
    """Settings for many organizations at once (one query)."""
    wanted = {a for p in paths for a in ancestor_paths(p)}
    rows = {
        s.organization.path: s
        for s in DuesSetting.objects.select_related("organization").filter(organization__path__in=wanted)
    }
    out: dict[str, Settings] = {}
    for path in set(paths):
        found = next((rows[a] for a in reversed(ancestor_paths(path)) if a in rows), None)
        out[path] = _settings(found, found.organization) if found else _settings(DEFAULT_SETTING, None)
    return out


def _settings(row: DuesSetting, org: Organization | None) -> Settings:
    return Settings(
        row.tax_reading,
        rules.Rounding(row.rounding_unit, row.rounding_mode),
        row.fixing,
        row.lixiu_standard,
        org,
    )


def rate_table_on(day: date) -> rules.RateTableData:
    """The rate table in force on `day` (the newest version not after it; the 2008 bands if none)."""
    row = RateTable.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if row is None:
        return rules.DEFAULT_TABLE
    return rules.RateTableData(
        version=row.version,
        in_service=rules.bands_from_json(row.in_service_bands),
        retired=rules.bands_from_json(row.retired_bands),
        farmer_min=row.farmer_min,
        farmer_max=row.farmer_max,
        reduced_amount=row.reduced_amount,
    )


SETTING_FIELDS = ("tax_reading", "rounding_unit", "rounding_mode", "fixing", "lixiu_standard")


def save_settings(*, actor: Actor, organization: Organization, values: dict[str, str]) -> DuesSetting:
    require_at(actor, "dues.manage", organization.path)
    with transaction.atomic():
        row, _ = DuesSetting.objects.get_or_create(organization=organization)
        before = {f: getattr(row, f) for f in SETTING_FIELDS}
        for name in SETTING_FIELDS:
            if name in values:
                setattr(row, name, values[name])
        row.full_clean(exclude=["organization"])
        row.save()
        audit.record(
            "dues.settings",
            actor=actor,
            obj=row,
            changes=audit.diff(before, {f: getattr(row, f) for f in SETTING_FIELDS}),
        )
    return row


# ---------------------------------------------------------------- bases


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
    owing = [r.period.strftime("%Y-%m") for r in changed if r.state == RecordState.PAID]
    return len(changed) - len(owing), owing


# ---------------------------------------------------------------- what a month costs


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


# ---------------------------------------------------------------- the monthly run


@dataclass(frozen=True)
class RunResult:
    created: int
    exempt: int
    no_base: int
    cases_opened: int


def run_month(*, actor: Actor | None, organization: Organization, period: date, today: date) -> RunResult:
    """The monthly dues run: one record per active member of the subtree for `period` (those already
    recorded are left alone), the fee from each base, the settings and approved reliefs; then a case for
    the 支部大会 for every member now 6 months in arrears without one open. Streams the members in
    batches (bases and reliefs read per batch, rows bulk-inserted), one audit row."""
    if actor is not None:
        require_at(actor, "dues.edit", organization.path)
    period = rules.first_of_month(period)
    if rules.month_index(period) > rules.month_index(today):
        raise DomainError("只能生成本月及以前月份的党费记录（预交请在党员页面登记）", field="period")
    pending = (
        Member.objects.filter(
            organization__path__startswith=organization.path,
            status__in=ACTIVE_STATUSES,
            joined_on__lt=rules.next_month(period),
        )
        .exclude(pk__in=DuesRecord.objects.filter(period=period).values("member_id"))
        .order_by("pk")
        .values_list("pk", "organization_id", "organization__path")
    )
    table = rate_table_on(period)
    by_path: dict[str, Settings] = {}
    created = exempt = no_base = 0
    with transaction.atomic():
        batch: list[tuple[int, int, str]] = []
        for row in pending.iterator(chunk_size=BATCH):
            batch.append(row)
            if len(batch) == BATCH:
                counts = _write_batch(batch, period, table, by_path, actor)
                created, exempt, no_base = created + counts[0], exempt + counts[1], no_base + counts[2]
                batch = []
        if batch:
            counts = _write_batch(batch, period, table, by_path, actor)
            created, exempt, no_base = created + counts[0], exempt + counts[1], no_base + counts[2]
        opened = open_cases(organization=organization, today=today)
        if rules.month_index(period) < rules.month_index(today):
            # a past month: for members whose first record this is, liability now starts there and the
            # points deduction follows (the current month is never late yet: nothing to do)
            late_dues_changed(
                Member.objects.filter(
                    organization__path__startswith=organization.path, status__in=ACTIVE_STATUSES
                )
                .exclude(Exists(DuesRecord.objects.filter(member_id=OuterRef("pk"), period__lt=period)))
                .order_by("pk")
                .values_list("pk", flat=True),
                [period],
                actor,
                today,
            )
        audit.record(
            "dues.month_run",
            actor=actor,
            obj=organization,
            changes={"period": period.isoformat(), "created": created, "cases_opened": opened},
        )
    return RunResult(created=created, exempt=exempt, no_base=no_base, cases_opened=opened)


def _write_batch(
    batch: list[tuple[int, int, str]],
    period: date,
    table: rules.RateTableData,
    by_path: dict[str, Settings],
    actor: Actor | None,
) -> tuple[int, int, int]:
    ids = [member_id for member_id, _, _ in batch]
    missing = {path for _, _, path in batch if path not in by_path}
    if missing:
        by_path.update(settings_by_path(missing))
    bases = _bases(ids)
    reliefs = _approved_reliefs(ids, period, period)
    rows = []
    for member_id, org_id, path in batch:
        due = due_for(period, bases.get(member_id, []), reliefs.get(member_id, []), by_path[path], table)
        rows.append(
            DuesRecord(
                member_id=member_id,
                organization_id=org_id,
                period=period,
                category=due.category,
                base=due.base,
                rate=due.rate,
                amount_due=due.amount,
                state=due.state,
                relief=due.relief,
                recorded_by_id=actor.pk if actor else None,
            )
        )
    DuesRecord.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return (
        len(rows),
        sum(1 for r in rows if r.state == RecordState.EXEMPT),
        sum(1 for r in rows if r.amount_due is None),
    )


def open_cases(*, organization: Organization, today: date) -> int:
    """Open a 支部大会 case for each member of the subtree at 6+ months of arrears without an open one
    (only members with no paid or exempt month in the last six are counted)."""
    from ronghe.dues.queries import arrears_by_member, arrears_candidates

    members = Member.objects.filter(
        organization__path__startswith=organization.path, status__in=ACTIVE_STATUSES
    ).exclude(pk__in=ArrearsCase.objects.filter(state=CaseState.OPEN).values("member_id"))
    candidates = arrears_candidates(members, today, rules.CASE_MONTHS)
    owners = dict(candidates.values_list("id", "organization_id"))
    facts = arrears_by_member(list(owners), today)
    rows = [
        ArrearsCase(
            member_id=mid, organization_id=owners[mid], opened_on=today, months=a.months, since=a.since
        )
        for mid, a in facts.items()
        if a.level == "case" and a.since is not None
    ]
    ArrearsCase.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)


# ---------------------------------------------------------------- payments


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
