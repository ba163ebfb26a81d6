"""Demo step: last month's 月度工作小结 of the demo unit administrator's unit, delivered as the daily task
would on the first working day (one unit only: a PDF per unit costs time, and one shows the feature)."""

from __future__ import annotations

import random

from ronghe.accounts.models import RoleAssignment
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
