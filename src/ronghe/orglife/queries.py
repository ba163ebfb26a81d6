"""Read side of organizational life for the pages and the API: meeting lists, an organization's
calendar and 双周学习日 schedule, the to-do, 双重组织生活.

Obligations and their states come from the compliance engine (`compliance`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core.readcache import cached_aggregate, summary_version
from ronghe.core.scope import paths_with, scoped
from ronghe.core.types import Actor, OrgNode
from ronghe.orglife import rules
from ronghe.orglife.choices import AttendanceStatus, ComplianceState, MeetingKind, MeetingState, Period
from ronghe.orglife.compliance import (
    Obligation,
    Tally,
    compliance_in_scope,
    compute_compliance,
    requirements_for_year,
    study_days_by_month,
    year_bounds,
)
from ronghe.orglife.models import Attendance, Meeting, MeetingTally, OrgLifePolicy, Reminder
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


TodoEntry = tuple[Organization, Obligation]


@dataclass
class YearTodo:
    """What an organization still owes this year, in three lists a secretary works through:
    periods already ended and not met (逾期), periods ending within the window (即将到期), and the
    yearly obligations still open (年底前完成: 组织生活会, 民主评议党员, 谈心谈话 coverage…)."""

    overdue: list[TodoEntry] = field(default_factory=list)
    due_soon: list[TodoEntry] = field(default_factory=list)
    year_end: list[TodoEntry] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.year_end)

    def head(self, limit: int) -> YearTodo:
        """The first `limit` items of each list (the home page's card)."""
        return YearTodo(self.overdue[:limit], self.due_soon[:limit], self.year_end[:limit])


@dataclass(frozen=True)
class TodoCounts:
    overdue: int
    due_soon: int
    year_end: int

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon + self.year_end


def todo_summary(user: User, today: date, limit: int) -> tuple[YearTodo, TodoCounts]:
    """The first `limit` items of each to-do list and how many each has, for the home page and the
    navigation's badge (cached like the rollup).

    Only the heads are cached: at a province the whole list has tens of thousands of items, and
    unpickling them cost more than the page.
    """
    raw = repr((paths_with(user, "orglife.view"), today.isoformat(), limit, summary_version()))
    key = "orglife:todo:" + hashlib.sha256(raw.encode()).hexdigest()

    def head() -> tuple[YearTodo, TodoCounts]:
        todo = year_todo(user, today)
        counts = TodoCounts(len(todo.overdue), len(todo.due_soon), len(todo.year_end))
        remember_todo_count(user, today, counts.total)
        return todo.head(limit), counts

    return cached_aggregate(key, head, ROLLUP_CACHE_SECONDS)


# The side navigation's badge shows the count last computed for the scope (by the home page or the
# to-do page) and never computes it itself: computing it on every page after each save would run the
# year's compliance for a whole county on pages that do not show the to-do.
BADGE_SECONDS = 24 * 3600


def _badge_key(user: User, today: date) -> str:
    raw = repr((paths_with(user, "orglife.view"), today.isoformat()))
    return "orglife:todo-badge:" + hashlib.sha256(raw.encode()).hexdigest()


def remember_todo_count(user: User, today: date, total: int) -> None:
    cache.set(_badge_key(user, today), total, BADGE_SECONDS)


def last_todo_count(user: User, today: date) -> int:
    """The to-do's size as last computed for the user's scope today (0 when not computed yet)."""
    found: int = cache.get(_badge_key(user, today), 0)
    return found


def year_todo(user: User, today: date, days: int = 14) -> YearTodo:
    """The to-do of the user's scope: this year's obligations not met, sorted into overdue, due within
    `days` days (across the new year too), and the yearly ones to finish before year end.

    Overdue items are oldest first (longest waiting), the others by their last day.
    """
    horizon = today + timedelta(days=days)
    todo = YearTodo()
    for oc in compliance_in_scope(user, today.year, today):
        for ob in oc.obligations:
            if ob.state == ComplianceState.MET:
                continue
            entry = (oc.organization, ob)
            if ob.slot.end < today:
                todo.overdue.append(entry)
            elif ob.slot.end <= horizon:
                todo.due_soon.append(entry)
            elif ob.slot.period == Period.YEAR:
                todo.year_end.append(entry)
    if horizon.year != today.year:  # late December: next year's first periods
        todo.due_soon.extend(_due_within(user, today, horizon, horizon.year))
    for items in (todo.overdue, todo.due_soon, todo.year_end):
        items.sort(key=lambda t: (t[1].slot.end, t[0].path, t[1].kind))
    return todo


def _due_within(user: User, today: date, horizon: date, year: int) -> list[TodoEntry]:
    out = []
    for oc in compliance_in_scope(user, year, today, ending_within=(today, horizon)):
        for ob in oc.obligations:
            if ob.state != ComplianceState.MET and today <= ob.slot.end <= horizon:
                out.append((oc.organization, ob))
    return out


def todo_for(user: User, today: date, days: int = 14) -> list[TodoEntry]:
    """Obligations not yet met whose period ends within the next `days` days.

    Only the periods ending in the window are evaluated: a few per organization.
    """
    horizon = today + timedelta(days=days)
    out = []
    for year in sorted({today.year, horizon.year}):
        out.extend(_due_within(user, today, horizon, year))
    out.sort(key=lambda t: (t[1].slot.end, t[0].path))
    return out


def todo_sections(
    todo: YearTodo, counts: TodoCounts | None = None
) -> list[tuple[str, str, list[TodoEntry], int, str, str]]:
    """The to-do's three lists for the pages: (key, heading, items, how many in all, badge tone, empty text)."""
    n = counts or TodoCounts(len(todo.overdue), len(todo.due_soon), len(todo.year_end))
    return [
        ("overdue", "已逾期", todo.overdue, n.overdue, "danger", "没有逾期未完成的组织生活。"),
        ("due_soon", "14 天内到期", todo.due_soon, n.due_soon, "warning", "未来 14 天没有到期的组织生活。"),
        ("year_end", "年底前完成", todo.year_end, n.year_end, "primary", "本年度的年度事项均已完成。"),
    ]


def record_title(ob: Obligation) -> str:
    """The title the 记录 button proposes for a meeting meeting an obligation ("2026年第四季度党员大会")."""
    when = "" if ob.slot.period == Period.YEAR else ob.slot.label
    return f"{ob.slot.start.year}年{when}{ob.kind_label}"


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


# ---------------------------------------------------------------- a member's own organizational life

# The candidates are the member's meetings starting from 12 hours ago (longer than any window without an end
# time, rules.checkin_window: 3 h) to a day ahead (more than any 会前可签到 setting in use): one indexed
# range, and the county setting is read only when there is a candidate.
CHECKIN_LOOKBACK = timedelta(hours=12)
CHECKIN_LOOKAHEAD = timedelta(days=1)


def member_checkin_now(member_id: int, now: datetime) -> list[Attendance]:
    """The member's rows at meetings whose check-in window is open now (in progress or about to start),
    soonest first: what the phone home shows with its 去签到 button."""
    rows = list(
        Attendance.objects.filter(
            member_id=member_id,
            meeting__held_at__gte=now - CHECKIN_LOOKBACK,
            meeting__held_at__lte=now + CHECKIN_LOOKAHEAD,
        )
        .select_related("meeting__organization")
        .order_by("meeting__held_at")
    )
    if not rows:
        return []
    early = OrgLifePolicy.current().checkin_early_minutes
    out = []
    for row in rows:
        start, end = rules.checkin_window(
            held_at=row.meeting.held_at, ends_at=row.meeting.ends_at, early_minutes=early
        )
        if start <= now <= end:
            out.append(row)
    return out


def member_attendance_history(member_id: int, limit: int) -> list[Attendance]:
    """The member's latest held meetings with how they attended, newest first."""
    return list(
        Attendance.objects.filter(member_id=member_id, meeting__state=MeetingState.HELD)
        .select_related("meeting__organization")
        .order_by("-meeting__held_at", "-id")[:limit]
    )


def reminders_for(user: User, limit: int) -> list[Reminder]:
    """The daily task's latest reminders for the organizations the user sees (the to-do and 通知公告 pages)."""
    orgs = scoped(Organization.objects.all(), user, "orglife.view")
    return list(
        Reminder.objects.filter(organization__in=orgs.values("pk"))
        .select_related("organization")
        .order_by("-created_at", "period_end")[:limit]
    )


def held_by_month(orgs: QuerySet[Organization], year: int) -> dict[int, int]:
    """Meetings that count (held, not refused for quorum) per month of `year` in `orgs`: one grouped
    query over the counts kept per month (`tallies`), whatever the number of organizations."""
    rows = (
        MeetingTally.objects.filter(organization__in=orgs.values("pk"), year=year)
        .values_list("month")
        .annotate(n=Sum("held"))
        .order_by()
    )
    return {month: n or 0 for month, n in rows}


def compliance_by_month(orgs: QuerySet[Organization], year: int, today: date) -> dict[int, Tally]:
    """The obligations of `orgs` in `year` (the one engine, `compute_compliance`: a constant number of
    queries) tallied by the month their period ends: a month's rate is that of what fell due in it."""
    out = {month: Tally() for month in range(1, 13)}
    for org in compute_compliance(orgs, year, today):
        for obligation in org.obligations:
            out[obligation.slot.end.month].add(obligation.state)
    return out
