"""Member points use-cases: the ledger, yearly totals, claims, year end, the default scheme.

Every change to the ledger refreshes the affected members' yearly results in the same
transaction (`refresh_member_years`); `recompute_year` rebuilds them from SQL aggregates and
must agree exactly. Finalized years are frozen: nothing dated in them is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.bulk import bulk_load
from ronghe.core.scope import has_perm_at
from ronghe.core.scoring import rules as scoring
from ronghe.core.scoring import sql as scoring_sql
from ronghe.core.scoring.choices import IndicatorKind, SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Dimension, Indicator, Result, Scheme, rules_from_rows
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orglife.choices import AttendanceStatus
from ronghe.orgs.models import SEGMENT, Organization, ancestor_paths
from ronghe.points import defaults, rules
from ronghe.points.choices import ClaimAction, ClaimState, SourceType, YearStatus
from ronghe.points.models import Claim, ClaimHistory, MemberYear, PointsEntry, YearClosing, points_text

BATCH = 2000


class PointsError(Exception):
    """A refused points operation; the message is shown to the user as is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def local_date(value: Any) -> date:
    return timezone.localtime(value).date() if hasattr(value, "tzinfo") else value


class Resolver:
    """Caches, for one operation, which scheme applies at a node and which years are frozen."""

    def __init__(self) -> None:
        self._schemes: dict[tuple[str, int], Scheme | None] = {}
        self._active: dict[int, dict[str, Scheme]] = {}
        self._rules: dict[int, scoring.SchemeRules] = {}
        self._indicators: dict[int, list[Indicator]] = {}
        self._finalized: dict[str, set[int]] | None = None

    def active(self, year: int) -> dict[str, Scheme]:
        """The year's active member-points schemes by their node's path (one query per year)."""
        if year not in self._active:
            self._active[year] = {
                s.organization.path: s
                for s in Scheme.objects.filter(
                    purpose=SchemePurpose.MEMBER_POINTS, status=SchemeStatus.ACTIVE, year=year
                )
                .select_related("organization")
                .order_by("organization__depth", "pk")
            }
        return self._active[year]

    def scheme(self, org_path: str, year: int) -> Scheme | None:
        """The active scheme of the nearest node on the way up (one query per year, not per node)."""
        key = (org_path, year)
        if key not in self._schemes:
            active = self.active(year)
            self._schemes[key] = next(
                (active[p] for p in reversed(ancestor_paths(org_path)) if p in active), None
            )
        return self._schemes[key]

    def indicators(self, scheme: Scheme) -> list[Indicator]:
        if scheme.pk not in self._indicators:
            self._indicators[scheme.pk] = list(scheme.indicators.select_related("dimension"))
        return self._indicators[scheme.pk]

    def rules(self, scheme: Scheme) -> scoring.SchemeRules:
        if scheme.pk not in self._rules:
            self._rules[scheme.pk] = rules_from_rows(
                scheme, list(scheme.dimensions.all()), self.indicators(scheme)
            )
        return self._rules[scheme.pk]

    def by_source(self, scheme: Scheme, source: str) -> list[Indicator]:
        return [i for i in self.indicators(scheme) if source in (i.sources or [])]

    def frozen(self, org_path: str, year: int) -> bool:
        if self._finalized is None:
            found: dict[str, set[int]] = defaultdict(set)
            for path, y in YearClosing.objects.filter(status=YearStatus.FINALIZED).values_list(
                "organization__path", "year"
            ):
                found[path].add(y)
            self._finalized = found
        return rules.is_frozen(year, self._finalized, org_path)


def scheme_for(organization: Organization, year: int) -> Scheme | None:
    """The active points scheme for a node and year: the nearest one up the tree."""
    return Resolver().scheme(organization.path, year)


FROZEN_MESSAGE = "{year} 年度积分已定稿，不能再修改；更正请在当前年度以调整记录计入"


def _refuse_if_frozen(resolver: Resolver, org_path: str, year: int) -> None:
    if resolver.frozen(org_path, year):
        raise PointsError(FROZEN_MESSAGE.format(year=year), field="occurred_on")


# ---------------------------------------------------------------- yearly results


@dataclass(frozen=True)
class MemberResult:
    member_id: int
    organization_id: int
    scheme: Scheme
    evaluation: scoring.Evaluation


def _write_results(year: int, results: list[MemberResult]) -> None:
    ids = [r.member_id for r in results]
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        MemberYear.objects.filter(year=year, member_id__in=chunk).delete()
    now = timezone.now()

    def year_rows() -> Iterator[tuple[Any, ...]]:
        for r in results:
            ev = r.evaluation
            a_count = sum(1 for g in ev.grades.values() if g == "A")
            yield (
                r.member_id,
                year,
                r.organization_id,
                r.scheme.pk,
                ev.total,
                a_count,
                f"{a_count}A",
                ev.grades,
                {code: points_text(points) for code, points in ev.dimensions.items()},
                ev.vetoed,
                now,
            )

    # Raw rows (COPY on PostgreSQL): a city's or province's recompute writes hundreds of thousands.
    bulk_load(
        MemberYear,
        (
            "member",
            "year",
            "organization",
            "scheme",
            "total",
            "a_count",
            "grade",
            "grades",
            "dimensions",
            "vetoed",
            "updated_at",
        ),
        year_rows(),
    )


def refresh_member_years(*, member_ids: Iterable[int], year: int, resolver: Resolver | None = None) -> None:
    """Re-evaluate the given members' year from their ledger entries (the incremental path).

    Called inside the transaction of every ledger change. Members without an applicable scheme
    get no yearly result.
    """
    resolver = resolver or Resolver()
    ids = sorted(set(member_ids))
    if not ids:
        return
    members = list(
        Member.objects.filter(pk__in=ids).select_related("organization").only("pk", "organization__path")
    )
    events: dict[int, list[scoring.Event]] = defaultdict(list)
    for member_id, code, on, points, source_type, source_id in PointsEntry.objects.filter(
        member_id__in=ids, year=year
    ).values_list("member_id", "indicator__code", "occurred_on", "points", "source_type", "source_id"):
        events[member_id].append(scoring.Event(code, on, points, f"{source_type}:{source_id}"))
    results = []
    for m in members:
        scheme = resolver.scheme(m.organization.path, year)
        if scheme is None:
            continue
        evaluation = scoring.evaluate(resolver.rules(scheme), events.get(m.pk, []))
        results.append(MemberResult(m.pk, m.organization_id, scheme, evaluation))
    _write_results(year, results)
    stale = set(ids) - {r.member_id for r in results}
    if stale:
        MemberYear.objects.filter(year=year, member_id__in=stale).delete()


def recompute_year(*, year: int, organization: Organization | None = None) -> int:
    """Rebuild the yearly results of every active member (in a subtree) from the ledger, in SQL.

    Each active scheme governs the members under its node that no nearer scheme governs (as
    `Resolver.scheme`). The scheme's rules run as one SELECT (`core.scoring.sql`, checked against
    `rules.evaluate` by property tests) into a temporary table; then only the stored rows that
    differ are updated in place and missing ones added, so a recompute that confirms the stored
    year writes nothing. Returns the number of members evaluated.
    """
    resolver = Resolver()
    active = resolver.active(year)
    count = 0
    with transaction.atomic():
        for path, scheme in active.items():
            if organization is not None and not (
                organization.path.startswith(path) or path.startswith(organization.path)
            ):
                continue
            members = Member.objects.filter(status__in=ACTIVE_STATUSES, organization__path__startswith=path)
            whole_tree = organization is None and len(path) == SEGMENT + 1
            for nearer in active:
                if nearer != path and nearer.startswith(path):
                    members = members.exclude(organization__path__startswith=nearer)
                    whole_tree = False
            if organization is not None:
                members = members.filter(organization__path__startswith=organization.path)
            count += _recompute_scheme(year, scheme, resolver.rules(scheme), members, whole_tree=whole_tree)
    return count


def _recompute_scheme(
    year: int, scheme: Scheme, scheme_rules: scoring.SchemeRules, members: Any, *, whole_tree: bool
) -> int:
    entries = PointsEntry.objects.filter(year=year)
    if not whole_tree:  # only a speed-up: members outside `members` get no result either way
        entries = entries.filter(member__in=members.values("pk"))
    # One row per ledger entry: the rules' SELECT adds them per subject and code into twelve month
    # sums in one GROUP BY (grouping per month first was a second sort of the whole ledger).
    sums = (
        entries.annotate(month=ExtractMonth("occurred_on"), n=Value(1))
        .values_list("member_id", "indicator__code", "month", "points", "n")
        .order_by()
    )
    select, params = scoring_sql.evaluation_select(
        scheme_rules,
        subjects=members.values("pk").order_by().query.sql_with_params(),
        sums=sums.query.sql_with_params(),
        vendor=connection.vendor,
    )
    sqlite = connection.vendor == "sqlite"
    years = MemberYear._meta.db_table
    member_table = Member._meta.db_table
    # JSON objects with keys in the scheme's order, like the stored JSON; SQLite compares them as
    # minified text, PostgreSQL as jsonb. Scores as text with two decimals (`points_text`).
    if sqlite:
        source = "(SELECT * FROM rh_points_dims ORDER BY subject_id, position)"
        grades = "json_group_object(e.dimension, e.grade)"
        scores = "json_group_object(e.dimension, printf('%.2f', ROUND(e.score, 2) + 0.0))"
        stored_grades, stored_scores, label = "json(y.grades)", "json(y.dimensions)", "r.a_count || 'A'"
    else:
        source = "rh_points_dims"
        grades = "jsonb_object_agg(e.dimension, e.grade)"
        scores = "jsonb_object_agg(e.dimension, ROUND(e.score, 2)::text)"
        stored_grades, stored_scores, label = "y.grades", "y.dimensions", "r.a_count::text || 'A'"
    # `stored_id`: the member's stored row for the year; `same`: it already says this. Computed
    # before anything is written, so no statement reads the table it writes.
    statements: list[tuple[str, list[Any]]] = [
        ("DROP TABLE IF EXISTS rh_points_dims", []),
        ("DROP TABLE IF EXISTS rh_points_years", []),
        (f"CREATE TEMPORARY TABLE rh_points_dims AS {select}", params),
        (
            f"""CREATE TEMPORARY TABLE rh_points_years AS
            SELECT r.*, y.id AS stored_id,
                CASE WHEN y.id IS NOT NULL AND y.scheme_id = %s AND y.organization_id = r.organization_id
                    AND y.total = r.total AND y.a_count = r.a_count AND y.vetoed = (r.vetoed = 1)
                    AND {stored_grades} = r.grades AND {stored_scores} = r.dimensions
                THEN 1 ELSE 0 END AS same
            FROM (
                SELECT e.subject_id AS member_id, m.organization_id, ROUND(MAX(e.total), 2) AS total,
                    SUM(CASE WHEN e.grade = 'A' THEN 1 ELSE 0 END) AS a_count, MAX(e.vetoed) AS vetoed,
                    {grades} AS grades, {scores} AS dimensions
                FROM {source} e JOIN {member_table} m ON m.id = e.subject_id
                GROUP BY e.subject_id, m.organization_id
            ) r
            LEFT JOIN {years} y ON y.member_id = r.member_id AND y.year = %s""",
            [scheme.pk, year],
        ),
    ]
    if not sqlite:
        statements.append(("ANALYZE rh_points_years", []))
        # JIT compiling these expressions costs more than it saves (~0.9 s at 100k members).
        statements.insert(0, ("SET LOCAL jit = off", []))
    # Rows that differ are updated in place (one row per member; no foreign-key checks, since
    # the member stays), missing ones inserted.
    now = timezone.now()
    statements += [
        (
            f"""UPDATE {years} SET organization_id = r.organization_id, scheme_id = %s, total = r.total,
                a_count = r.a_count, grade = {label}, grades = r.grades, dimensions = r.dimensions,
                vetoed = (r.vetoed = 1), updated_at = %s
            FROM rh_points_years r WHERE {years}.id = r.stored_id AND r.same = 0""",
            [scheme.pk, now],
        ),
        (
            f"""INSERT INTO {years} (member_id, year, organization_id, scheme_id, total, a_count, grade,
                grades, dimensions, vetoed, updated_at)
            SELECT r.member_id, %s, r.organization_id, %s, r.total, r.a_count, {label}, r.grades,
                r.dimensions, r.vetoed = 1, %s
            FROM rh_points_years r WHERE r.stored_id IS NULL""",
            [year, scheme.pk, now],
        ),
    ]
    with connection.cursor() as cursor:
        for sql, sql_params in statements:
            cursor.execute(sql, sql_params)
        cursor.execute("SELECT COUNT(*) FROM rh_points_years")
        evaluated = cursor.fetchone()[0]
        cursor.execute("DROP TABLE rh_points_dims")
        cursor.execute("DROP TABLE rh_points_years")
    return evaluated


# ---------------------------------------------------------------- ledger writes


def _sync_source(
    *,
    source_type: str,
    source_id: str,
    desired: dict[tuple[int, int], tuple[Decimal, date]],
    scope_member_ids: Iterable[int] | None,
    resolver: Resolver,
    actor: Any = None,
    note: str = "",
) -> dict[str, int]:
    """Make the ledger entries of one source equal `desired` {(member, indicator): (points, day)}."""
    existing = {
        (e.member_id, e.indicator_id): e
        for e in PointsEntry.objects.filter(source_type=source_type, source_id=source_id).select_related(
            "member__organization"
        )
    }
    to_delete = [e for key, e in existing.items() if key not in desired]
    to_update = []
    to_create = []
    for key, (points, day) in desired.items():
        entry = existing.get(key)
        if entry is None:
            to_create.append(
                PointsEntry(
                    member_id=key[0],
                    indicator_id=key[1],
                    points=points,
                    occurred_on=day,
                    year=day.year,
                    source_type=source_type,
                    source_id=source_id,
                    note=note[:200],
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
            )
        elif entry.points != points or entry.occurred_on != day:
            to_update.append((entry, points, day))
    touched: dict[int, set[int]] = defaultdict(set)  # year → member ids
    paths = dict(
        Member.objects.filter(pk__in={k[0] for k in desired} | {k[0] for k in existing}).values_list(
            "pk", "organization__path"
        )
    )
    for e in to_delete:
        _refuse_if_frozen(resolver, paths[e.member_id], e.year)
        touched[e.year].add(e.member_id)
    for e in to_create:
        _refuse_if_frozen(resolver, paths[e.member_id], e.year)
        touched[e.year].add(e.member_id)
    for e, _points, day in to_update:
        _refuse_if_frozen(resolver, paths[e.member_id], e.year)
        _refuse_if_frozen(resolver, paths[e.member_id], day.year)
        touched[e.year].add(e.member_id)
        touched[day.year].add(e.member_id)
    if to_delete:
        PointsEntry.objects.filter(pk__in=[e.pk for e in to_delete]).delete()
    for e, points, day in to_update:
        e.points, e.occurred_on, e.year = points, day, day.year
        e.save(update_fields=["points", "occurred_on", "year"])
    PointsEntry.objects.bulk_create(to_create, batch_size=BATCH)
    for year, ids in touched.items():
        refresh_member_years(member_ids=ids, year=year, resolver=resolver)
    return {"created": len(to_create), "updated": len(to_update), "deleted": len(to_delete)}


def sync_meeting_points(*, meeting: Any, actor: Any = None) -> dict[str, int]:
    """Make a meeting's ledger entries match its current attendance (idempotent).

    Present members get the indicators whose sources name the meeting kind
    (``meeting:<kind>``); absent members get those naming ``meeting_absent``; excused members
    get nothing. Entries of members no longer present are removed. Refused when the meeting's
    year is finalized for a member concerned. A meeting that has not started yet earns and costs
    nothing: attendance proposed ahead of time is not evidence (check-in or an edit after the start
    syncs it).
    """
    resolver = Resolver()
    day = local_date(meeting.held_at)
    started = meeting.held_at <= timezone.now()
    with transaction.atomic():
        desired: dict[tuple[int, int], tuple[Decimal, date]] = {}
        for att in meeting.attendances.select_related("member__organization") if started else ():
            if att.status == AttendanceStatus.PRESENT:
                source = f"meeting:{meeting.kind}"
            elif att.status == AttendanceStatus.ABSENT:
                source = "meeting_absent"
            else:
                continue
            scheme = resolver.scheme(att.member.organization.path, day.year)
            if scheme is None:
                continue
            for ind in resolver.by_source(scheme, source):
                desired[(att.member_id, ind.pk)] = (ind.points, day)
        counts = _sync_source(
            source_type=SourceType.ATTENDANCE,
            source_id=str(meeting.pk),
            desired=desired,
            scope_member_ids=None,
            resolver=resolver,
            actor=actor,
            note=meeting.title,
        )
        if any(counts.values()):
            audit.record("points.meeting_synced", actor=actor, obj=meeting, changes=counts)
    return counts


def remove_meeting_points(*, meeting: Any, actor: Any = None) -> dict[str, int]:
    """Reverse all of a meeting's ledger entries (call before deleting the meeting)."""
    with transaction.atomic():
        counts = _sync_source(
            source_type=SourceType.ATTENDANCE,
            source_id=str(meeting.pk),
            desired={},
            scope_member_ids=None,
            resolver=Resolver(),
            actor=actor,
        )
        if counts["deleted"]:
            audit.record("points.meeting_points_removed", actor=actor, obj=meeting, changes=counts)
    return counts


def record_activity_points(
    *,
    source_type: str,
    source_id: str,
    member_ids: Iterable[int],
    on: date,
    note: str = "",
    actor: Any = None,
) -> dict[str, int]:
    """Training or volunteering: the members listed earn the indicators sourced from it (idempotent)."""
    if source_type not in (SourceType.TRAINING, SourceType.VOLUNTEERING):
        raise PointsError("只能记录培训或志愿服务积分")
    resolver = Resolver()
    with transaction.atomic():
        desired: dict[tuple[int, int], tuple[Decimal, date]] = {}
        for member_id, path in Member.objects.filter(pk__in=list(member_ids)).values_list(
            "pk", "organization__path"
        ):
            scheme = resolver.scheme(path, on.year)
            if scheme is None:
                continue
            for ind in resolver.by_source(scheme, source_type):
                desired[(member_id, ind.pk)] = (ind.points, on)
        counts = _sync_source(
            source_type=source_type,
            source_id=source_id,
            desired=desired,
            scope_member_ids=None,
            resolver=resolver,
            actor=actor,
            note=note,
        )
        audit.record(
            "points.activity_recorded",
            actor=actor,
            object_type=f"points.{source_type}",
            object_id=source_id,
            changes=counts,
        )
    return counts


def _check_indicator(resolver: Resolver, member: Member, indicator: Indicator, year: int) -> Scheme:
    scheme = resolver.scheme(member.organization.path, year)
    if scheme is None:
        raise PointsError(f"{year} 年度没有适用于该党员的积分方案", field="occurred_on")
    if indicator.scheme_id != scheme.pk:
        raise PointsError("所选指标不属于该党员适用的积分方案", field="indicator")
    return scheme


def adjust_points(
    *, actor: Any, member: Member, indicator: Indicator, points: Any, on: date, reason: str
) -> PointsEntry:
    """A manual adjustment by an authorized role (points.edit at the member's node), with a reason."""
    if not has_perm_at(actor, "points.edit", member.organization.path):
        raise PermissionDenied("您没有调整积分的权限")
    try:
        value = rules.parse_points(points, positive=False)
    except ValueError as exc:
        raise PointsError(str(exc), field="points") from exc
    reason = (reason or "").strip()
    if not reason:
        raise PointsError("请填写调整原因", field="reason")
    resolver = Resolver()
    _refuse_if_frozen(resolver, member.organization.path, on.year)
    _check_indicator(resolver, member, indicator, on.year)
    with transaction.atomic():
        entry = PointsEntry.objects.create(
            member=member,
            indicator=indicator,
            points=value,
            occurred_on=on,
            year=on.year,
            source_type=SourceType.ADJUSTMENT,
            source_id=str(timezone.now().timestamp()) + f":{member.pk}",
            note=reason[:200],
            created_by=actor,
        )
        refresh_member_years(member_ids=[member.pk], year=on.year, resolver=resolver)
        audit.record(
            "points.adjusted",
            actor=actor,
            obj=entry,
            changes={"points": str(value), "indicator": indicator.code, "reason": reason, "on": str(on)},
        )
    return entry


# ---------------------------------------------------------------- claims


def submit_claim(
    *,
    actor: Any,
    member: Member,
    indicator: Indicator,
    occurred_on: date,
    points: Any,
    description: str,
    photo: Any = None,
) -> Claim:
    """A member reports an activity with evidence; it waits for the branch's decision."""
    own = getattr(actor, "member_id", None) == member.pk
    if not own and not has_perm_at(actor, "points.edit", member.organization.path):
        raise PermissionDenied("只能为本人申报积分")
    try:
        value = rules.parse_points(points, positive=True)
    except ValueError as exc:
        raise PointsError(str(exc), field="points") from exc
    try:
        rules.check_claim_date(occurred_on, timezone.localdate())
    except ValueError as exc:
        raise PointsError(str(exc), field="occurred_on") from exc
    description = (description or "").strip()
    if not description:
        raise PointsError("请填写活动说明", field="description")
    resolver = Resolver()
    _refuse_if_frozen(resolver, member.organization.path, occurred_on.year)
    _check_indicator(resolver, member, indicator, occurred_on.year)
    if not indicator.claimable:
        raise PointsError("该指标由系统自动采集，不能申报", field="indicator")
    photo_type = ""
    if photo:
        head = photo.read(16)
        photo.seek(0)
        try:
            photo_type = rules.check_photo(
                size=photo.size, head=head, max_bytes=settings.RONGHE_CLAIM_PHOTO_MAX_BYTES
            )
        except ValueError as exc:
            raise PointsError(str(exc), field="photo") from exc
    with transaction.atomic():
        claim = Claim(
            member=member,
            indicator=indicator,
            occurred_on=occurred_on,
            points=value,
            description=description,
            photo_type=photo_type,
            submitted_by=actor,
        )
        if photo:
            claim.photo.save(f"{claim.code}.{photo_type.split('/')[1]}", photo, save=False)
        claim.save()
        ClaimHistory.objects.create(claim=claim, to_state=ClaimState.SUBMITTED, actor=actor)
        audit.record(
            "points.claim_submitted",
            actor=actor,
            obj=claim,
            changes={"indicator": indicator.code, "points": str(value), "on": str(occurred_on)},
        )
    return claim


def transition_claim(*, claim: Claim, action: str, actor: Any, comment: str = "") -> Claim:
    """Apply one declared transition (rules.CLAIM_TRANSITIONS), writing history and audit.

    Approval writes the ledger entry (source = the claim). Refused: an undeclared transition,
    approving one's own claim, rejecting without a reason, a finalized year.
    """
    try:
        step = rules.claim_transition(claim.state, action)
    except ValueError as exc:
        raise PointsError(str(exc)) from exc
    path = claim.member.organization.path
    if step.permission == "owner":
        if getattr(actor, "member_id", None) != claim.member_id:
            raise PermissionDenied("只能撤回本人的申报")
    else:
        if not has_perm_at(actor, step.permission, path):
            raise PermissionDenied("您没有审核积分申报的权限")
        if getattr(actor, "member_id", None) == claim.member_id:
            raise PointsError("不能审核本人的申报")
    comment = (comment or "").strip()
    if action == ClaimAction.REJECT and not comment:
        raise PointsError("退回申报时请填写理由", field="reason")
    resolver = Resolver()
    if action == ClaimAction.APPROVE:
        _refuse_if_frozen(resolver, path, claim.occurred_on.year)
    with transaction.atomic():
        now = timezone.now()
        updated = Claim.objects.filter(pk=claim.pk, state=claim.state).update(
            state=step.next_state,
            decided_by=actor if action != ClaimAction.WITHDRAW else None,
            decided_at=now,
            decision_reason=comment[:200],
            updated_at=now,
        )
        if updated != 1:
            raise PointsError("该申报已被他人处理，请刷新后查看")
        ClaimHistory.objects.create(
            claim=claim,
            from_state=claim.state,
            to_state=step.next_state,
            action=action,
            actor=actor,
            comment=comment,
        )
        before = claim.state
        claim.refresh_from_db()
        if action == ClaimAction.APPROVE:
            PointsEntry.objects.create(
                member_id=claim.member_id,
                indicator_id=claim.indicator_id,
                points=claim.points,
                occurred_on=claim.occurred_on,
                year=claim.occurred_on.year,
                source_type=SourceType.CLAIM,
                source_id=str(claim.pk),
                note=claim.description[:200],
                created_by=actor,
            )
            refresh_member_years(member_ids=[claim.member_id], year=claim.occurred_on.year, resolver=resolver)
        audit.record(
            f"points.claim_{action}",
            actor=actor,
            obj=claim,
            changes=audit.diff({"state": before}, {"state": claim.state}) | {"comment": comment},
        )
    return claim


# ---------------------------------------------------------------- year end


def _closing(organization: Organization, year: int) -> YearClosing:
    closing, _ = YearClosing.objects.get_or_create(organization=organization, year=year)
    return closing


def start_publicity(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    until: date | None = None,
    working_days: int | None = None,
) -> YearClosing:
    """Open the 公示 period of a year's results for a subtree (points.manage_scheme there).

    The period is either ``working_days`` working days counted from tomorrow (core.workdays:
    holidays and 调休 included; a year without a published arrangement falls back to
    Monday–Friday and the closing is flagged) or an explicit end date ``until``.
    """
    from ronghe.core import workdays

    if not has_perm_at(actor, "points.manage_scheme", organization.path):
        raise PermissionDenied("您没有年度定稿的权限")
    today = timezone.localdate()
    fallback = False
    if working_days:
        try:
            span = workdays.add_working_days(today, working_days, workdays.load_table())
        except ValueError as exc:
            raise PointsError(str(exc), field="working_days") from exc
        until, fallback = span.end, span.fallback
    if until is None:
        raise PointsError("请填写公示期（工作日）或公示截止日期", field="working_days")
    if until < today:
        raise PointsError("公示截止日期不能早于今天", field="until")
    with transaction.atomic():
        closing = _closing(organization, year)
        if closing.status == YearStatus.FINALIZED:
            raise PointsError(f"{year} 年度积分已定稿")
        recompute_year(year=year, organization=organization)
        closing.status = YearStatus.PUBLICITY
        closing.publicity_from = today
        closing.publicity_until = until
        closing.publicity_working_days = working_days or None
        closing.publicity_fallback = fallback
        closing.save()
        audit.record(
            "points.publicity_started",
            actor=actor,
            obj=closing,
            changes={
                "year": year,
                "until": str(until),
                "working_days": working_days,
                "weekday_fallback": fallback,
            },
        )
    return closing


def finalize_year(*, actor: Any, organization: Organization, year: int) -> YearClosing:
    """Finalize after the 公示 period: store every member's result with its rules snapshot; freeze."""
    if not has_perm_at(actor, "points.manage_scheme", organization.path):
        raise PermissionDenied("您没有年度定稿的权限")
    with transaction.atomic():
        closing = _closing(organization, year)
        if closing.status != YearStatus.PUBLICITY:
            raise PointsError("须先公示，公示期满后才能定稿")
        if closing.publicity_until and timezone.localdate() < closing.publicity_until:
            raise PointsError(f"公示期至 {closing.publicity_until:%Y-%m-%d}，期满后才能定稿")
        count = recompute_year(year=year, organization=organization)
        _store_results(year=year, organization=organization)
        closing.status = YearStatus.FINALIZED
        closing.finalized_at = timezone.now()
        closing.finalized_by = actor
        closing.save()
        audit.record(
            "points.year_finalized", actor=actor, obj=closing, changes={"year": year, "members": count}
        )
    return closing


def _store_results(*, year: int, organization: Organization) -> None:
    """One scoring.Result per member: total, breakdown with evidence refs, and the rules snapshot."""
    resolver = Resolver()
    rows = MemberYear.objects.filter(year=year, organization__path__startswith=organization.path).values_list(
        "member_id", "organization_id", "scheme_id"
    )
    rows = list(rows)
    schemes = {s.pk: s for s in Scheme.objects.filter(pk__in={r[2] for r in rows})}
    period = str(year)
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        ids = [r[0] for r in chunk]
        events: dict[int, list[scoring.Event]] = defaultdict(list)
        for member_id, code, on, points, st, sid in PointsEntry.objects.filter(
            member_id__in=ids, year=year
        ).values_list("member_id", "indicator__code", "occurred_on", "points", "source_type", "source_id"):
            events[member_id].append(scoring.Event(code, on, points, f"{st}:{sid}"))
        Result.objects.filter(
            subject_type="members.member", subject_id__in=[str(i) for i in ids], period=period
        ).delete()
        out = []
        for member_id, org_id, scheme_id in chunk:
            scheme = schemes[scheme_id]
            scheme_rules = resolver.rules(scheme)
            ev = scoring.evaluate(scheme_rules, events.get(member_id, []))
            out.append(
                Result(
                    scheme=scheme,
                    organization_id=org_id,
                    subject_type="members.member",
                    subject_id=str(member_id),
                    period=period,
                    total=ev.total,
                    grade=scoring.grade_label(ev.grades, [d.code for d in scheme_rules.dimensions]),
                    breakdown=ev.to_dict(),
                    snapshot=scheme_rules.to_snapshot(),
                )
            )
        Result.objects.bulk_create(out, batch_size=BATCH)


# ---------------------------------------------------------------- schemes


def seed_default_scheme(
    *, organization: Organization, year: int, actor: Any = None, activate: bool = True, recompute: bool = True
) -> Scheme:
    """Create the default members' points scheme (defaults.py) at a node for a year."""
    with transaction.atomic():
        last = (
            Scheme.objects.filter(purpose=SchemePurpose.MEMBER_POINTS, organization=organization, year=year)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        scheme = Scheme.objects.create(
            name=f"{year}年度{defaults.DEFAULT_NAME}",
            purpose=SchemePurpose.MEMBER_POINTS,
            organization=organization,
            year=year,
            version=(last or 0) + 1,
            status=SchemeStatus.DRAFT,
            floor=Decimal("0"),
            ceiling=None,
            allow_refine=True,
            description="基础分 60 分，加分、扣分按细则计算，各项按上限封顶，年度清零，最低 0 分。",
        )
        dims = {}
        for order, (code, name, base, a, b) in enumerate(defaults.DIMENSIONS):
            dims[code] = Dimension.objects.create(
                scheme=scheme, code=code, name=name, order=order, base=base, threshold_a=a, threshold_b=b
            )
        Indicator.objects.bulk_create(
            [
                Indicator(
                    scheme=scheme,
                    dimension=dims[dim],
                    code=code,
                    name=name,
                    kind=kind,
                    points=points,
                    cap_month=cm,
                    cap_quarter=cq,
                    cap_year=cy,
                    sources=sources,
                    claimable=claimable,
                    order=order,
                )
                for order, (code, dim, name, kind, points, cm, cq, cy, sources, claimable) in enumerate(
                    defaults.INDICATORS
                )
            ]
        )
        audit.record("scoring.scheme_seeded", actor=actor, obj=scheme, changes={"year": year})
        if activate:
            from ronghe.core.scoring.services import activate_scheme

            activate_scheme(scheme=scheme, actor=actor)
            if recompute:
                recompute_year(year=year, organization=organization)
    return scheme


def activate_points_scheme(*, scheme: Scheme, actor: Any) -> Scheme:
    """Activate a draft version; the year's ledger entries move to its indicators (by code).

    Refused for a finalized year and for a unit's refinement the 工委's scheme does not allow.
    """
    from ronghe.core.scoring.services import SchemeError, activate_scheme

    if not has_perm_at(actor, "points.manage_scheme", scheme.organization.path):
        raise PermissionDenied("您没有设置积分方案的权限")
    resolver = Resolver()
    if resolver.frozen(scheme.organization.path, scheme.year):
        raise PointsError(FROZEN_MESSAGE.format(year=scheme.year))
    parent_paths = ancestor_paths(scheme.organization.path)[:-1]
    parent = (
        Scheme.objects.filter(
            purpose=scheme.purpose,
            status=SchemeStatus.ACTIVE,
            year=scheme.year,
            organization__path__in=parent_paths,
        )
        .order_by("-organization__depth")
        .first()
    )
    if parent is not None and not parent.allow_refine:
        raise PointsError(f"上级方案“{parent.name}”不允许下级细化")
    with transaction.atomic():
        try:
            activate_scheme(scheme=scheme, actor=actor)
        except SchemeError as exc:
            raise PointsError(str(exc)) from exc
        new_by_code = {i.code: i.pk for i in scheme.indicators.all()}
        members = Member.objects.filter(organization__path__startswith=scheme.organization.path)
        entries = PointsEntry.objects.filter(year=scheme.year, member__in=members).exclude(
            indicator__scheme=scheme
        )
        for old_code, new_pk in new_by_code.items():
            entries.filter(indicator__code=old_code).update(indicator_id=new_pk)
        recompute_year(year=scheme.year, organization=scheme.organization)
    return scheme


INDICATOR_FIELDS = [
    "code",
    "name",
    "dimension",
    "kind",
    "points",
    "cap_month",
    "cap_quarter",
    "cap_year",
    "floor",
    "ceiling",
    "sources",
    "claimable",
]


def _editable_scheme(actor: Any, scheme: Scheme) -> None:
    if not has_perm_at(actor, "points.manage_scheme", scheme.organization.path):
        raise PermissionDenied("您没有设置积分方案的权限")
    if not scheme.is_editable:
        raise PointsError("只有草稿方案可以修改；请先复制为新版本")


def _check_indicator_values(scheme: Scheme, values: dict[str, Any], exclude_pk: int | None = None) -> None:
    problems = scoring.indicator_problems(
        kind=values["kind"],
        points=values["points"],
        cap_month=values.get("cap_month"),
        cap_quarter=values.get("cap_quarter"),
        cap_year=values.get("cap_year"),
        floor=values.get("floor"),
        ceiling=values.get("ceiling"),
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise PointsError(message, field=field)
    dimension = values["dimension"]
    if dimension.scheme_id != scheme.pk:
        raise PointsError("所选维度不属于本方案", field="dimension")
    duplicate = Indicator.objects.filter(scheme=scheme, code=values["code"]).exclude(pk=exclude_pk)
    if duplicate.exists():
        raise PointsError(f"指标代码“{values['code']}”已在本方案中使用", field="code")


def create_indicator(*, actor: Any, scheme: Scheme, data: dict[str, Any]) -> Indicator:
    """Add an indicator to a draft scheme (code unique within the scheme, numbers validated)."""
    _editable_scheme(actor, scheme)
    values = {f: data.get(f) for f in INDICATOR_FIELDS}
    values["sources"] = list(values["sources"] or [])
    values["claimable"] = bool(values["claimable"])
    _check_indicator_values(scheme, values)
    with transaction.atomic():
        last = scheme.indicators.order_by("-order").values_list("order", flat=True).first()
        indicator = Indicator.objects.create(scheme=scheme, order=(last or 0) + 1, **values)
        audit.record(
            "scoring.indicator_created",
            actor=actor,
            obj=scheme,
            changes={f: str(getattr(indicator, f)) for f in INDICATOR_FIELDS},
        )
    return indicator


def update_indicator(*, actor: Any, indicator: Indicator, data: dict[str, Any]) -> Indicator:
    """Edit a draft scheme's indicator; active schemes are changed by a new version (clone)."""
    scheme = indicator.scheme
    _editable_scheme(actor, scheme)
    before = {f: str(getattr(indicator, f)) for f in INDICATOR_FIELDS}
    values = {f: data[f] if f in data else getattr(indicator, f) for f in INDICATOR_FIELDS}
    _check_indicator_values(scheme, values, exclude_pk=indicator.pk)
    with transaction.atomic():
        for f, v in values.items():
            setattr(indicator, f, v)
        indicator.save()
        audit.record(
            "scoring.indicator_updated",
            actor=actor,
            obj=scheme,
            changes=audit.diff(before, {f: str(getattr(indicator, f)) for f in INDICATOR_FIELDS})
            | {"code": indicator.code},
        )
    return indicator


def delete_indicator(*, actor: Any, indicator: Indicator) -> None:
    """Remove an indicator from a draft; refused while ledger entries or claims refer to it."""
    scheme = indicator.scheme
    _editable_scheme(actor, scheme)
    if (
        PointsEntry.objects.filter(indicator=indicator).exists()
        or Claim.objects.filter(indicator=indicator).exists()
    ):
        raise PointsError(f"指标“{indicator.name}”已有积分记录或申报，不能删除")
    with transaction.atomic():
        audit.record(
            "scoring.indicator_deleted",
            actor=actor,
            obj=scheme,
            changes={"code": indicator.code, "name": indicator.name},
        )
        indicator.delete()


def update_dimension(*, actor: Any, dimension: Dimension, data: dict[str, Any]) -> Dimension:
    """Edit a draft's dimension (name, base, A/B lines; B must not exceed A)."""
    scheme = dimension.scheme
    _editable_scheme(actor, scheme)
    fields = ["name", "base", "threshold_a", "threshold_b"]
    before = {f: str(getattr(dimension, f)) for f in fields}
    if "name" in data and not (data["name"] or "").strip():
        raise PointsError("维度名称不能为空", field="name")
    problems = scoring.threshold_problems(
        threshold_a=data.get("threshold_a", dimension.threshold_a),
        threshold_b=data.get("threshold_b", dimension.threshold_b),
    )
    if problems:
        raise PointsError(
            f"“{data.get('name') or dimension.name}”{problems['threshold_b']}", field="threshold_b"
        )
    with transaction.atomic():
        for f in fields:
            if f in data:
                setattr(dimension, f, data[f])
        dimension.save()
        audit.record(
            "scoring.dimension_updated",
            actor=actor,
            obj=scheme,
            changes=audit.diff(before, {f: str(getattr(dimension, f)) for f in fields})
            | {"code": dimension.code},
        )
    return dimension


def update_scheme_settings(*, actor: Any, scheme: Scheme, data: dict[str, Any]) -> Scheme:
    """Edit a draft's name, total floor/ceiling and whether units may refine it."""
    _editable_scheme(actor, scheme)
    fields = ["name", "floor", "ceiling", "allow_refine", "description"]
    floor, ceiling = data.get("floor", scheme.floor), data.get("ceiling", scheme.ceiling)
    if floor is not None and ceiling is not None and floor > ceiling:
        raise PointsError("总分上限不能低于总分下限", field="ceiling")
    before = {f: str(getattr(scheme, f)) for f in fields}
    with transaction.atomic():
        for f in fields:
            if f in data:
                setattr(scheme, f, data[f])
        scheme.save()
        audit.record(
            "scoring.scheme_updated",
            actor=actor,
            obj=scheme,
            changes=audit.diff(before, {f: str(getattr(scheme, f)) for f in fields}),
        )
    return scheme


def indicator_kinds() -> dict[str, str]:
    return dict(IndicatorKind.choices)
