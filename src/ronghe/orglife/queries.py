"""Read side of organizational life for the pages and the API: meeting lists, an organization's
calendar and 双周学习日 schedule, the to-do, 双重组织生活.

Obligations and their states come from the compliance engine (`compliance`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core.readcache import cached_aggregate, summary_version
from ronghe.core.scope import paths_with, scoped
from ronghe.core.types import Actor, OrgNode
from ronghe.orglife import rules
from ronghe.orglife.choices import AttendanceStatus, ComplianceState, MeetingKind, MeetingState
from ronghe.orglife.compliance import (
    Obligation,
    Tally,
    compliance_in_scope,
    compute_compliance,
    requirements_for_year,
    study_days_by_month,
    year_bounds,
)
from ronghe.orglife.models import Attendance, Meeting
from ronghe.orglife.rollup import ROLLUP_CACHE_SECONDS
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Officer, Organization

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def calendar_for(org: Organization, year: int, today: date) -> dict[str, Any]:
    """An organization's year: each requirement's periods with state and the meetings held."""
    results = compute_compliance(Organization.objects.filter(pk=org.pk), year, today)
    start, end = year_bounds(year)
    meetings = list(
        Meeting.objects.filter(organization=org, held_at__gte=start, held_at__lt=end).order_by("held_at")
    )
    reqs = {r.kind: r for r in requirements_for_year(year)}
    by_key: dict[tuple[str, int], list[Meeting]] = defaultdict(list)
    for m in meetings:
        r = reqs.get(m.kind)
        if r:
            by_key[(m.kind, rules.slot_index(r.period, timezone.localtime(m.held_at).month))].append(m)
    lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    tally = Tally()
    if results:
        for ob in results[0].obligations:
            lines[ob.kind].append({"ob": ob, "meetings": by_key.get((ob.kind, ob.slot.index), [])})
        tally = results[0].tally
    rows = [
        {"kind": MeetingKind(k).label, "kind_value": k, "cells": v, "requirement": reqs[k]}
        for k, v in lines.items()
    ]
    # Meetings in no cell: kinds without a requirement, and periods not owed (a 支委会 held while
    # the branch had fewer than 7 正式党员) — still listed, so no record drops out of the year.
    shown = {id(m) for cells in lines.values() for cell in cells for m in cell["meetings"]}
    other = [m for m in meetings if id(m) not in shown]
    applies = MeetingKind.STUDY_DAY in lines
    schedule = study_day_schedule(org, year, today, meetings=meetings) if applies else []
    return {
        "rows": rows,
        "tally": tally,
        "other_meetings": other,
        "study_days": [
            row.day for row in schedule if (row.day.year, row.day.month) == (today.year, today.month)
        ],
        "study_schedule": schedule,
    }


@dataclass(frozen=True)
class StudySession:
    day: date
    meeting: Meeting | None
    state: str  # held, planned (a meeting not yet held), missed, upcoming

    @property
    def state_label(self) -> str:
        return {"held": "已开展", "planned": "已安排", "missed": "未开展", "upcoming": "待开展"}[self.state]


def study_day_schedule(
    org: Organization, year: int, today: date, meetings: list[Meeting] | None = None
) -> list[StudySession]:
    """The expected 双周学习日 sessions of an organization's year, each with the study-day meeting
    on that day (if any): held, planned (its meeting is not held yet), missed (the day has passed)
    or upcoming."""
    if meetings is None:
        start, end = year_bounds(year)
        meetings = list(
            Meeting.objects.filter(
                organization=org, kind=MeetingKind.STUDY_DAY, held_at__gte=start, held_at__lt=end
            )
        )
    by_day = {timezone.localdate(m.held_at): m for m in meetings if m.kind == MeetingKind.STUDY_DAY}
    out = []
    for days in study_days_by_month(year).values():
        for d in days:
            m = by_day.get(d)
            held = m is not None and m.state == MeetingState.HELD  # a planned one is still to come
            state = "held" if held else "planned" if m else "missed" if d < today else "upcoming"
            out.append(StudySession(d, m, state))
    return out


def todo_summary(user: User, today: date, limit: int) -> tuple[list[tuple[Organization, Obligation]], int]:
    """The first `limit` to-do items and how many there are, for the home page (cached like the rollup).

    Only the head is cached: at a province the whole list has tens of thousands of items, and
    unpickling them cost more than the page.
    """
    raw = repr((paths_with(user, "orglife.view"), today.isoformat(), limit, summary_version()))
    key = "orglife:todo:" + hashlib.sha256(raw.encode()).hexdigest()

    def head() -> tuple[list[tuple[Organization, Obligation]], int]:
        items = todo_for(user, today)
        return items[:limit], len(items)

    return cached_aggregate(key, head, ROLLUP_CACHE_SECONDS)


def todo_for(user: User, today: date, days: int = 14) -> list[tuple[Organization, Obligation]]:
    """Obligations not yet met whose period ends within the next `days` days.

    Only the periods ending in the window are evaluated: a few per organization.
    """
    horizon = today + timedelta(days=days)
    out = []
    for year in sorted({today.year, horizon.year}):
        window = (today, horizon)
        for oc in compliance_in_scope(user, year, today, ending_within=window):
            for ob in oc.obligations:
                if ob.state != ComplianceState.MET and today <= ob.slot.end <= horizon:
                    out.append((oc.organization, ob))
    out.sort(key=lambda t: (t[1].slot.end, t[0].path))
    return out


class Turnout(TypedDict):
    """The attendance counts `meetings_for_user` puts on each meeting."""

    n_present: int
    n_expected: int


class AttendanceCounts(Turnout):
    """The attendance counts `meetings_for_year` puts on each meeting."""

    n_excused: int
    n_absent: int


def meetings_for_user(user: User) -> QuerySet[WithAnnotations[Meeting, Turnout]]:
    return scoped(Meeting.objects.select_related("organization"), user, "orglife.view").annotate(
        n_present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
        n_expected=Count("attendances"),
    )


def meetings_for_year(org: Organization, year: int) -> QuerySet[WithAnnotations[Meeting, AttendanceCounts]]:
    start, end = year_bounds(year)
    return (
        Meeting.objects.filter(organization=org, held_at__gte=start, held_at__lt=end)
        .annotate(
            n_expected=Count("attendances"),
            n_present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
            n_excused=Count("attendances", filter=Q(attendances__status=AttendanceStatus.EXCUSED)),
            n_absent=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ABSENT)),
        )
        .order_by("held_at")
    )


@dataclass
class LeaderRow:
    """双重组织生活 of one leading cadre for a year: at their own branch and at the 党组's 民主生活会."""

    officer: Officer
    branch_expected: int = 0
    branch_present: int = 0
    life_expected: int = 0
    life_present: int = 0

    @property
    def branch_rate(self) -> str:
        if not self.branch_expected:
            return "—"
        return f"{self.branch_present * 100 / self.branch_expected:.0f}%"

    @property
    def both(self) -> bool:
        """Took part in both: at least one branch meeting and the 民主生活会."""
        return self.branch_present > 0 and self.life_present > 0


def leaders_for_user(user: User, year: int) -> QuerySet[Officer]:
    """Leading cadres: members holding a post in a 党组 (leading_group) at some time in `year`."""
    groups = scoped(Organization.objects.filter(kind=OrgKind.LEADING_GROUP), user, "orglife.view")
    return (
        Officer.objects.filter(organization__in=groups.values("pk"), started_on__lte=date(year, 12, 31))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=date(year, 1, 1)))
        .select_related("organization", "member__organization")
        .order_by("organization__path", "post", "member__name", "id")
    )


def leader_attendance(officers: list[Officer], year: int) -> list[LeaderRow]:
    """Two GROUP BYs for the page: the leaders' attendance at meetings of their branches (any
    organization other than a 党组) and at 民主生活会 held in the year (planned ones are not held)."""
    start, end = year_bounds(year)
    ids = [o.member_id for o in officers]
    rows = (
        Attendance.objects.filter(
            member_id__in=ids,
            meeting__held_at__gte=start,
            meeting__held_at__lt=end,
            meeting__state=MeetingState.HELD,
        )
        .values("member_id")
        .order_by()
    )
    present = Count("id", filter=Q(status=AttendanceStatus.PRESENT))
    branch = {
        r["member_id"]: (r["n"], r["p"])
        for r in rows.exclude(meeting__organization__kind=OrgKind.LEADING_GROUP)
        .exclude(meeting__kind=MeetingKind.LEADERSHIP_LIFE_MEETING)
        .annotate(n=Count("id"), p=present)
    }
    life = {
        r["member_id"]: (r["n"], r["p"])
        for r in rows.filter(meeting__kind=MeetingKind.LEADERSHIP_LIFE_MEETING).annotate(
            n=Count("id"), p=present
        )
    }
    out = []
    for o in officers:
        (branch_n, branch_p), (life_n, life_p) = (
            branch.get(o.member_id, (0, 0)),
            life.get(o.member_id, (0, 0)),
        )
        out.append(LeaderRow(o, branch_n, branch_p, life_n, life_p))
    return out


EVIDENCE_MEETING_LIMIT = 500


def meeting_evidence_choices(actor: Actor, organization: OrgNode) -> list[tuple[int, str]]:
    """The meetings of the organization's subtree the actor may see, newest first, as (id, label)
    for citing one as 佐证材料 ("2026-03-12 党员大会：…"); registered with core.evidence."""
    meetings = scoped(
        Meeting.objects.filter(organization__path__startswith=organization.path), actor, "orglife.view"
    ).order_by("-held_at", "-id")[:EVIDENCE_MEETING_LIMIT]
    tz = timezone.get_current_timezone()
    return [
        (m.pk, f"{m.held_at.astimezone(tz):%Y-%m-%d} {m.get_kind_display()}：{m.title}") for m in meetings
    ]
