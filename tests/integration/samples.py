"""Route samples of the integration app: objects of unit A (subtree A of the standard cast)."""

from ronghe.integration.models import SyncReview, Task, WorkPlan, WorkPoint
from tests.integration.conftest import make_plan, make_review, make_task
from tests.routes import api_sample, url_sample


def _plan(cast):
    return WorkPlan.objects.filter(unit=cast.unit_a, year=2026).first() or make_plan(cast)


def _task(cast):
    plan = _plan(cast)
    return Task.objects.filter(plan=plan).first() or make_task(plan)


def _review(cast):
    return SyncReview.objects.filter(unit=cast.unit_a, year=2026, quarter=1).first() or make_review(cast)


for _name in (
    "integration:plan-detail",
    "integration:plan-update",
    "integration:plan-step",
    "integration:task-create",
):
    url_sample(_name)(lambda cast: {"code": _plan(cast).code})

for _name in (
    "integration:task-detail",
    "integration:task-update",
    "integration:task-delete",
    "integration:task-step",
    "integration:progress-create",
):
    url_sample(_name)(lambda cast: {"code": _task(cast).code})

for _name in (
    "integration:review-detail",
    "integration:review-save",
    "integration:review-opinion",
    "integration:review-rectify",
    "integration:review-finalize",
):
    url_sample(_name)(lambda cast: {"code": _review(cast).code})


@url_sample("integration:work-point-update")
def _point(cast):
    point, _ = WorkPoint.objects.get_or_create(
        organization=cast.committee, year=2026, number=99, defaults={"title": "要点", "kind": "party"}
    )
    return {"code": point.code}


api_sample("/api/v1/integration/plans/{code}")(lambda cast: {"code": _plan(cast).code})
api_sample("/api/v1/integration/tasks/{code}")(lambda cast: {"code": _task(cast).code})
api_sample("/api/v1/integration/tasks/{code}/progress")(lambda cast: {"code": _task(cast).code})
api_sample("/api/v1/integration/reviews/{code}")(lambda cast: {"code": _review(cast).code})
