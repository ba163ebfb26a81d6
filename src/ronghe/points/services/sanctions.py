"""The `sanction` veto from discipline's facts: a member with a 处分 in force in a year is vetoed for it.

The fact comes from `discipline.facts` (kind and dates only); the ledger line says only "受到党纪政务处分
（一票否决）" — the case behind it is 纪检's and never reaches points.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction

from ronghe.accounts.models import User
from ronghe.core.scoring.choices import IndicatorKind
from ronghe.discipline import facts as discipline_facts
from ronghe.members.models import Member
from ronghe.points.choices import SourceType
from ronghe.points.models import PointsEntry
from ronghe.points.services.ledger import _sync_source
from ronghe.points.services.resolve import Resolver

# The veto indicator of the member-points scheme fed by the fact (points/defaults.py).
VETO_CODE = "sanction"
NOTE = "受到党纪政务处分（一票否决）"


def sync_sanction_vetoes(
    *, year: int, member_ids: Iterable[int] | None = None, actor: User | None = None
) -> dict[str, int]:
    """Make the year's `sanction` veto lines equal the facts: one 0-point line on the scheme's veto
    indicator `sanction` for each member (of `member_ids`, or all) with a 处分 in force at some time
    in the year, dated the day it came into force within the year; none for anyone else. Refused
    (PointsError) when the year is finalized for a member concerned."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    existing = PointsEntry.objects.filter(source_type=SourceType.SANCTION, year=year)
    if member_ids is None:
        in_force = discipline_facts.sanctions_in_force(
            discipline_facts.sanctioned_members(start, end), start, end
        )
    else:
        ids = list(member_ids)
        existing = existing.filter(member_id__in=ids)
        in_force = discipline_facts.sanctions_in_force(ids, start, end)
    concerned = set(in_force) | set(existing.values_list("member_id", flat=True))
    resolver = Resolver()
    totals = {"created": 0, "updated": 0, "deleted": 0}
    with transaction.atomic():
        for member in Member.objects.filter(pk__in=concerned).select_related("organization").order_by("pk"):
            desired: dict[tuple[int, int], tuple[Decimal, date]] = {}
            facts = in_force.get(member.pk)
            scheme = resolver.scheme(member.organization.path, year) if facts else None
            if facts and scheme is not None:
                day = max(start, min(f.starts_on for f in facts))
                for ind in resolver.indicators(scheme):
                    if ind.kind == IndicatorKind.VETO and ind.code == VETO_CODE:
                        desired[(member.pk, ind.pk)] = (Decimal("0"), day)
            counts = _sync_source(
                source_type=SourceType.SANCTION,
                source_id=f"{year}:{member.pk}",
                desired=desired,
                scope_member_ids=None,
                resolver=resolver,
                actor=actor,
                note=NOTE,
            )
            for k, v in counts.items():
                totals[k] += v
    return totals
