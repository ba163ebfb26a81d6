"""Demo step: every member gets a year of points derived from their activities.

Attendance points come from whatever Attendance rows exist when the step runs (organizational
life's demo step may add meetings first); training and volunteering sessions and a few approved
claims and deductions are generated here. Ledger rows are streamed through `bulk_load` (COPY on
PostgreSQL), then the yearly totals are built once with `recompute_year`.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from ronghe.core.bulk import bulk_load
from ronghe.core.scoring.models import Indicator
from ronghe.core.workflow.models import History
from ronghe.demo.generator import County, step
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orglife import facts
from ronghe.points import services
from ronghe.points.choices import ClaimState, SourceType
from ronghe.points.models import Claim, PointsEntry
from ronghe.points.rules import CLAIM_PROCESS

BATCH = 20000
# a PointsEntry row as bulk_load takes it, in ENTRY_FIELDS order
EntryRow = tuple[uuid.UUID, int, int, Decimal, date, int, str, str, str, datetime]


def _day(rng: random.Random, year: int, today: date) -> date:
    last = min(today, date(year, 12, 31))
    span = (last - date(year, 1, 1)).days
    return date(year, 1, 1) + timedelta(days=rng.randint(0, max(span, 0)))


ENTRY_FIELDS = (
    "code",
    "member",
    "indicator",
    "points",
    "occurred_on",
    "year",
    "source_type",
    "source_id",
    "note",
    "created_at",
)


@step
def demo_points(county: County, rng: random.Random) -> None:
    """Ledger entries streamed into `bulk_load` (COPY on PostgreSQL), then one `recompute_year`."""
    year = county.today.year
    scheme = services.seed_default_scheme(organization=county.committee, year=year, recompute=False)
    inds = {i.code: i for i in Indicator.objects.filter(scheme=scheme)}
    by_source: dict[str, list[Indicator]] = defaultdict(list)
    for ind in inds.values():
        for source in ind.sources or []:
            by_source[source].append(ind)
    now = timezone.now()

    def entry(
        member_id: int,
        ind: Indicator,
        on: date,
        source_type: str,
        source_id: str,
        note: str,
        points: Decimal | None = None,
    ) -> EntryRow:
        return (
            uuid.UUID(int=rng.getrandbits(128), version=4),
            member_id,
            ind.pk,
            ind.points if points is None else points,
            on,
            on.year,
            source_type,
            source_id,
            note,
            now,
        )

    # 1. attendance that already exists (one pass in meeting order; the day is computed per meeting)
    def from_attendance() -> Iterator[EntryRow]:
        current: int | None = None
        day = date.min  # set at each meeting's first row
        for member_id, status, meeting_id, kind, held_at, title in facts.attendance_of_year(year, BATCH):
            if meeting_id != current:
                current, day = meeting_id, timezone.localtime(held_at).date()
            source = (
                f"meeting:{kind}"
                if status == "present"
                else ("meeting_absent" if status == "absent" else None)
            )
            for ind in by_source.get(source or "", []):
                yield entry(member_id, ind, day, SourceType.ATTENDANCE, str(meeting_id), title[:200])

    bulk_load(PointsEntry, ENTRY_FIELDS, from_attendance())

    # 2. training and volunteering sessions per branch
    members_by_org: dict[int, list[int]] = defaultdict(list)
    for pk, org_id in (
        Member.objects.filter(status__in=ACTIVE_STATUSES)
        .order_by("pk")
        .values_list("pk", "organization_id")
        .iterator(chunk_size=BATCH)
    ):
        members_by_org[org_id].append(pk)

    def sessions() -> Iterator[EntryRow]:
        for org_id, member_ids in members_by_org.items():
            for k in range(rng.randint(2, 4)):
                on = _day(rng, year, county.today)
                for member_id in member_ids:
                    if rng.random() < 0.6:
                        for ind in by_source["training"]:
                            yield entry(
                                member_id,
                                ind,
                                on,
                                SourceType.TRAINING,
                                f"demo-training-{org_id}-{k}",
                                "专题培训班",
                            )
            for k in range(rng.randint(3, 6)):
                on = _day(rng, year, county.today)
                for member_id in member_ids:
                    if rng.random() < 0.45:
                        for ind in by_source["volunteering"]:
                            yield entry(
                                member_id,
                                ind,
                                on,
                                SourceType.VOLUNTEERING,
                                f"demo-volunteer-{org_id}-{k}",
                                "志愿服务",
                            )

    bulk_load(PointsEntry, ENTRY_FIELDS, sessions())

    # 3. approved claims (some members) and deductions (a few)
    claimable = [i for i in inds.values() if i.claimable]
    all_members = [m for ids in members_by_org.values() for m in ids]
    claimers = [m for m in all_members if rng.random() < 0.15]
    claims = [
        Claim(
            member_id=m,
            indicator=(ind := rng.choice(claimable)),
            occurred_on=_day(rng, year, county.today),
            points=ind.points,
            description=f"{ind.name}（演示）",
            state=ClaimState.APPROVED,
            decision_reason="情况属实",
        )
        for m in claimers
    ]
    Claim.objects.bulk_create(claims, batch_size=BATCH)
    History.objects.bulk_create(
        [
            History(
                process=CLAIM_PROCESS.name,
                object_id=c.pk,
                from_state=ClaimState.SUBMITTED,
                to_state=ClaimState.APPROVED,
                action="approve",
                comment="情况属实",
            )
            for c in claims
        ],
        batch_size=BATCH,
    )

    def claims_and_deductions() -> Iterator[EntryRow]:
        for c in claims:
            yield entry(c.member_id, c.indicator, c.occurred_on, SourceType.CLAIM, str(c.pk), c.description)
        for _ in all_members:
            # 未按时交纳党费 now comes from the 党费 ledger (dues.demo); the draw stays so that the steps
            # after this one get the same random numbers as before
            rng.random()

    bulk_load(PointsEntry, ENTRY_FIELDS, claims_and_deductions())
    services.recompute_year(year=year)
