"""The monthly dues run: one record per active member for the month, then the 支部大会 cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.readcache import invalidate_home_summary
from ronghe.core.scope import require_at
from ronghe.core.types import Actor
from ronghe.dues import rules
from ronghe.dues.choices import CaseState, RecordState
from ronghe.dues.models import ArrearsCase, DuesRecord
from ronghe.dues.services.late_points import late_dues_changed
from ronghe.dues.services.pricing import _approved_reliefs, _bases, due_for
from ronghe.dues.services.settings import Settings, rate_table_on, settings_by_path
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

BATCH = 2000


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
        if created:
            invalidate_home_summary()  # bulk-created (no signal): the cached 收缴报表 goes
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
