"""Facts about organizational life for other modules (points, ratings, assessments).

Other apps call these functions instead of querying orglife's tables, so orglife can change its
tables without breaking them: points links a ledger entry to its meeting, shows the attendance
behind it and turns a year's attendance into demo points through here. Everything else in
orglife (`queries`, `compliance`) serves orglife's own pages and API.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from ronghe.members.models import Member
from ronghe.orglife import compliance, rollup
from ronghe.orglife.choices import MARKED_STATUSES, AttendanceStatus, MeetingState
from ronghe.orglife.models import Attendance, Meeting
from ronghe.orgs.models import SEGMENT, Organization, ancestor_paths, subtree_filter

# A tally of obligations by state, as other apps receive it (`compliance_by_organization`).
Tally = compliance.Tally


@dataclass(frozen=True)
class AttendanceFacts:
    meetings: int
    expected: int
    present: int
    excused: int
    absent: int
    by_kind: dict[str, int]

    @property
    def rate(self) -> float | None:
        return None if self.expected == 0 else self.present / self.expected


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=tz
    )


def attendance_facts(organization: Organization, start: date, end: date) -> AttendanceFacts:
    """Meetings held by the organization between two dates (inclusive) and their attendance
    (planned ones are not held yet)."""
    lo, hi = _bounds(start, end)
    meetings = Meeting.objects.filter(
        organization=organization, held_at__gte=lo, held_at__lt=hi, state=MeetingState.HELD
    )
    by_kind = {r["kind"]: r["n"] for r in meetings.values("kind").annotate(n=Count("id")).order_by()}
    agg = Attendance.objects.filter(meeting__in=meetings).aggregate(
        expected=Count("id"),
        present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
        excused=Count("id", filter=Q(status=AttendanceStatus.EXCUSED)),
        absent=Count("id", filter=Q(status=AttendanceStatus.ABSENT)),
    )
    return AttendanceFacts(meetings=sum(by_kind.values()), by_kind=by_kind, **agg)


def member_attendance(member: Member, start: date, end: date) -> dict[str, dict[str, int]]:
    """A member's attendance at held meetings per kind: {kind: {"present": n, "excused": n, "absent": n}}."""
    lo, hi = _bounds(start, end)
    out: dict[str, dict[str, int]] = {}
    rows = (
        Attendance.objects.filter(
            member=member,
            meeting__held_at__gte=lo,
            meeting__held_at__lt=hi,
            meeting__state=MeetingState.HELD,
        )
        .values("meeting__kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in rows:
        out.setdefault(r["meeting__kind"], dict.fromkeys(map(str, MARKED_STATUSES), 0))[r["status"]] = r["n"]
    return out


def compliance_rate(organization: Organization, year: int, today: date | None = None) -> float | None:
    """Share of judged obligations met in the organization's subtree for the year (None if none judged)."""
    today = today or timezone.localdate()
    results = compliance.compute_compliance(organization.subtree(), year, today)
    tally = compliance.Tally()
    for oc in results:
        tally.merge(oc.tally)
    return tally.rate


def compliance_by_organization(
    organization_ids: Sequence[int], year: int, today: date | None = None
) -> dict[int, Tally]:
    """Per organization of `organization_ids`: its subtree's obligations of the year counted by
    state, the tally whose `rate` the compliance page shows for it (`?org=…&year=…`, the drill-down
    `rollup.subtree_tallies`), so a branch's rate includes its 党小组 as the page does.

    Constant number of queries for any number of organizations: the organizations, then
    `subtree_tallies` once per nesting level of the given set (once for a set of branches), whose
    GROUP BYs count all the subtrees together. Unknown ids are left out.
    """
    today = today or timezone.localdate()
    paths = dict(Organization.objects.filter(pk__in=list(organization_ids)).values_list("path", "pk"))
    out: dict[int, Tally] = {}
    # subtree_tallies takes nodes that do not nest: a 总支 and its 支部 go to separate calls.
    for level in _non_nesting_levels(list(paths)):
        for path, (tally, _n) in rollup.subtree_tallies(_covering(level), level, year, today).items():
            out[paths[path]] = tally
    return out


# Up to this many subtrees are selected by their paths; more (every branch of a county) by the
# subtree of their common ancestor, so the SQL does not repeat thousands of paths in each subquery.
# Organizations in it outside the subtrees asked about are counted in no subtree (`subtree_tallies`).
PATHS_LISTED = 200


def _covering(paths: list[str]) -> QuerySet[Organization]:
    """The organizations of the subtrees of `paths`, or a superset of them."""
    if len(paths) > PATHS_LISTED:
        common = os.path.commonprefix(paths)
        common = common[: len(common) - len(common) % (SEGMENT + 1)]  # whole segments only
        return Organization.objects.filter(subtree_filter(common)) if common else Organization.objects.all()
    by_length: dict[int, list[str]] = {}
    for path in paths:
        by_length.setdefault(len(path), []).append(path)
    return Organization.objects.annotate(**{f"prefix_{n}": Substr("path", 1, n) for n in by_length}).filter(
        reduce(operator.or_, (Q(**{f"prefix_{n}__in": found}) for n, found in by_length.items()))
    )


def _non_nesting_levels(paths: list[str]) -> list[list[str]]:
    """`paths` split into lists in which no path lies under another (paths sorted: an ancestor first)."""
    levels: list[list[str]] = []
    depth_of: dict[str, int] = {}
    for path in sorted(paths):
        above = [depth_of[p] for p in ancestor_paths(path)[:-1] if p in depth_of]
        depth = max(above, default=-1) + 1
        depth_of[path] = depth
        if depth == len(levels):
            levels.append([])
        levels[depth].append(path)
    return levels


def meeting_links(meeting_ids: Iterable[int]) -> dict[int, tuple[UUID, str]]:
    """For each meeting of `meeting_ids` that exists: its public code and its organization's path
    (to link to the meeting page where the viewer may read it). One query."""
    rows = Meeting.objects.filter(pk__in=list(meeting_ids)).values_list("pk", "code", "organization__path")
    return {pk: (code, path) for pk, code, path in rows}


def meeting_and_attendance(meeting_id: int, member_id: int) -> tuple[Meeting | None, Attendance | None]:
    """A meeting (with its organization) and one member's attendance row there, either None if absent."""
    meeting = Meeting.objects.filter(pk=meeting_id).select_related("organization").first()
    if meeting is None:
        return None, None
    return meeting, Attendance.objects.filter(meeting=meeting, member_id=member_id).first()


def attendance_of_year(
    year: int, chunk_size: int = 2000
) -> Iterator[tuple[int, str, int, str, datetime, str]]:
    """Every attendance row of meetings held (not planned) in `year` (calendar year in the database's time zone),
    in meeting order: (member_id, status, meeting_id, meeting kind, held_at, meeting title). Streamed."""
    rows = (
        Attendance.objects.filter(meeting__held_at__year=year, meeting__state=MeetingState.HELD)
        .order_by("meeting_id", "member_id")
        .values_list(
            "member_id", "status", "meeting_id", "meeting__kind", "meeting__held_at", "meeting__title"
        )
    )
    return rows.iterator(chunk_size=chunk_size)
