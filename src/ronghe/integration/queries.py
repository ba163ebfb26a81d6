"""Read side of 同步部署 and 同步点评: scoped lists, overdue tasks, the unit page's section, and the two
batched reads the annual assessment takes (`review_grades`, `task_summary`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ronghe.core.scope import has_perm_at, paths_with, scoped
from ronghe.core.types import Actor
from ronghe.integration import rules
from ronghe.integration.choices import QUARTERS, ReviewState, TaskState, WorkKind, WorkPointState
from ronghe.integration.models import SyncReview, Task, WorkPlan, WorkPoint
from ronghe.orgs.models import Unit, ancestor_paths
from ronghe.orgs.queries import lead_organizations

VIEW = "integration.view"


def work_points_for_user(user: Actor | None) -> QuerySet[WorkPoint]:
    """The published work points of the 工委s above the user's nodes, and every point (drafts too) where the
    user holds `integration.manage`."""
    above = {p for path in paths_with(user, VIEW) for p in ancestor_paths(path)}
    q = Q(organization__path__in=above, state=WorkPointState.PUBLISHED)
    for path in paths_with(user, rules.MANAGE):
        q |= Q(organization__path__startswith=path)
    return WorkPoint.objects.filter(q).select_related("organization")


def plans_for_user(user: Actor | None, perm: str = VIEW) -> QuerySet[WorkPlan]:
    return scoped(WorkPlan.objects.select_related("unit", "organization"), user, perm)


def tasks_for_user(user: Actor | None, perm: str = VIEW) -> QuerySet[Task]:
    return scoped(Task.objects.select_related("plan__unit", "department", "branch", "work_point"), user, perm)


def reviews_for_user(user: Actor | None) -> QuerySet[SyncReview]:
    return scoped(SyncReview.objects.select_related("unit", "organization"), user, VIEW)


def overdue(tasks: QuerySet[Task], today: date) -> QuerySet[Task]:
    """Tasks not done whose deadline has passed (`rules.is_overdue` in SQL)."""
    return tasks.exclude(state=TaskState.DONE).filter(deadline__lt=today)


def overdue_task_count(user: Actor | None, today: date) -> int:
    """Overdue tasks where the user holds the plan permission (the owner's organization and those above it):
    one COUNT for the home to-do."""
    return overdue(scoped(Task.objects.all(), user, rules.PLAN_PERMISSION), today).count()


def plan_columns(plan: WorkPlan, today: date) -> list[dict[str, Any]]:
    """The plan's tasks in three columns, 党建 | 融合 | 业务, each task marked overdue or not (two queries)."""
    tasks = list(plan.tasks.select_related("department", "branch", "work_point").order_by("deadline", "id"))
    columns = []
    for kind in (WorkKind.PARTY, WorkKind.INTEGRATED, WorkKind.BUSINESS):
        rows = [t for t in tasks if t.kind == kind]
        for t in rows:
            t.overdue = rules.is_overdue(t.state, t.deadline, today)
        columns.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "tasks": rows,
                "done": sum(1 for t in rows if t.state == TaskState.DONE),
                "overdue": sum(1 for t in rows if t.overdue),
            }
        )
    return columns


def _unit_ids(units: Iterable[Unit | int] | QuerySet[Unit]) -> list[int]:
    if isinstance(units, QuerySet):
        return list(units.values_list("pk", flat=True))
    return [u if isinstance(u, int) else u.pk for u in units]


def review_grades(units: Iterable[Unit | int] | QuerySet[Unit], year: int) -> dict[int, list[str | None]]:
    """Each unit's finalized quarterly grades of the year, Q1–Q4: a `ReviewGrade` value ("good",
    "fairly_good", "average", "poor") or None (no review, or one not yet finalized). One query; unscoped (the
    caller passes the units it may read)."""
    ids = _unit_ids(units)
    out: dict[int, list[str | None]] = {pk: [None, None, None, None] for pk in ids}
    rows = SyncReview.objects.filter(unit_id__in=ids, year=year, state=ReviewState.FINALIZED).values_list(
        "unit_id", "quarter", "grade"
    )
    for unit_id, quarter, grade in rows:
        out[unit_id][quarter - 1] = grade or None
    return out


def task_summary(
    units: Iterable[Unit | int] | QuerySet[Unit], year: int, today: date | None = None
) -> dict[int, tuple[int, int, int]]:
    """Each unit's tasks of its plan for the year as (done, total, overdue); overdue: not done and past the
    deadline on `today` (default the local date). One grouped query; unscoped."""
    ids = _unit_ids(units)
    today = today or timezone.localdate()
    out = dict.fromkeys(ids, (0, 0, 0))
    rows = (
        Task.objects.filter(plan__unit_id__in=ids, plan__year=year)
        .values_list("plan__unit_id")
        .annotate(
            done=Count("id", filter=Q(state=TaskState.DONE)),
            total=Count("id"),
            late=Count("id", filter=~Q(state=TaskState.DONE) & Q(deadline__lt=today)),
        )
        .order_by()
        .values_list("plan__unit_id", "done", "total", "late")
    )
    for unit_id, done, total, late in rows:
        out[unit_id] = (done, total, late)
    return out


def review_history(unit: Unit) -> list[dict[str, Any]]:
    """The unit's reviews by year, newest first: one row per year with its four quarters (review or None)."""
    by_year: dict[int, list[SyncReview | None]] = {}
    for review in SyncReview.objects.filter(unit=unit).order_by("-year", "quarter"):
        by_year.setdefault(review.year, [None, None, None, None])[review.quarter - 1] = review
    return [{"year": y, "quarters": q} for y, q in by_year.items()]


def unit_section(request: HttpRequest, unit: Unit) -> dict[str, Any] | None:
    """The unit page's 同步部署/同步点评 section: this year's plan with its counts and the reviews by quarter;
    shown to whoever may read the unit's integration records."""
    organization = lead_organizations([unit.pk]).get(unit.pk)
    if organization is None or not has_perm_at(request.user, VIEW, organization.path):
        return None
    year = timezone.localdate().year
    plan = WorkPlan.objects.filter(unit=unit, year=year).first()
    done, total, late = task_summary([unit.pk], year)[unit.pk]
    return {
        "year": year,
        "plan": plan,
        "done": done,
        "total": total,
        "overdue": late,
        "can_plan": plan is None and has_perm_at(request.user, rules.PLAN_PERMISSION, organization.path),
        "history": review_history(unit),
        "quarters": QUARTERS,
    }
