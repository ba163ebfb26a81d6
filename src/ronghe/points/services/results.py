"""Yearly results: refresh the affected members after each ledger change; rebuild a year in SQL.

`refresh_member_years` evaluates in Python through the one engine; `recompute_year` runs the engine's
SQL (`core.scoring.sql`) and writes `MemberYear` rows that differ. The two must agree exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from ronghe.core import dbfeatures
from ronghe.core.bulk import bulk_load
from ronghe.core.scoring import rules as scoring
from ronghe.core.scoring import sql as scoring_sql
from ronghe.core.scoring.models import Scheme
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import SEGMENT, Organization
from ronghe.points.models import MemberYear, PointsEntry, points_text
from ronghe.points.services.resolve import (
    BATCH,
    Resolver,
)


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
    year: int,
    scheme: Scheme,
    scheme_rules: scoring.SchemeRules,
    members: QuerySet[Member],
    *,
    whole_tree: bool,
) -> int:
    if connection.vendor != "sqlite" and not dbfeatures.enabled("set_based_recompute"):
        return _recompute_scheme_in_python(year, scheme, scheme_rules, members)
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
        evaluated: int = cursor.fetchone()[0]
        cursor.execute("DROP TABLE rh_points_dims")
        cursor.execute("DROP TABLE rh_points_years")
    return evaluated


def _recompute_scheme_in_python(
    year: int, scheme: Scheme, scheme_rules: scoring.SchemeRules, members: QuerySet[Member]
) -> int:
    """The generic path of `_recompute_scheme` (PostgreSQL-compatible databases without
    jsonb_object_agg and friends; RONGHE_PG_FAST_PATHS): the same engine in Python, `BATCH` members
    at a time, rewriting only the rows whose result changed, like the SQL path."""
    ids = list(members.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        events: dict[int, list[scoring.Event]] = defaultdict(list)
        for member_id, code, on, points, source_type, source_id in PointsEntry.objects.filter(
            member_id__in=chunk, year=year
        ).values_list("member_id", "indicator__code", "occurred_on", "points", "source_type", "source_id"):
            events[member_id].append(scoring.Event(code, on, points, f"{source_type}:{source_id}"))
        stored = {y.member_id: y for y in MemberYear.objects.filter(year=year, member_id__in=chunk)}
        changed = []
        for pk, organization_id in Member.objects.filter(pk__in=chunk).values_list("pk", "organization_id"):
            result = MemberResult(
                pk, organization_id, scheme, scoring.evaluate(scheme_rules, events.get(pk, []))
            )
            if not _same(stored.get(pk), result):
                changed.append(result)
        _write_results(year, changed)
    return len(ids)


def _same(row: MemberYear | None, result: MemberResult) -> bool:
    if row is None:
        return False
    ev = result.evaluation
    a_count = sum(1 for g in ev.grades.values() if g == "A")
    return (
        row.scheme_id == result.scheme.pk
        and row.organization_id == result.organization_id
        and row.total == ev.total
        and row.a_count == a_count
        and row.vetoed == ev.vetoed
        and row.grades == ev.grades
        and row.dimensions == {code: points_text(points) for code, points in ev.dimensions.items()}
    )
