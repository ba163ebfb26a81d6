"""Scheduled work of organizational life."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from ronghe.orglife import reminders, services


@task()
def send_reminders(today_iso: str | None = None) -> int:
    """Move started meetings on, then produce reminders for obligations due within 14 days or
    overdue (run daily)."""
    services.advance_meetings()  # first, so a meeting held and completed by check-in counts as done
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return reminders.produce_reminders(today=today)
