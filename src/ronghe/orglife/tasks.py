"""Scheduled work of organizational life."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from ronghe.orglife import reminders, services


@task()
def send_reminders(today_iso: str | None = None) -> int:
    """Move started meetings on, then produce reminders for obligations due within 14 days or
    overdue, deduct the points of 党费 months not paid on time, and on a month's first working day
    deliver last month's summaries (run daily)."""
    services.advance_meetings()  # first, so a meeting held and completed by check-in counts as done
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    created = reminders.produce_reminders(today=today)
    late_dues(today)
    monthly_summaries(today)
    return created


def late_dues(today: date) -> int:
    """The month that has just ended, unpaid, costs its points (points.services.dues); in January the
    last year's December too. Idempotent: a day with nothing new writes nothing."""
    from ronghe.points.services import sync_late_dues  # points reads 党费: imported here, at call time

    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    return sum(sync_late_dues(year=year, as_of=today)["created"] for year in years)


def monthly_summaries(today: date) -> None:
    """On the first working day of a month, last month's 月度工作小结 of every unit (reports.summaries).
    Idempotent: a second run that day delivers nothing new; one unit's failure is logged, not raised."""
    from ronghe.reports import summaries  # reports reads orglife: imported here, at call time

    summaries.run_if_due(today)
