"""The compliance rollup of a subtree (the table and the 工委 home page): per child, requirement and
period, histograms of meetings held counted in SQL, each distinct case evaluated once (docs/architecture.md,
"Read caches at scale"). The per-organization obligations are `compliance.py`."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, CharField, Count, F, QuerySet, Value, When
from django.db.models.functions import Substr

from ronghe.accounts.models import User
from ronghe.core.readcache import cached_aggregate, summary_version
from ronghe.core.scope import paths_with, scoped
from ronghe.orglife import rules
from ronghe.orglife.choices import ComplianceState, MeetingKind, Period
from ronghe.orglife.compliance import (
    Tally,
    _active_members,
    _coverage,
    _covered_members,
    held_counts,
    held_per_period,
    not_owed,
    requirements_for_year,
    study_days_by_month,
)
from ronghe.orglife.models import MeetingRequirement
from ronghe.orgs.models import Organization


@dataclass
class RollupRow:
    organization: Organization
    tally: Tally
    organizations: int
    is_leaf: bool
    is_self: bool = False  # the node's own obligations, above its children


# The table still groups every meeting of the year in the scope: at a province that is seconds
# per request, so the result is kept per scope for a minute. Any ORM save/delete of a member,
# organization, meeting, attendance row or requirement drops it (`core.readcache`'s version, the
# models declared in each app's `ready()`); bulk writes from other processes show within the minute.
ROLLUP_CACHE_SECONDS = 60


def rollup(user: User, node: Organization | None, year: int, today: date) -> tuple[list[RollupRow], Tally]:
    """Drill-down: one row per child of `node` (or per visible top node), summing its subtree (cached)."""
    raw = repr(
        (
            paths_with(user, "orglife.view"),
            node.path if node else None,
            year,
            today.isoformat(),
            summary_version(),
        )
    )
    key = "orglife:rollup:" + hashlib.sha256(raw.encode()).hexdigest()
    return cached_aggregate(key, lambda: compute_rollup(user, node, year, today), ROLLUP_CACHE_SECONDS)


def compute_rollup(
    user: User, node: Organization | None, year: int, today: date
) -> tuple[list[RollupRow], Tally]:
    """The uncached drill-down: per child of `node`, the obligations of its subtree counted by state.

    The same numbers as adding up `compliance_in_scope`'s tallies per child, counted in the
    database (`subtree_tallies`); when the node has children and obligations of its own, those
    come first as a row of the node itself (本级).
    """
    visible = scoped(Organization.objects.all(), user, "orglife.view")
    if node is None:
        # The visible tree is the subtrees of the user's grants, so its top nodes are the grants' nodes.
        roots = list(visible.filter(path__in=paths_with(user, "orglife.view")).order_by("path"))
        if len(roots) == 1:
            node = roots[0]
        children = roots
    if node is not None:
        children = list(visible.filter(parent=node).order_by("sort_order", "path"))
        if not children:
            children = [node]
    orgs = visible if node is None else visible.filter(path__startswith=node.path)
    tallies = subtree_tallies(orgs, [child.path for child in children], year, today)
    total = Tally()
    rows = []
    if node is not None and children != [node]:
        # The node's own obligations (a 机关党委's 党员大会, a 支部's above its 党小组): a row of its
        # own, so the table's total equals the node's row one level up.
        tally, n = subtree_tallies(visible.filter(pk=node.pk), [node.path], year, today)[node.path]
        if n:
            total.merge(tally)
            rows.append(RollupRow(node, tally, n, is_leaf=True, is_self=True))
    for child in children:
        tally, n = tallies[child.path]
        total.merge(tally)
        rows.append(RollupRow(child, tally, n, is_leaf=child.path == (node.path if node else None)))
    return rows, total


def subtree_tallies(
    orgs: QuerySet[Organization], paths: list[str], year: int, today: date
) -> dict[str, tuple[Tally, int]]:
    """Per node of `paths` (nodes that do not nest): the obligations of the organizations of `orgs`
    in its subtree counted by state, and how many of them have obligations. The same numbers as
    adding up `compute_compliance(orgs, year, today)`'s tallies per subtree.

    An obligation's state depends only on (required, held, period, today), so instead of one
    obligation per organization and period (two million at a province) the database returns, per
    subtree, requirement and period, how many organizations held each number of meetings, and each
    number is evaluated once. Organizations without a meeting in a period are the applicable ones
    less those counted. A coverage requirement compares two numbers of each organization (members
    present at least once, active members), so it is counted per (required, held) pair. Constant
    number of queries: requirements, organizations per subtree and kind, one GROUP BY over the
    meetings, one per coverage requirement, and the study-day setting when a requirement uses it.
    """
    if not paths:
        return {}
    tallies = {path: Tally() for path in paths}
    reqs = requirements_for_year(year)
    orgs = orgs.filter(kind__in={k for r in reqs for k in r.org_kinds}, is_active=True)
    applicable: dict[tuple[str, str], int] = {
        (row["subtree_path"], row["kind"]): row["n"]
        for row in orgs.annotate(subtree_path=_subtree("path", paths))
        .values("subtree_path", "kind")
        .annotate(n=Count("id"))
        .order_by()
    }
    node_of = _regroup(paths)
    if node_of is not None:
        applicable = _sum_by_node(applicable, node_of)
    counts = dict.fromkeys(paths, 0)
    for (path, _kind), n in applicable.items():
        if path in counts:  # the node itself, above its children, is in no row
            counts[path] += n
    if not any(counts.values()):
        return {path: (tallies[path], 0) for path in paths}
    held = _held_histogram(orgs, paths, year, [r for r in reqs if not r.coverage], node_of)
    pairs = {r.kind: _coverage_histogram(orgs, paths, year, r, node_of) for r in reqs if r.coverage}
    scheduled = {r.kind for r in reqs if r.kind == MeetingKind.STUDY_DAY and r.period == Period.MONTH}
    study = study_days_by_month(year) if scheduled else {}
    for r in reqs:
        slots = rules.period_slots(r.period, year)
        kinds = set(r.org_kinds)
        # An obligation is met (held ≥ required) or in its period's unmet state (`rules.evaluate_state`):
        # the organizations of a subtree are counted per period into one of the two.
        unmet = [rules.unmet_state(start=slot.start, end=slot.end, today=today) for slot in slots]
        scheduled_required = [len(study[slot.index]) if r.kind in scheduled else None for slot in slots]
        for path, tally in tallies.items():
            n_orgs = sum(applicable.get((path, kind), 0) for kind in kinds)
            if not n_orgs:
                continue
            met = 0
            not_met: dict[str, int] = defaultdict(int)
            for slot, state, scheduled_n in zip(slots, unmet, scheduled_required, strict=True):
                if r.coverage:  # every organization it applies to has a row: (required, held, how many)
                    n_all = n_met = 0
                    for required, n_held, n in pairs[r.kind].get(path, ()):
                        n_all += n
                        if n_held >= (required if scheduled_n is None else scheduled_n):
                            n_met += n
                else:  # rows for those that held a meeting; the others held none
                    required = r.min_count if scheduled_n is None else scheduled_n
                    n_all, n_met = n_orgs, (0 if required > 0 else n_orgs)
                    if required > 0:
                        for n_held, n in held.get((path, r.kind, slot.index), ()):
                            if n_held >= required:
                                n_met += n
                met += n_met
                not_met[state] += n_all - n_met
            tally.add(ComplianceState.MET, met)
            for state, n in not_met.items():
                tally.add(state, n)
    _take_out_not_owed(orgs, paths, tallies, year, today, reqs)
    return {path: (tallies[path], counts[path]) for path in paths}


K = TypeVar("K", str, tuple[str, str], tuple[str, str, int])


def _node_key(key: K, node_of: Callable[[str], str | None]) -> K | None:
    path = key if isinstance(key, str) else key[0]
    node = node_of(path)
    if node is None:
        return None
    return node if isinstance(key, str) else (node, *key[1:])


def _sum_by_node(found: dict[K, int], node_of: Callable[[str], str | None]) -> dict[K, int]:
    """Per-organization counts keyed by path (first) added up per node."""
    out: dict[K, int] = defaultdict(int)
    for key, n in found.items():
        if (node := _node_key(key, node_of)) is not None:
            out[node] += n
    return out


# Organizations whose obligations are evaluated one by one per query when their setup rules some
# out: a bounded IN list (SQLite's limit on parameters), so the queries grow with the number of
# such organizations / 500, never one per branch.
NOT_OWED_CHUNK = 500


def _take_out_not_owed(
    orgs: QuerySet[Organization],
    paths: list[str],
    tallies: dict[str, Tally],
    year: int,
    today: date,
    reqs: list[MeetingRequirement],
) -> None:
    """Take out of the subtrees' tallies the obligations the histograms counted for organizations
    whose setup rules them out that period (`compliance.not_owed`: a branch of fewer than 7 正式党员
    has no 支委会, an empty 党小组 no meetings), so the tallies equal `compute_compliance`'s.

    The histograms count every applicable organization in every period; the few obligations not
    owed are evaluated as `compute_compliance` would evaluate them, and subtracted.
    """
    slots = {r.kind: rules.period_slots(r.period, year) for r in reqs}
    skipped = not_owed(orgs, year, reqs, slots)
    if not skipped:
        return
    lengths = sorted({len(p) for p in paths})
    node_of = {pk: next((path[:n] for n in lengths if path[:n] in tallies), None) for pk, path, *_ in skipped}
    wanted = [(pk, kind, index) for pk, _path, kind, index in skipped if node_of[pk] is not None]
    ids = sorted({pk for pk, _kind, _index in wanted})
    by_kind = {r.kind: r for r in reqs}
    gated = [by_kind[kind] for kind in sorted({kind for _pk, kind, _index in wanted})]
    study = study_days_by_month(year) if any(r.kind == MeetingKind.STUDY_DAY for r in gated) else {}
    held: dict[tuple[int, str, int], int] = {}
    covered: dict[tuple[int, str], int] = {}
    members: dict[int, int] = {}
    for i in range(0, len(ids), NOT_OWED_CHUNK):
        chunk = orgs.filter(pk__in=ids[i : i + NOT_OWED_CHUNK])
        held.update(held_counts(chunk, year, [r for r in gated if not r.coverage]))
        more_covered, more_members = _coverage(chunk, year, [r.kind for r in gated if r.coverage])
        covered.update(more_covered)
        members.update(more_members)
    slot_of = {(kind, slot.index): slot for kind, found in slots.items() for slot in found}
    for pk, kind, index in wanted:
        # The obligation as `compliance._evaluate` would have evaluated it, taken out.
        r, slot = by_kind[kind], slot_of[(kind, index)]
        if r.coverage:
            required, n_held = members.get(pk, 0), covered.get((pk, kind), 0)
        else:
            required, n_held = r.min_count, held.get((pk, kind, index), 0)
        if kind == MeetingKind.STUDY_DAY and r.period == Period.MONTH:
            required = len(study[index])
        state = rules.evaluate_state(
            required=required, held=n_held, start=slot.start, end=slot.end, today=today
        )
        node = node_of[pk]
        assert node is not None
        tallies[node].add(state, -1)


# Above this many nodes at different depths, the SQL groups per organization (its own path) and
# `_regroup` adds the organizations up per node in Python: a CASE of one LIKE per node would be
# tested on every organization (nodes × organizations).
CASE_LIMIT = 20


def _subtree(field: str, paths: list[str]) -> Substr | Case | F:
    """The path of the node of `paths` (nodes that do not nest) whose subtree holds the organization
    whose path is `field`: that path's first characters, as many as the node's path has. A value
    that is none of `paths` means no node's subtree (the parent of the nodes, above them).
    Many nodes at different depths: the organization's own path (see `_regroup`)."""
    lengths = {len(p) for p in paths}
    if len(lengths) == 1:
        return Substr(field, 1, lengths.pop())
    if len(paths) > CASE_LIMIT:
        return F(field)
    # Top nodes at different depths (grants at a unit and at a branch of another): a few at most.
    return Case(
        *(When(**{f"{field}__startswith": p}, then=Value(p)) for p in paths),
        default=Value(""),
        output_field=CharField(),
    )


def _regroup(paths: list[str]) -> Callable[[str], str | None] | None:
    """When `_subtree` gave organizations' own paths: the node of `paths` holding a path (or None
    when outside every node's subtree); None when `_subtree` gave node paths already."""
    lengths = sorted({len(p) for p in paths})
    if len(lengths) == 1 or len(paths) <= CASE_LIMIT:
        return None
    nodes = set(paths)
    found: dict[str, str | None] = {}  # an organization's path comes back in many rows: looked up once

    def node_of(path: str) -> str | None:
        if path not in found:
            found[path] = next((path[:n] for n in lengths if path[:n] in nodes), None)
        return found[path]

    return node_of


def _grouped(outer: str, inner: list[QuerySet[Any]], params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run `outer` with the SQL of the `inner` querysets in place of {0}, {1} …: Django writes the
    per-organization aggregates, the database groups them again and only the groups travel.
    `params` fill the placeholders of `outer` itself, which must all come after the last {n}."""
    try:
        parts = [qs.query.sql_with_params() for qs in inner]
    except EmptyResultSet:  # a filter that cannot match (no organization kind applies)
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            outer.format(*(sql for sql, _ in parts)), [*(p for _, ps in parts for p in ps), *params]
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _held_histogram(
    orgs: QuerySet[Organization],
    paths: list[str],
    year: int,
    reqs: list[MeetingRequirement],
    node_of: Callable[[str], str | None] | None = None,
) -> dict[tuple[str, str, int], list[tuple[int, int]]]:
    """(subtree, kind, period index) → [(meetings held, organizations holding that many)], for the
    organizations that held at least one meeting that counts.

    The counts kept per organization and month (`held_per_period`, what `held_counts` reads) are
    joined to their organizations' subtrees and kinds; the meetings themselves are not read. With
    `node_of` (`_regroup`) the rows come per organization and are joined per node as they are read.
    """
    per_org = held_per_period(orgs, year, reqs)
    # Only meetings of organizations the kind's requirement applies to (a 党小组's 主题党日 is not one).
    applies = [(r.kind, org_kind) for r in reqs for org_kind in set(r.org_kinds)]
    if per_org is None or not applies:
        return {}
    subtrees = (
        orgs.annotate(subtree_path=_subtree("path", paths)).values("id", "subtree_path", "kind").order_by()
    )
    out: dict[tuple[str, str, int], list[tuple[int, int]]] = defaultdict(list)
    for path, kind, index, n_held, n in _grouped(
        """SELECT o.subtree_path, h.kind, h.period_index, h.n, COUNT(*)
        FROM ({0}) h JOIN ({1}) o ON o.id = h.organization_id
        WHERE """
        + " OR ".join(["(h.kind = %s AND o.kind = %s)"] * len(applies))
        + " GROUP BY o.subtree_path, h.kind, h.period_index, h.n",
        [per_org, subtrees],
        [value for pair in applies for value in pair],
    ):
        node = path if node_of is None else node_of(path)
        if node is not None:
            out[(node, kind, int(index))].append((int(n_held), int(n)))
    return out


def _coverage_histogram(
    orgs: QuerySet[Organization],
    paths: list[str],
    year: int,
    r: MeetingRequirement,
    node_of: Callable[[str], str | None] | None = None,
) -> dict[str, list[tuple[int, int, int]]]:
    """subtree → [(active members, members present at the kind in the year, organizations)] for
    every organization the coverage requirement applies to, members or not (per node with `node_of`,
    as `_held_histogram`)."""
    applicable = orgs.filter(kind__in=r.org_kinds)
    subtrees = (
        applicable.annotate(subtree_path=_subtree("path", paths)).values("id", "subtree_path").order_by()
    )
    out: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for path, required, n_held, n in _grouped(
        """SELECT x.subtree_path, x.required, x.held, COUNT(*) FROM (
            SELECT o.subtree_path, COALESCE(m.n, 0) AS required, COALESCE(c.n, 0) AS held FROM ({0}) o
            LEFT JOIN ({1}) m ON m.organization_id = o.id
            LEFT JOIN ({2}) c ON c.meeting__organization_id = o.id
        ) x GROUP BY x.subtree_path, x.required, x.held""",
        [subtrees, _active_members(applicable), _covered_members(applicable, year, [r.kind])],
    ):
        node = path if node_of is None else node_of(path)
        if node is not None:
            out[node].append((int(required), int(n_held), int(n)))
    return out
