"""Reminders: one row per organization, obligation period and state, produced once."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from ronghe.orglife import compliance
from ronghe.orglife.choices import ComplianceState
from ronghe.orglife.models import Reminder
from ronghe.orgs.models import Organization


def produce_reminders(*, today: date) -> int:
    """Create reminders for obligations due soon or overdue this year; return how many are new."""
    results = compliance.compute_compliance(Organization.objects.all(), today.year, today)
    rows = []
    for oc in results:
        for ob in oc.obligations:
            if ob.state not in (ComplianceState.DUE_SOON, ComplianceState.OVERDUE):
                continue
            if (
                ob.state == ComplianceState.OVERDUE
                and ob.slot.end.year == today.year
                and (today - ob.slot.end).days > 62
            ):
                continue  # old overdue periods were reminded when they fell due
            verb = "将于" if ob.state == ComplianceState.DUE_SOON else "已于"
            rows.append(
                Reminder(
                    organization=oc.organization,
                    kind=ob.kind,
                    period_start=ob.slot.start,
                    period_end=ob.slot.end,
                    state=ob.state,
                    message=f"{oc.organization.name}：{ob.slot.label}{ob.kind_label}{verb} {ob.slot.end:%m月%d日} 到期，"
                    f"应 {ob.required} 已 {ob.held}",
                )
            )
    with transaction.atomic():
        before = Reminder.objects.count()
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        return Reminder.objects.count() - before
