"""Scheduled work of organizational life."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from ronghe.orglife import reminders, services


@task()
def send_reminders(today_iso: str | None = None) -> int:
    """Move started meetings on, then produce reminders for obligations due within 14 days or
    overdue, and on a month's first working day deliver last month's summaries (run daily)."""
    services.advance_meetings()  # first, so a meeting held and completed by check-in counts as done
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    created = reminders.produce_reminders(today=today)
    monthly_summaries(today)
    return created


def monthly_summaries(today: date) -> None:
    """On the first working day of a month, last month's 月度工作小结 of every unit (reports.summaries).
    Idempotent: a second run that day delivers nothing new; one unit's failure is logged, not raised."""
    from ronghe.reports import summaries  # reports reads orglife: imported here, at call time

    summaries.run_if_due(today)
