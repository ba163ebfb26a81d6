"""Scheduled work of organizational life."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from ronghe.orglife import reminders


@task()
def send_reminders(today_iso: str | None = None) -> int:
    """Produce reminders for obligations due within 14 days or overdue (run daily)."""
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return reminders.produce_reminders(today=today)
