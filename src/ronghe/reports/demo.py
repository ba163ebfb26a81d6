"""Demo step: last month's 月度工作小结 of the demo unit administrator's unit, delivered as the daily task
would on the first working day (one unit only: a PDF per unit costs time, and one shows the feature)."""

from __future__ import annotations

import random

from ronghe.accounts.models import RoleAssignment, User
from ronghe.demo.generator import County, step
from ronghe.orgs.models import Unit
from ronghe.reports import summaries


@step
def demo_monthly_summary(county: County, rng: random.Random) -> None:
    held = RoleAssignment.objects.filter(user__username="unitadmin").select_related("organization").first()
    unit_id = held.organization.unit_id if held is not None else None
    if unit_id is None:
        return
    summaries.run(summaries.previous_month(county.today), units=list(Unit.objects.filter(pk=unit_id)))


@step
def demo_annual_report(county: County, rng: random.Random) -> None:
    """The 工委's report for the last year that has ended, drafted from the records (text left to write)."""
    from ronghe.reports.annual import services as annual

    admin = User.objects.filter(username="gwadmin").first()
    year = county.today.year - 1
    try:
        annual.generate(organization=county.committee, year=year, actor=admin, today=county.today)
    except annual.AnnualReportError:  # a county with no records that year: no report to show
        return
