"""未按时交纳党费 from the 党费 ledger: every month of a year not paid on time (`dues.queries.late_months_by_member`)
costs the indicators sourced from "dues_late" (the default `dues_late`: −2 a month, at most 6 a year), one
line per month dated its last day. Paying late (补交) does not take it back; an approved 少交/免交 or a
recorded 正当理由 for the month does. The 党费 services call it on every change; the daily job
(`send_reminders`) adds the month that has just ended.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.dues import queries as dues_queries
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.points.choices import SourceType
from ronghe.points.models import PointsEntry
from ronghe.points.services.ledger import sync_entries
from ronghe.points.services.resolve import Resolver

SOURCE = "dues_late"
MEMBER_BATCH = 2000


def _note(source_id: str) -> str:
    year, month = source_id.split("-")
    return f"{year}年{int(month)}月党费未按时交纳"


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), MEMBER_BATCH):
        yield ids[i : i + MEMBER_BATCH]


def sync_late_dues(
    *, year: int, as_of: date, member_ids: Iterable[int] | None = None, actor: User | None = None
) -> dict[str, int]:
    """Make the year's 未按时交纳党费 lines equal the 党费 ledger as of `as_of`, for `member_ids` (or every
    member with a 党费 record by the year's end or such a line). Members whose year is finalized are left as
    they are; members no longer active keep their lines. Idempotent; a transaction per batch of members.
    Over every member, a batch is a range of ids read through subqueries (2,000-id parameter lists cost
    more to prepare than the queries take); members in the range without a record are not liable."""
    ranged = member_ids is None
    if member_ids is None:
        found = set(dues_queries.members_with_records(year))
        found |= set(
            PointsEntry.objects.filter(source_type=SourceType.DUES, year=year).values_list(
                "member_id", flat=True
            )
        )
        ids = sorted(found)
    else:
        ids = sorted(set(member_ids))
    resolver = Resolver()
    totals = {"created": 0, "updated": 0, "deleted": 0}
    for batch in _batches(ids):
        members = Member.objects.filter(status__in=ACTIVE_STATUSES)
        members = (
            members.filter(pk__gte=batch[0], pk__lte=batch[-1]) if ranged else members.filter(pk__in=batch)
        )
        paths = dict(members.values_list("pk", "organization__path"))
        open_ids = [pk for pk, path in paths.items() if not resolver.frozen(path, year)]
        if not open_ids:
            continue
        key: Any = members if len(open_ids) == len(paths) else open_ids  # a subquery unless some are frozen
        late = dues_queries.late_months_by_member(key, year, as_of)
        desired: dict[tuple[int, int, str], tuple[Decimal, date]] = {}
        for member_id in open_ids:
            scheme = resolver.scheme(paths[member_id], year)
            indicators = resolver.by_source(scheme, SOURCE) if scheme is not None else []
            for month in late.get(member_id, []) if indicators else []:
                day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
                for ind in indicators:
                    desired[(member_id, ind.pk, f"{month:%Y-%m}")] = (ind.points, day)
        with transaction.atomic():
            counts = sync_entries(
                source_type=SourceType.DUES,
                existing=PointsEntry.objects.filter(
                    source_type=SourceType.DUES,
                    year=year,
                    member_id__in=members.values("id") if key is members else open_ids,
                ),
                desired=desired,
                resolver=resolver,
                actor=actor,
                note=_note,
            )
            if any(counts.values()):
                audit.record(
                    "points.dues_synced",
                    actor=actor,
                    object_type="points.dues",
                    object_id=str(year),
                    changes={**counts, "members": len(open_ids)},
                )
        for key, value in counts.items():
            totals[key] += value
    return totals
