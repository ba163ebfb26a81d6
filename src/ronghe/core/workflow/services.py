"""`transition()` and the reads every process shares: history, deadlines, what is overdue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from ronghe.core import audit, workdays
from ronghe.core.errors import Conflict, DomainError, TransitionNotAllowed
from ronghe.core.scope import has_perm_at, is_own, org_path_of
from ronghe.core.types import Actor
from ronghe.core.workflow.models import History
from ronghe.core.workflow.process import OWNER, SYSTEM, Process

M = TypeVar("M", bound=models.Model)


def _actor_id(by: Actor | None) -> int | None:
    """The account recorded as the actor (none for the system or an anonymous caller)."""
    return by.pk if by is not None and by.pk else None


def check(process: Process, obj: models.Model, action: str, *, by: Actor | None, comment: str = "") -> None:
    """Everything `transition` refuses, without writing: the step, the permission, the applicant, the comment."""
    state = getattr(obj, process.state_field)
    step = process.step(state, action)
    permission = step.permission_for(obj)
    if permission == SYSTEM:
        if by is not None:
            raise PermissionDenied(step.denied)
    elif permission == OWNER:
        if not is_own(obj, by):
            raise PermissionDenied(step.denied)
    else:
        if not permission or not has_perm_at(by, permission, org_path_of(obj)):
            raise PermissionDenied(step.denied)
        if step.forbid_owner and is_own(obj, by):
            raise TransitionNotAllowed(step.forbid_owner)
    if step.comment_required and not (comment or "").strip():
        raise DomainError(step.comment_required, field=process.comment_field, code="comment_required")


def transition(
    process: Process,
    obj: M,
    action: str,
    *,
    by: Actor | None,
    comment: str = "",
    to: str | None = None,
    fields: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    attachments: Iterable[Mapping[str, Any]] = (),
    audit_changes: Mapping[str, Any] | None = None,
    effective_on: date | None = None,
    at: datetime | None = None,
) -> History:
    """Apply one declared step to `obj` and record it; raise DomainError/PermissionDenied otherwise.

    The state (and `fields`, e.g. who decided) change with one conditional UPDATE on the state the
    caller saw, so of two concurrent actors exactly one succeeds; the other gets `Conflict`. One
    history row and one audit entry are written in the same transaction. `to` picks one of the step's
    declared `also_to` targets. The caller's side effects (a ledger entry…) go in its own transaction
    around this call.
    """
    comment = (comment or "").strip()
    check(process, obj, action, by=by, comment=comment)
    before = getattr(obj, process.state_field)
    step = process.step(before, action)
    target = to or step.to
    if target not in step.targets():
        raise TransitionNotAllowed(f"不能转到“{process.state_labels.get(target, target)}”状态")
    now = at or timezone.now()
    values = {process.state_field: target, **(fields or {})}
    model = type(obj)
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values.setdefault("updated_at", now)
    with transaction.atomic():
        updated = model._default_manager.filter(pk=obj.pk, **{process.state_field: before}).update(**values)
        if updated != 1:
            raise Conflict(process.conflict)
        for name, value in values.items():
            setattr(obj, name, value)
        row = History.objects.create(
            process=process.name,
            object_id=obj.pk,
            from_state=before,
            to_state=target,
            action=action,
            actor_id=_actor_id(by),
            comment=comment,
            effective_on=effective_on,
            attachments=list(attachments),
            data=audit._jsonable(dict(data or {})),
            at=now,
        )
        changes: dict[str, Any] = {process.state_field: [before, target], "action": action}
        if comment:
            changes["comment"] = comment
        # no `by` is the system's step (its History row has no actor): not the act of whoever's request ran it
        audit.record(
            process.event(action),
            actor=by,
            system=by is None,
            obj=obj,
            changes=changes | dict(audit_changes or {}),
        )
    return row


def start(
    process: Process,
    obj: models.Model,
    *,
    by: Actor | None,
    comment: str = "",
    data: Mapping[str, Any] | None = None,
    effective_on: date | None = None,
    at: datetime | None = None,
) -> History:
    """Record that `obj` entered the process in its current state (submission, issue of a letter).
    The caller audits the creation itself."""
    return History.objects.create(
        process=process.name,
        object_id=obj.pk,
        to_state=getattr(obj, process.state_field),
        actor_id=_actor_id(by),
        comment=(comment or "").strip(),
        effective_on=effective_on,
        data=audit._jsonable(dict(data or {})),
        at=at or timezone.now(),
    )


def history_for(
    process: Process, obj: models.Model, *, order_by: tuple[str, ...] = ("at", "id")
) -> list[History]:
    """The object's history in this process, oldest first, with the actors and Chinese labels
    (`action_label`, `from_label`, `to_label`) for the page."""
    qs = History.objects.filter(process=process.name, object_id=obj.pk).select_related("actor")
    rows = list(qs.order_by(*order_by))
    for row in rows:
        row.action_label = process.action_labels.get(row.action, row.action)
        row.from_label = process.state_labels.get(row.from_state, row.from_state)
        row.to_label = process.state_labels.get(row.to_state, row.to_state)
    return rows


def entered_at(process: Process) -> Subquery:
    """An annotation: when each object entered its current state (its latest history row)."""
    latest = History.objects.filter(process=process.name, object_id=OuterRef("pk")).order_by("-at", "-id")
    return Subquery(latest.values("at")[:1])


def due_on(process: Process, state: str, entered: date, table: workdays.Table | None = None) -> date | None:
    """The last day to act on an object that entered `state` on `entered`, or None without a deadline."""
    days = process.deadlines.get(state)
    if not days:
        return None
    return workdays.add_working_days(entered, days, table).end


def _last_entry_day_overdue(days: int, today: date, table: workdays.Table) -> date:
    """The latest entry day whose deadline (`days` working days later) is already before `today`."""
    day = today - timedelta(days=days)
    while workdays.add_working_days(day, days, table).end >= today:
        day -= timedelta(days=1)
    return day


def overdue_q(process: Process, *, today: date | None = None) -> Q | None:
    """The condition `overdue` filters on, over the `workflow_entered_at` annotation (`entered_at`);
    None for a process without deadlines (nothing is ever overdue)."""
    if not process.deadlines:
        return None
    today = today or timezone.localdate()
    table = workdays.load_table()
    tz = timezone.get_current_timezone()
    condition = Q()
    for state, days in process.deadlines.items():
        last = _last_entry_day_overdue(days, today, table)
        before = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), tz)
        condition |= Q(**{process.state_field: state, "workflow_entered_at__lt": before})
    return condition


def overdue(process: Process, qs: QuerySet[M], *, today: date | None = None) -> QuerySet[M]:
    """Objects of `qs` waiting in a state longer than its deadline in working days (holidays and 调休
    counted by `core.workdays`). The deadline day itself is not overdue."""
    condition = overdue_q(process, today=today)
    if condition is None:
        return qs.none()
    # The annotation only serves the filter; django-stubs types the annotated queryset of a TypeVar model
    # as QuerySet[Model, M] (typeddjango/django-stubs#3382), though the rows are still M.
    return qs.annotate(workflow_entered_at=entered_at(process)).filter(condition)  # type: ignore[return-value]
