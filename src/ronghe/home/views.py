from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.charts import render_or_export
from ronghe.core.permissions import public, require
from ronghe.core.scope import has_perm_anywhere
from ronghe.home import dashboard as dashboard_queries
from ronghe.home.queries import (
    home_discipline,
    home_dues,
    home_education,
    home_member,
    home_notices,
    home_oversight,
    home_ratings,
    home_recruitment,
    home_secretary,
    home_summary,
)
from ronghe.orglife.services import advance_meetings


@public
@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The 工作台: each section shows when the user holds its permission somewhere.

    Overview (counts, age chart) for members.view; compliance and warnings for orgs.view; the
    14-day to-do and pending claims for secretaries; own points and upcoming meetings for a member.
    """
    user = request.user
    today = timezone.localdate()
    context: dict[str, Any] = {
        "can_see_data": has_perm_anywhere(user, "members.view"),
        "can_oversee": has_perm_anywhere(user, "orgs.view"),
        "can_see_orglife": has_perm_anywhere(user, "orglife.view"),
    }
    if context["can_see_orglife"]:
        advance_meetings()  # a meeting completed by check-in counts in 本月会议 without waiting for the task
    if context["can_see_data"] or context["can_oversee"]:
        context.update(home_summary(user, today))
    if context["can_oversee"]:
        context.update(home_oversight(user, today))
    context.update(home_notices(user))
    context.update(home_secretary(user, today))
    context.update(home_ratings(user, today))
    context.update(home_dues(user, today))
    context.update(home_recruitment(user, today))
    context.update(home_education(user, today))
    context.update(home_discipline(user, today))
    member = user.member if user.member_id and has_perm_anywhere(user, "self.view") else None
    if member is not None:
        context.update(home_member(member, today), member=member)
    context["has_sections"] = (
        context["can_see_data"]
        or context["can_oversee"]
        or "todo" in context
        or "rating_todo" in context
        or bool(context.get("overdue_task_count"))
        or "dues_todo" in context
        or "recruitment_late" in context
        or "education_behind" in context
        or "surveys_waiting" in context
        or "contacts_overdue" in context
        or "discipline_todo" in context
        or member is not None
        or bool(context.get("notices_unread"))
    )
    return render_or_export(request, "home/home.html", context)


@require("orglife.view")
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """The 工委看板: the scope's units by compliance, meetings by month, overdue items, 5A, stars, quadrants."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        year = today.year
    context = dashboard_queries.dashboard(request.user, year, today)
    context.update(year=year, years=range(today.year - 3, today.year + 1))
    return render_or_export(request, "home/dashboard.html", context)


@require("orglife.view")
def screen(request: AuthenticatedRequest) -> HttpResponse:
    """The 大屏: this year's figures full screen, dark, refreshed every minute by htmx (the same read side)."""
    today = timezone.localdate()
    context = dashboard_queries.screen(request.user, today.year, today)
    context.update(year=today.year, now=timezone.localtime())
    return render(request, "home/screen.html", context)
