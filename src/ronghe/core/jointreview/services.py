"""联审 services: open a review, departments give (and may revise) opinions, it passes when all agree
or an authorised person overrides the objections with a recorded reason.

A module opens one review per object, reads `outcome()` and moves its own object on when `passed`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.jointreview.choices import ReviewAction, ReviewState, Verdict
from ronghe.core.jointreview.models import JointReview, Opinion
from ronghe.core.jointreview.rules import REVIEW_PROCESS, clean_departments
from ronghe.core.publicity.rules import MAX_TEXT, clean_items
from ronghe.core.scope import grants, has_perm_at, require_at
from ronghe.core.types import Actor, OrgNode
from ronghe.core.workflow import services as workflow


@dataclass
class Outcome:
    """Where a review stands. `objections` maps an item key ("" = the whole list) to
    (department name, reason) pairs; `overdue` lists the departments still silent after `due_on`."""

    passed: bool
    pending: list[str] = field(default_factory=list)
    objections: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    overdue: list[str] = field(default_factory=list)


def open_review(
    *,
    actor: Actor,
    kind: str,
    object_id: int,
    organization: OrgNode,
    title: str,
    items: list[dict[str, Any]],
    departments: list[dict[str, str]],
    due_on: date,
    override_permission: str,
    view_permission: str = "",
) -> JointReview:
    """Send `items` to the departments for their opinions by `due_on`. The actor holds
    `override_permission` at the organization (whoever may override is whoever runs the step)."""
    require_at(actor, override_permission, organization.path)
    title = (title or "").strip()
    if not title:
        raise InvalidInput({"title": ["请填写联审标题"]}, {"title": "标题"})
    cleaned_items = clean_items(items)
    cleaned_departments = clean_departments(departments)
    with transaction.atomic():
        review = JointReview.objects.create(
            kind=kind,
            object_id=object_id,
            organization_id=organization.pk,
            title=title,
            items=cleaned_items,
            departments=cleaned_departments,
            due_on=due_on,
            override_permission=override_permission,
            view_permission=view_permission,
            created_by_id=actor.pk if actor.is_authenticated else None,
        )
        workflow.start(REVIEW_PROCESS, review, by=actor)
        audit.record(
            "jointreview.open",
            actor=actor,
            obj=review,
            changes={
                "kind": kind,
                "object_id": object_id,
                "departments": [d["code"] for d in cleaned_departments],
                "due_on": due_on,
                "items": len(cleaned_items),
            },
        )
    return review


def answerable(user: Actor | None, review: JointReview) -> list[dict[str, str]]:
    """The departments of the review the user may answer for."""
    path = review.organization.path
    return [d for d in review.departments if has_perm_at(user, d["permission"], path)]


def can_override(user: Actor | None, review: JointReview) -> bool:
    return has_perm_at(user, review.override_permission, review.organization.path)


def can_view(user: Actor | None, review: JointReview) -> bool:
    """The departments, whoever may override, and holders of the module's view permission."""
    if answerable(user, review) or can_override(user, review):
        return True
    return bool(review.view_permission) and has_perm_at(
        user, review.view_permission, review.organization.path
    )


def give_opinion(
    *,
    actor: Actor,
    review: JointReview,
    department: str,
    verdict: str,
    reason: str = "",
    objected_items: Sequence[str] = (),
) -> Opinion:
    """Record (or revise) a department's opinion; the review passes once every department agrees."""
    dept = review.department(department)
    if dept is None or not has_perm_at(actor, dept["permission"], review.organization.path):
        raise PermissionDenied("您不是该联审部门的审核人")
    if review.state != ReviewState.OPEN:
        raise DomainError("联审已结束", code="closed")
    if verdict not in Verdict.values:
        raise DomainError("请选择同意或有异议", field="verdict")
    reason = (reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise DomainError(f"理由不能超过 {MAX_TEXT} 字", field="reason")
    keys = [k for k in dict.fromkeys(objected_items or ()) if k]
    labels = review.item_labels()
    if any(k not in labels for k in keys):
        raise DomainError("联审名单中没有该项", field="objected_items")
    if verdict == Verdict.OBJECT and not reason:
        raise DomainError("提出异议时请填写理由", field="reason")
    if verdict == Verdict.AGREE:
        keys = []
    now = timezone.now()
    with transaction.atomic():
        # one department at a time per review: the last "agree" sees every other opinion
        locked = JointReview.objects.select_for_update().get(pk=review.pk)
        if locked.state != ReviewState.OPEN:
            raise DomainError("联审已结束", code="closed")
        values = {"verdict": verdict, "reason": reason, "objected_items": keys, "by_id": actor.pk, "at": now}
        before = Opinion.objects.filter(review=review, department=department).first()
        if before is None:
            opinion = Opinion.objects.create(review=review, department=department, **values)
            changes: dict[str, Any] = {"department": department, "verdict": verdict, "reason": reason}
            if keys:
                changes["objected_items"] = keys
            event = "jointreview.opinion"
        else:
            old = {
                "verdict": before.verdict,
                "reason": before.reason,
                "objected_items": before.objected_items,
            }
            Opinion.objects.filter(pk=before.pk).update(**values)
            opinion = Opinion.objects.get(pk=before.pk)
            changes = {"department": department} | audit.diff(
                old, {"verdict": verdict, "reason": reason, "objected_items": keys}
            )
            event = "jointreview.opinion_revise"
        audit.record(event, actor=actor, obj=review, changes=changes)
        agreed = set(
            Opinion.objects.filter(review=review, verdict=Verdict.AGREE).values_list("department", flat=True)
        )
        if all(d["code"] in agreed for d in review.departments):
            workflow.transition(
                REVIEW_PROCESS, locked, ReviewAction.PASS, by=None, comment="各联审部门均已同意"
            )
            review.state = locked.state
    return opinion


def override(*, actor: Actor, review: JointReview, reason: str) -> JointReview:
    """Pass an open review over its objections (or silent departments), with the reason on record."""
    workflow.transition(REVIEW_PROCESS, review, ReviewAction.OVERRIDE, by=actor, comment=reason)
    return review


def outcome(review: JointReview, *, today: date | None = None) -> Outcome:
    """Where the review stands: passed, who has not answered, the objections per item, who is late."""
    today = today or timezone.localdate()
    opinions = {o.department: o for o in review.opinions.all()}
    names = {d["code"]: d["name"] for d in review.departments}
    pending = [d["code"] for d in review.departments if d["code"] not in opinions]
    objections: dict[str, list[tuple[str, str]]] = {}
    for dept in review.departments:
        opinion = opinions.get(dept["code"])
        if opinion is None or opinion.verdict != Verdict.OBJECT:
            continue
        for key in opinion.objected_items or [""]:
            objections.setdefault(key, []).append((names[dept["code"]], opinion.reason))
    late = review.state == ReviewState.OPEN and today > review.due_on
    return Outcome(
        passed=review.state in (ReviewState.PASSED, ReviewState.OVERRIDDEN),
        pending=pending,
        objections=objections,
        overdue=list(pending) if late else [],
    )


def for_object(kind: str, object_id: int) -> QuerySet[JointReview]:
    """The reviews of one module's object, newest first."""
    return JointReview.objects.filter(kind=kind, object_id=object_id).order_by("-created_at", "-id")


def _under_any(user: Actor | None) -> Q:
    q = Q(pk__in=[])
    for path in {p for _, p in grants(user)}:
        q |= Q(organization__path__startswith=path)
    return q


def awaiting(user: Actor | None) -> QuerySet[JointReview]:
    """Open reviews waiting for a department the user answers for (the to-do).

    Departments live in JSON, so the permission test runs in Python over the open reviews under the
    user's nodes: few at a time (a campaign opens one per step), unlike members or meetings.
    """
    if user is None or not user.is_authenticated:
        return JointReview.objects.none()
    candidates = (
        JointReview.objects.filter(_under_any(user), state=ReviewState.OPEN)
        .select_related("organization")
        .prefetch_related("opinions")
    )
    ids = [
        review.pk
        for review in candidates
        if _unanswered(answerable(user, review), {o.department for o in review.opinions.all()})
    ]
    return JointReview.objects.filter(pk__in=ids).order_by("due_on", "id")


def _unanswered(departments: Iterable[dict[str, str]], answered: set[str]) -> bool:
    return any(d["code"] not in answered for d in departments)


def visible(qs: QuerySet[JointReview], user: Actor | None) -> QuerySet[JointReview]:
    """The reviews of `qs` the user may open (`can_view`), checked per review under the user's nodes."""
    if user is None or not user.is_authenticated:
        return qs.none()
    candidates = qs.filter(_under_any(user)).select_related("organization")
    return qs.filter(pk__in=[r.pk for r in candidates if can_view(user, r)])
