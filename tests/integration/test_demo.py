"""The demo county tells the 同步部署/同步点评 story: units profiled, plans with every kind, reviews, 整改."""

from datetime import date

import pytest

from ronghe.core.rectification.models import Item, State
from ronghe.demo.generator import build_county
from ronghe.integration.choices import TaskState
from ronghe.integration.models import SyncReview, Task, WorkPlan, WorkPoint
from ronghe.integration.queries import task_summary
from ronghe.orgs.models import Department, Leader, Unit
from ronghe.orgs.rules import check_credit_code

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 24)


def test_demo_county_has_joint_plans_and_reviews():
    build_county(400, seed=5, today=TODAY, until="demo_integration")
    units = list(Unit.objects.all())
    # every unit profiled: a kind, a valid credit code, leaders and 2–4 departments
    assert all(check_credit_code(u.credit_code).valid and u.credit_code for u in units)
    assert {u.kind for u in units} >= {"party_government", "state_owned"} or len(units) < 10
    assert all(2 <= Department.objects.filter(unit=u).count() <= 4 for u in units)
    assert all(Leader.objects.filter(unit=u, is_party_group_member=True).exists() for u in units)
    # eight published work points; a plan per unit with 6–12 tasks of every kind, some done, some overdue
    assert WorkPoint.objects.filter(year=2026, state="published").count() == 8
    plans = list(WorkPlan.objects.filter(year=2026))
    assert len(plans) == len(units)
    summary = task_summary(units, 2026, today=TODAY)
    assert all(6 <= total <= 12 for _, total, _ in summary.values())
    assert sum(done for done, _, _ in summary.values()) > 0
    assert sum(late for _, _, late in summary.values()) > 0
    assert set(Task.objects.values_list("kind", flat=True)) == {"party", "business", "integrated"}
    assert Task.objects.filter(state=TaskState.IN_PROGRESS).exists()
    # four reviews of 2025 and Q1–Q3 of 2026 for every unit, with 整改 open and closed
    assert SyncReview.objects.filter(year=2025).count() == 4 * len(units)
    assert set(SyncReview.objects.filter(year=2026).values_list("quarter", flat=True)) == {1, 2, 3}
    items = Item.objects.filter(kind="integration.review")
    assert items.filter(state=State.CLOSED).exists() and items.filter(state=State.OPEN).exists()
    assert items.filter(state=State.OPEN, due_on__lt=TODAY).exists()
