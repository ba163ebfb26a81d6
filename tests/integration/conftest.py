"""Fixtures of 同步部署/同步点评: a published work point, unit A's plan with tasks, a review — on a fixed day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ronghe.integration.models import SyncReview, Task, WorkPlan, WorkPoint

TODAY = date(2026, 11, 24)


@pytest.fixture
def today(time_machine):  # noqa: ANN001, ANN201
    time_machine.move_to(datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    return TODAY


def make_point(cast, **overrides) -> WorkPoint:  # noqa: ANN001
    values = {
        "organization": cast.committee,
        "year": 2026,
        "number": 1,
        "title": "深化模范机关创建",
        "kind": "integrated",
    }
    values.update(overrides)
    values.setdefault("state", "published")
    return WorkPoint.objects.create(**values)


def make_plan(cast, unit=None, **overrides) -> WorkPlan:  # noqa: ANN001
    unit = unit or cast.unit_a
    org = cast.org_a if unit == cast.unit_a else cast.org_b
    return WorkPlan.objects.create(unit=unit, year=2026, organization=org, **overrides)


def make_task(plan: WorkPlan, **overrides) -> Task:
    values = {
        "kind": "party",
        "title": "落实“三会一课”",
        "owner_kind": "person",
        "person": "张书记",
        "organization": plan.organization,
        "deadline": date(2026, 12, 31),
        "target": "全年不少于12次",
    }
    values.update(overrides)
    return Task.objects.create(plan=plan, **values)


def make_review(cast, unit=None, **overrides) -> SyncReview:  # noqa: ANN001
    unit = unit or cast.unit_a
    org = cast.org_a if unit == cast.unit_a else cast.org_b
    values = {"year": 2026, "quarter": 1}
    values.update(overrides)
    return SyncReview.objects.create(unit=unit, organization=org, **values)
