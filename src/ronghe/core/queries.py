"""Read-side aggregates for the home page."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Count
from django.utils import timezone

from ronghe.core.scope import scoped
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


def home_summary(user: Any, today: date) -> dict[str, Any]:
    """Counts and the age-band chart for the user's scope, in a constant number of queries."""
    orgs = scoped(Organization.objects.all(), user, "orgs.view")
    members = scoped(Member.objects.filter(status__in=ACTIVE_STATUSES), user, "members.view")
    start, end = month_bounds(today)
    meetings = scoped(Meeting.objects.filter(held_at__gte=start, held_at__lt=end), user, "orglife.view")
    by_year = dict(
        members.values_list("birth_date__year").annotate(n=Count("id")).values_list("birth_date__year", "n")
    )
    bands = []
    for label, lo, hi in AGE_BANDS:
        bands.append(
            {"name": label, "value": sum(n for y, n in by_year.items() if lo <= today.year - y <= hi)}
        )
    by_status = dict(members.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
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
