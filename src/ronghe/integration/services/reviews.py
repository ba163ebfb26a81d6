"""同步点评: each quarter the 工委 reviews each unit (comments per area and per task, a grade, problems found
as 整改 items) and the unit's 党组 adds its opinion; a finalized review is read-only."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import TransitionNotAllowed
from ronghe.core.rectification import services as rectification
from ronghe.core.rectification.models import Item
from ronghe.core.scope import has_perm_at, require_at
from ronghe.core.workflow import services as workflow
from ronghe.integration import rules
from ronghe.integration.choices import ReviewState
from ronghe.integration.models import SyncReview, Task, TaskComment, WorkPlan
from ronghe.integration.services import IntegrationError
from ronghe.orgs.models import Unit
from ronghe.orgs.queries import lead_organizations

if TYPE_CHECKING:
    from ronghe.accounts.models import User

FINALIZED = "点评已定稿，不能修改"


def open_review(*, actor: User, unit: Unit, year: int, quarter: int, today: date | None = None) -> SyncReview:
    """Start the review of a unit for a quarter that has begun; one per unit and quarter."""
    organization = lead_organizations([unit.pk]).get(unit.pk)
    if organization is None:
        raise IntegrationError("该单位尚未设立党组织，不能点评", field="unit")
    require_at(actor, rules.MANAGE, organization.path)
    problem = rules.review_quarter_problem(year, quarter, today or timezone.localdate())
    if problem:
        raise IntegrationError(problem, field="quarter")
    if SyncReview.objects.filter(unit=unit, year=year, quarter=quarter).exists():
        raise IntegrationError(f"该单位{year}年第{quarter}季度已有同步点评", field="quarter")
    try:
        with transaction.atomic():
            review = SyncReview.objects.create(
                unit=unit,
                year=year,
                quarter=quarter,
                organization=organization,
                plan=WorkPlan.objects.filter(unit=unit, year=year).first(),
                created_by=actor,
            )
            workflow.start(rules.REVIEW_PROCESS, review, by=actor)
            audit.record(
                "integration.review_open", actor=actor, obj=review, changes={"year": year, "quarter": quarter}
            )
    except IntegrityError as exc:  # the same quarter opened meanwhile
        raise IntegrationError(f"该单位{year}年第{quarter}季度已有同步点评", field="quarter") from exc
    return review


def _require_draft(review: SyncReview) -> None:
    if review.state != ReviewState.DRAFT:
        raise TransitionNotAllowed(FINALIZED)


@transaction.atomic
def save_review(
    *,
    actor: User,
    review: SyncReview,
    party_comment: str,
    business_comment: str,
    integrated_comment: str,
    grade: str,
    task_comments: dict[int, str] | None = None,
) -> SyncReview:
    """The 工委's comments per area (党建/业务/融合) and per task of the unit's plan, and the grade."""
    require_at(actor, rules.MANAGE, review.organization.path)
    _require_draft(review)
    fields = ("party_comment", "business_comment", "integrated_comment", "grade")
    before = {f: getattr(review, f) for f in fields}
    after = {
        "party_comment": party_comment.strip(),
        "business_comment": business_comment.strip(),
        "integrated_comment": integrated_comment.strip(),
        "grade": grade,
    }
    updated = SyncReview.objects.filter(pk=review.pk, state=ReviewState.DRAFT).update(
        **after, updated_at=timezone.now()
    )
    if updated != 1:
        raise TransitionNotAllowed(FINALIZED)
    for name, value in after.items():
        setattr(review, name, value)
    changes = audit.diff(before, after)
    if task_comments:
        tasks = set(
            Task.objects.filter(plan=review.plan_id, pk__in=task_comments).values_list("pk", flat=True)
        )
        for task_id, text in task_comments.items():
            if task_id not in tasks:
                continue
            text = text.strip()
            if text:
                TaskComment.objects.update_or_create(review=review, task_id=task_id, defaults={"text": text})
            else:
                TaskComment.objects.filter(review=review, task_id=task_id).delete()
        changes["task_comments"] = len([t for t in task_comments.values() if t.strip()])
    audit.record("integration.review_save", actor=actor, obj=review, changes=changes)
    return review


@transaction.atomic
def save_opinion(*, actor: User, review: SyncReview, opinion: str) -> SyncReview:
    """The unit's 党组 (党委) adds its own opinion to the quarter's review while it is open."""
    require_at(actor, rules.PLAN_PERMISSION, review.organization.path)
    if has_perm_at(actor, rules.MANAGE, review.organization.path):
        raise IntegrationError("单位党组（党委）意见由单位填写", field="opinion")
    _require_draft(review)
    before = {"opinion": review.opinion}
    review.opinion = opinion.strip()
    if (
        SyncReview.objects.filter(pk=review.pk, state=ReviewState.DRAFT).update(
            opinion=review.opinion, updated_at=timezone.now()
        )
        != 1
    ):
        raise TransitionNotAllowed(FINALIZED)
    audit.record(
        "integration.review_opinion",
        actor=actor,
        obj=review,
        changes=audit.diff(before, {"opinion": review.opinion}),
    )
    return review


def add_rectification(
    *,
    actor: User,
    review: SyncReview,
    title: str,
    measures: str,
    owner: str,
    leader: str,
    due_on: date,
) -> Item:
    """A problem found by the review becomes a 整改 item: the unit rectifies (`integration.plan`), the 工委
    checks and closes it (`integration.manage`), on the 整改 pages."""
    require_at(actor, rules.MANAGE, review.organization.path)
    _require_draft(review)
    return rectification.create_item(
        actor=actor,
        kind=rules.REVIEW,
        object_id=review.pk,
        organization=review.organization,
        title=title,
        measures=measures,
        owner=owner,
        leader=leader,
        due_on=due_on,
        owner_permission=rules.PLAN_PERMISSION,
        issuer_permission=rules.MANAGE,
    )


def finalize_review(*, actor: User, review: SyncReview) -> None:
    """定稿: the grade is set; afterwards the review is read-only."""
    if review.state == ReviewState.DRAFT and not review.grade:
        raise IntegrationError("请先评定等次再定稿", field="grade")
    workflow.transition(
        rules.REVIEW_PROCESS, review, "finalize", by=actor, fields={"finalized_at": timezone.now()}
    )
