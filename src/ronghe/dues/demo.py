"""Demo step: a year of 党费 for the demo county — bases, monthly records (按月, 预交, 补交), an approved
免交, voluntary payments (one ≥ 1000 元 flagged for 中央), uses, and a few arrears: warnings, and cases
for the 支部大会 opened by the same service the monthly run uses. Bulk inserts only."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from ronghe.core.readcache import invalidate_home_summary
from ronghe.demo.generator import County, step
from ronghe.dues import rules, services
from ronghe.dues.choices import Category, RecordState, ReliefKind, ReliefState, UseCategory
from ronghe.dues.models import DuesBase, DuesRecord, DuesUse, Relief, VoluntaryPayment
from ronghe.members.choices import ACTIVE_STATUSES, Occupation
from ronghe.members.models import Member
from ronghe.points.services import sync_late_dues

BATCH = 5000
# Members given a year of records, whatever the county's size: a province's demo keeps a bounded
# build time (the monthly run itself is measured in bench/run.py at full size).
DEMO_MAX = 12000


def _base(rng: random.Random, retired: bool) -> Decimal:
    low, high = (2500, 6500) if retired else (2600, 12500)
    return Decimal(rng.randint(low * 100, high * 100)) / 100


@step
def demo_dues(county: County, rng: random.Random) -> None:
    today = county.today
    year = today.year
    members = list(
        Member.objects.filter(
            organization__path__startswith=county.committee.path, status__in=ACTIVE_STATUSES
        )
        .order_by("organization__path", "id")
        .values_list("id", "organization_id", "joined_on", "occupation")[:DEMO_MAX]
    )
    if not members:
        return
    first_branch = next(
        (b for b in county.branches if b.parent_id != county.committee.pk), county.branches[0]
    )
    start = date(year - 1, 1, 1)
    bases: list[DuesBase] = []
    category_of: dict[int, tuple[str, Decimal]] = {}
    for i, (member_id, _org, _joined, occupation) in enumerate(members):
        retired = occupation == Occupation.RETIRED
        category: str = Category.RETIRED if retired else Category.IN_SERVICE
        base = _base(rng, retired)
        if i % 97 == 5:
            category, base = Category.REDUCED, Decimal("0.00")
        elif i % 50 == 1:
            base = Decimal("3000.00")  # the boundary: 15.00
        elif i % 50 == 2:
            base = Decimal("3000.01")  # just above: 30.00
        category_of[member_id] = (category, base)
        bases.append(
            DuesBase(member_id=member_id, effective_from=start, category=category, base=base, source="import")
        )
    DuesBase.objects.bulk_create(bases, batch_size=BATCH)

    table = services.rate_table_on(today)
    current = rules.month_index(today)
    first_month = rules.month_index(date(year, 1, 1))
    # who falls behind: in the secretary's branch one warning (4 months) and one case (7 months);
    # elsewhere a few of each
    in_first = [m[0] for m in members if m[1] == first_branch.pk]
    behind: dict[int, int] = {}
    if len(in_first) >= 3:
        behind[in_first[1]] = 4
        behind[in_first[2]] = 7
    for member_id, *_ in members:
        roll = rng.random()
        if member_id not in behind and roll < 0.002:
            behind[member_id] = rng.randint(6, 9)
        elif member_id not in behind and roll < 0.008:
            behind[member_id] = rng.randint(3, 5)
    exempt_member = next(
        (m[0] for m in members if m[0] not in behind and m[1] == first_branch.pk), members[0][0]
    )
    relief = Relief.objects.create(
        member_id=exempt_member,
        organization_id=next(m[1] for m in members if m[0] == exempt_member),
        kind=ReliefKind.EXEMPT,
        from_period=date(year, 1, 1),
        to_period=date(year, 12, 1),
        reason="因病长期住院，生活困难",
        state=ReliefState.APPROVED,
        approved_by_org=county.committee,
    )
    records: list[DuesRecord] = []
    for member_id, org_id, joined, _occ in members:
        category, base = category_of[member_id]
        fee = rules.calculate_fee(base, category, table)
        gap = behind.get(member_id, 0)
        prepays = rng.random() < 0.05  # paid the first half-year in January
        for index in range(first_month, current + 1):
            period = rules.month_at(index)
            if rules.month_index(joined) > index:
                continue
            record = DuesRecord(
                member_id=member_id,
                organization_id=org_id,
                period=period,
                category=category,
                base=base,
                rate=fee.rate,
                amount_due=fee.amount,
            )
            unpaid_from = current - gap  # the last `gap` complete months stay unpaid (and this month)
            if member_id == exempt_member:
                record.state, record.amount_due, record.relief = RecordState.EXEMPT, Decimal("0.00"), relief
            elif index == current and rng.random() < 0.4:
                pass  # this month's collection is still going on
            elif gap and index >= unpaid_from:
                pass
            else:
                paid_index = index
                if prepays and index < first_month + 6:
                    paid_index = first_month
                elif rng.random() < 0.01 and index + 1 < unpaid_from and index + 1 <= current:
                    paid_index = index + 1  # back-paid the next month
                paid_on = rules.month_at(paid_index).replace(
                    day=min(15, today.day) if paid_index == current else 15
                )
                record.state = RecordState.PAID
                record.paid_amount = fee.amount
                record.paid_on = paid_on
                record.timing = rules.payment_timing(period, paid_on)
                record.method = "self"
            records.append(record)
        if len(records) >= BATCH:
            DuesRecord.objects.bulk_create(records, batch_size=BATCH)
            records = []
    DuesRecord.objects.bulk_create(records, batch_size=BATCH)

    paid_day = date(year, 7, 1) if today >= date(year, 7, 1) else today
    voluntary = [
        VoluntaryPayment(
            member_id=m[0],
            organization_id=m[1],
            amount=Decimal(amount),
            paid_on=paid_day,
            purpose=purpose,
            remit_to_central=Decimal(amount) >= rules.CENTRAL_REMITTANCE,
        )
        for m, (amount, purpose) in zip(
            members[:3],
            [("1000.00", "七一自愿多交"), ("200.00", "自愿多交"), ("100.00", "自愿多交")],
            strict=False,
        )
    ]
    VoluntaryPayment.objects.bulk_create(voluntary)
    uses = [
        DuesUse(
            organization_id=first_branch.pk,
            year=year,
            category=UseCategory.TRAINING,
            amount=Decimal("860.00"),
            note="党员集中培训教材",
            spent_on=date(year, 3, 20),
        ),
        DuesUse(
            organization_id=first_branch.pk,
            year=year,
            category=UseCategory.HARDSHIP,
            amount=Decimal("500.00"),
            note="慰问生活困难党员",
            spent_on=date(year, 1, 25),
        ),
    ]
    DuesUse.objects.bulk_create([u for u in uses if u.spent_on <= today])
    services.open_cases(organization=county.committee, today=today)
    sync_late_dues(year=year, as_of=today)  # the points deduction for the months not paid on time
    invalidate_home_summary()  # the records were bulk-created: the cached 收缴报表 goes
