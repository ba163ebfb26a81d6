"""Read-side aggregates for the home page (the 工作台), from each domain app's own read side."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

from ronghe.core.charts import with_table
from ronghe.core.readcache import cached_aggregate, summary_version
from ronghe.core.rectification import services as rectification
from ronghe.core.rectification.models import Item
from ronghe.core.scope import has_perm_anywhere, paths_with, scoped
from ronghe.discipline import queries as discipline_queries
from ronghe.dues import queries as dues_queries
from ronghe.education import queries as education_queries
from ronghe.integration.queries import overdue_task_count
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.members.rules import AGE_BANDS
from ronghe.notices import queries as notices_queries
from ronghe.orglife.choices import MeetingState
from ronghe.orglife.models import Meeting
from ronghe.orglife.queries import (
    member_attendance_history,
    member_checkin_now,
    todo_sections,
    todo_summary,
)
from ronghe.orglife.rollup import rollup
from ronghe.orgs.models import Organization
from ronghe.orgs.queries import org_rows, organizations_for_user
from ronghe.orgs.rules import DANGER
from ronghe.outreach import pairing as outreach_pairing
from ronghe.outreach import queries as outreach_queries
from ronghe.points import queries as points_queries
from ronghe.points.queries import member_summary
from ronghe.ratings import queries as ratings_queries
from ronghe.recruitment import queries as recruitment_queries

if TYPE_CHECKING:
    from ronghe.accounts.models import User


def month_bounds(today: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(today.replace(day=1), time.min, tzinfo=tz)
    nxt = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return start, datetime.combine(nxt, time.min, tzinfo=tz)


def _home_cache_key(user: User, today: date) -> str:
    """Everything `scoped()` reads for the three querysets, so equal keys see equal rows."""
    version = summary_version()
    scope = [paths_with(user, perm) for perm in ("orgs.view", "members.view", "orglife.view")]
    raw = repr((scope, user.member_id, today.isoformat(), version))
    return "core:home_summary:" + hashlib.sha256(raw.encode()).hexdigest()


def home_summary(user: User, today: date) -> dict[str, Any]:
    """Counts and the age-band chart for the user's scope, in a constant number of queries (cached)."""
    return cached_aggregate(_home_cache_key(user, today), lambda: compute_home_summary(user, today))


def compute_home_summary(user: User, today: date) -> dict[str, Any]:
    """The uncached summary: one grouped scan of members (birth year × status) and two counts."""
    orgs = scoped(Organization.objects.all(), user, "orgs.view")
    members = scoped(Member.objects.filter(status__in=ACTIVE_STATUSES), user, "members.view")
    start, end = month_bounds(today)
    # 本月会议 counts the meetings held; planned ones (ahead, or not yet completed) are not done
    held = Meeting.objects.filter(held_at__gte=start, held_at__lt=end, state=MeetingState.HELD)
    meetings = scoped(held, user, "orglife.view")
    by_year: dict[int, int] = {}
    by_status: dict[str, int] = {}
    for year, status, n in (
        members.values_list("birth_date__year", "status").annotate(n=Count("id")).order_by()
    ):
        by_year[year] = by_year.get(year, 0) + n
        by_status[status] = by_status.get(status, 0) + n
    bands = []
    for label, lo, hi in AGE_BANDS:  # the §6 statistics bands, defined once in members.rules
        bands.append(
            {"name": label, "value": sum(n for y, n in by_year.items() if lo <= today.year - y <= hi)}
        )
    return {
        "org_count": orgs.count(),
        "member_count": sum(by_status.values()),
        "probationary_count": by_status.get("probationary", 0),
        "meeting_count": meetings.count(),
        "age_chart": with_table(
            {"categories": [b["name"] for b in bands], "values": [b["value"] for b in bands]},
            id="age-table",
            caption="党员年龄结构（人数）",
            columns=["年龄段", "人数"],
        ),
    }


# ---------------------------------------------------------------- role sections of the 工作台
# Each section calls the owning app's read side (orgs.queries, orglife.compliance and .queries, points.queries) and
# runs a constant number of queries whatever the size of the scope.

TODO_LIMIT = 5  # per list: overdue, due soon, before year end
CLAIM_LIMIT = 5
UPCOMING_LIMIT = 5
HISTORY_LIMIT = 5


def home_oversight(user: User, today: date) -> dict[str, Any]:
    """This year's compliance rate and the organization warnings in the user's scope (cached like the summary)."""
    key = _home_cache_key(user, today) + ":oversight"
    return cached_aggregate(key, lambda: compute_home_oversight(user, today))


def compute_home_oversight(user: User, today: date) -> dict[str, Any]:
    out: dict[str, Any] = {"compliance_rate": None, "compliance_overdue": 0}
    if has_perm_anywhere(user, "orglife.view"):
        _rows, total = rollup(user, None, today.year, today)
        out["compliance_rate"] = total.rate_percent if total.rate is not None else None
        out["compliance_overdue"] = total.overdue
    warnings = [w for row in org_rows(organizations_for_user(user), today) for w in row.warnings]
    out["warning_count"] = len(warnings)
    out["warning_danger_count"] = sum(1 for w in warnings if w.level == DANGER)
    return out


def home_secretary(user: User, today: date) -> dict[str, Any]:
    """The year's to-do of organizational life (overdue, due in 14 days, before year end), the points claims waiting for this user's approval, the
    late 整改 items and the overdue tasks of the joint plans (同步部署)."""
    out: dict[str, Any] = {}
    if has_perm_anywhere(user, "orglife.edit"):
        todo, counts = todo_summary(user, today, TODO_LIMIT)
        out["todo"], out["todo_count"] = todo, counts.total
        out["todo_sections"] = todo_sections(todo, counts)
    if has_perm_anywhere(user, "points.approve"):
        out["pending_claims"] = list(points_queries.claims_awaiting_review(user)[:CLAIM_LIMIT])
        out["pending_claim_count"], out["overdue_claim_count"] = points_queries.claims_awaiting_review_counts(
            user
        )
    if has_perm_anywhere(user, "orgs.view"):  # the 整改 pages' permission
        out["late_rectification_count"] = late_rectifications(user, today)
    if has_perm_anywhere(user, "integration.plan"):  # overdue tasks of the organizations the user works for
        out["overdue_task_count"] = overdue_task_count(user, today)
    return out


def late_rectifications(user: User, today: date) -> int:
    """整改事项 past their deadline and not closed, where the user owns or checks them: one COUNT."""
    return rectification.late(rectification.visible(Item.objects.all(), user), today).count()


def home_member(member: Member, today: date) -> dict[str, Any]:
    """A member's phone home: meetings open for check-in now, the meetings ahead, their latest
    attendance, and their points this year as a formula with what is missing for the next grade."""
    now = timezone.now()
    upcoming = (
        Meeting.objects.filter(
            Q(organization_id=member.organization_id) | Q(attendances__member=member), held_at__gte=now
        )
        .select_related("organization")
        .distinct()
        .order_by("held_at")[:UPCOMING_LIMIT]
    )
    summary = member_summary(member, today.year)
    return {
        "points": summary,
        "points_formula": points_queries.member_formula(member, summary),
        "upcoming_meetings": list(upcoming),
        "checkin_now": member_checkin_now(member.pk, now),
        "now": now,
        "attendance_history": member_attendance_history(member.pk, HISTORY_LIMIT),
        "branch_rating": ratings_queries.current_stars(member.organization_id),
    }


NOTICE_LIMIT = 5


def home_notices(user: User) -> dict[str, Any]:
    """通知公告 not yet read by the user (one query: a row past the limit says there are more)."""
    if not has_perm_anywhere(user, "self.view"):
        return {}
    unread = list(notices_queries.unread_for_user(user)[: NOTICE_LIMIT + 1])
    return {"notices_unread": unread[:NOTICE_LIMIT], "notices_more": len(unread) > NOTICE_LIMIT}


def home_ratings(user: User, today: date) -> dict[str, Any]:
    """评星 to-do: what waits for this user in open campaigns (apply, check, evaluate, score, review)."""
    items = ratings_queries.todo(user, today)
    return {"rating_todo": items} if items else {}


def home_dues(user: User, today: date) -> dict[str, Any]:
    """党费 to-do for branch staff: members 3+ months in arrears (warning), 6+ (a case for the 支部大会),
    open cases and 少交/免交 applications waiting for the branch."""
    counts = dues_queries.todo(user, today)
    return {"dues_todo": counts} if counts and any(counts.values()) else {}


def home_education(user: User, today: date) -> dict[str, Any]:
    """学习教育 to-do: for branch staff, the members in scope below this year's 学时 requirement (from
    October, when the year's training is to be completed) and the issues raised at 结对/联系点 visits past
    their deadline; for a member, open surveys not yet answered."""
    out: dict[str, Any] = {}
    if today.month >= 10 and has_perm_anywhere(user, "education.edit"):
        behind = education_queries.behind_count(user, today.year, today)
        if behind:
            out["education_behind"] = behind
    if has_perm_anywhere(user, "outreach.edit"):
        overdue = outreach_pairing.overdue_count(user, today)
        if overdue:
            out["contacts_overdue"] = overdue
    if user.member_id and has_perm_anywhere(user, "self.view"):
        member = user.member  # loaded with the account (and its organization) by the session backend
        if member is not None:
            waiting = outreach_queries.unanswered_for_member(member, user)
            if waiting:
                out["surveys_waiting"] = waiting
    return out


def home_discipline(user: User, today: date) -> dict[str, Any]:
    """纪检 to-do, for 纪检 roles only: open clues and cases, and 廉政风险点 whose periodic review is overdue."""
    if not has_perm_anywhere(user, discipline_queries.VIEW):
        return {}
    counts = discipline_queries.summary_for_user(user, today)
    return {"discipline_todo": counts} if any(counts.values()) else {}


def home_recruitment(user: User, today: date) -> dict[str, Any]:
    """发展党员 reminders: people whose next step is past its deadline, and those with a step due."""
    if not has_perm_anywhere(user, "recruitment.edit"):
        return {}
    board = recruitment_queries.board(recruitment_queries.cases_for_user(user, "recruitment.edit"), today)
    if not (board.late or board.due):
        return {}
    return {"recruitment_late": board.late, "recruitment_due": board.due}
