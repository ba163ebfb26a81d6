"""Facts about organizational life for other modules (points, ratings, assessments).

Other apps call these functions instead of querying orglife's tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from ronghe.members.models import Member
from ronghe.orglife import compliance
from ronghe.orglife.choices import AttendanceStatus
from ronghe.orglife.models import Attendance, Meeting
from ronghe.orgs.models import Organization


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
    """Meetings held by the organization between two dates (inclusive) and their attendance."""
    lo, hi = _bounds(start, end)
    meetings = Meeting.objects.filter(organization=organization, held_at__gte=lo, held_at__lt=hi)
    by_kind = {r["kind"]: r["n"] for r in meetings.values("kind").annotate(n=Count("id")).order_by()}
    agg = Attendance.objects.filter(meeting__in=meetings).aggregate(
        expected=Count("id"),
        present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
        excused=Count("id", filter=Q(status=AttendanceStatus.EXCUSED)),
        absent=Count("id", filter=Q(status=AttendanceStatus.ABSENT)),
    )
    return AttendanceFacts(meetings=sum(by_kind.values()), by_kind=by_kind, **agg)


def member_attendance(member: Member, start: date, end: date) -> dict[str, dict[str, int]]:
    """A member's attendance per meeting kind: {kind: {"present": n, "excused": n, "absent": n}}."""
    lo, hi = _bounds(start, end)
    out: dict[str, dict[str, int]] = {}
    rows = (
        Attendance.objects.filter(member=member, meeting__held_at__gte=lo, meeting__held_at__lt=hi)
        .values("meeting__kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in rows:
        out.setdefault(r["meeting__kind"], dict.fromkeys(AttendanceStatus.values, 0))[r["status"]] = r["n"]
    return out


def compliance_rate(organization: Organization, year: int, today: date | None = None) -> float | None:
    """Share of judged obligations met in the organization's subtree for the year (None if none judged)."""
    today = today or timezone.localdate()
    results = compliance.compute_compliance(organization.subtree(), year, today)
    tally = compliance.Tally()
    for oc in results:
        tally.merge(oc.tally)
    return tally.rate
