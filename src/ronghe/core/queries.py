"""Read-side aggregates for the home page."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from ronghe.core.scope import paths_with, scoped
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orglife.models import Meeting
from ronghe.orgs.models import Organization

AGE_BANDS = (
    ("30岁及以下", 0, 30),
    ("31-35岁", 31, 35),
    ("36-40岁", 36, 40),
    ("41-45岁", 41, 45),
    ("46-50岁", 46, 50),
    ("51-55岁", 51, 55),
    ("56-60岁", 56, 60),
    ("61岁及以上", 61, 200),
)


def month_bounds(today: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(today.replace(day=1), time.min, tzinfo=tz)
    nxt = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return start, datetime.combine(nxt, time.min, tzinfo=tz)


# The home page counts are whole-subtree aggregates: at a province (1M members) one scan costs
# seconds, so the summary is cached per scope for a short while (bench/RESULTS.md, issue 6).
# Saving or deleting a member, organization or meeting in this process drops every cached
# summary at once; writes from other processes (bulk import commands) show within the TTL.
HOME_CACHE_SECONDS = 60
_VERSION_KEY = "core:home_summary:version"


def _bump() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)


def invalidate_home_summary(**kwargs: Any) -> None:
    """Drop all cached summaries (signal receiver; also callable after bulk writes).

    Bumped at once and again when the transaction commits, so a summary another request computed
    from the not-yet-committed state in between is not served under the new version.
    """
    _bump()
    transaction.on_commit(_bump)


for _model in (Member, Organization, Meeting):
    post_save.connect(
        invalidate_home_summary, sender=_model, dispatch_uid=f"home_summary:{_model.__name__}:save"
    )
    post_delete.connect(
        invalidate_home_summary, sender=_model, dispatch_uid=f"home_summary:{_model.__name__}:delete"
    )


def summary_version() -> int:
    """Bumped by every ORM save/delete of a member, organization or meeting (cache keys include it)."""
    return cache.get(_VERSION_KEY, 0)


def _home_cache_key(user: Any, today: date) -> str:
    """Everything `scoped()` reads for the three querysets, so equal keys see equal rows."""
    version = summary_version()
    scope = [paths_with(user, perm) for perm in ("orgs.view", "members.view", "orglife.view")]
    raw = repr((scope, getattr(user, "member_id", None), today.isoformat(), version))
    return "core:home_summary:" + hashlib.sha256(raw.encode()).hexdigest()


def home_summary(user: Any, today: date) -> dict[str, Any]:
    """Counts and the age-band chart for the user's scope, in a constant number of queries (cached)."""
    key = _home_cache_key(user, today)
    summary = cache.get(key)
    if summary is None:
        summary = compute_home_summary(user, today)
        cache.set(key, summary, HOME_CACHE_SECONDS)
    return summary


def compute_home_summary(user: Any, today: date) -> dict[str, Any]:
    """The uncached summary: one grouped scan of members (birth year × status) and two counts."""
    orgs = scoped(Organization.objects.all(), user, "orgs.view")
    members = scoped(Member.objects.filter(status__in=ACTIVE_STATUSES), user, "members.view")
    start, end = month_bounds(today)
    meetings = scoped(Meeting.objects.filter(held_at__gte=start, held_at__lt=end), user, "orglife.view")
    by_year: dict[int, int] = {}
    by_status: dict[str, int] = {}
    for year, status, n in (
        members.values_list("birth_date__year", "status").annotate(n=Count("id")).order_by()
    ):
        by_year[year] = by_year.get(year, 0) + n
        by_status[status] = by_status.get(status, 0) + n
    bands = []
    for label, lo, hi in AGE_BANDS:
        bands.append(
            {"name": label, "value": sum(n for y, n in by_year.items() if lo <= today.year - y <= hi)}
        )
    return {
        "org_count": orgs.count(),
        "member_count": sum(by_status.values()),
        "probationary_count": by_status.get("probationary", 0),
        "meeting_count": meetings.count(),
        "age_chart": {
            "title": "党员年龄结构",
            "categories": [b["name"] for b in bands],
            "values": [b["value"] for b in bands],
        },
    }
