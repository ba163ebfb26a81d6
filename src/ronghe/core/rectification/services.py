"""Use-cases of 整改: create an item, plan, report progress, submit, and the issuer's check.

The state changes go through the declared process "rectification.item" and `workflow.transition()`.
The permissions are the item's own (`owner_permission`, `issuer_permission`); the steps read them
from the item (`Step.permission_from`). Every change is audited in its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import DomainError, TransitionNotAllowed
from ronghe.core.rectification.models import Item, Progress, State
from ronghe.core.scope import grants, has_perm_at, permission_policy
from ronghe.core.types import Actor, OrgNode
from ronghe.core.workflow import services as workflow
from ronghe.core.workflow.models import History
from ronghe.core.workflow.process import Process, Step

PROCESS_NAME = "rectification.item"
EVIDENCE_KIND = "rectification.item"
SUBMIT_NOTE_REQUIRED = "请说明整改完成情况"
REJECT_REASON_REQUIRED = "请填写退回理由"
NOT_OPEN = "只有整改中的事项可以修改"


# One declared process; each step reads its permission from the item (the module that opened it
# named who rectifies and who checks: `permission_from`, as 公示 and 联审 do).
PROCESS = Process(
    name=PROCESS_NAME,
    noun="整改事项",
    state_field="state",
    steps={
        (State.OPEN, "submit"): Step(
            to=State.SUBMITTED, permission_from="owner_permission", comment_required=SUBMIT_NOTE_REQUIRED
        ),
        (State.SUBMITTED, "accept"): Step(to=State.CLOSED, permission_from="issuer_permission"),
        (State.SUBMITTED, "reject"): Step(
            to=State.OPEN, permission_from="issuer_permission", comment_required=REJECT_REASON_REQUIRED
        ),
    },
    state_labels=dict(State.choices),
    action_labels={"submit": "提交验收", "accept": "验收销号", "reject": "退回整改"},
    audit_event="rectification.item.{action}",
)


def process_for(item: Item) -> Process:
    """The declared process of 整改 items (kept for callers that pass the item)."""
    return PROCESS


def _check_due(due_on: date | None, today: date) -> date:
    if due_on is None:
        raise DomainError("请填写整改期限", field="due_on", code="required")
    if due_on < today:
        raise DomainError("整改期限不能早于今天", field="due_on", code="past")
    return due_on


def _required(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field, code="required")
    return value


def create_item(
    *,
    actor: Actor,
    kind: str,
    object_id: int,
    organization: OrgNode,
    title: str,
    measures: str,
    owner: str,
    leader: str,
    due_on: date,
    owner_permission: str,
    issuer_permission: str,
) -> Item:
    """Open a rectification item for `organization`; the actor holds the owner's or the issuer's
    permission there."""
    if not (
        has_perm_at(actor, owner_permission, organization.path)
        or has_perm_at(actor, issuer_permission, organization.path)
    ):
        raise PermissionDenied("您没有执行此操作的权限")
    title = _required(title, "请填写整改问题", "title")
    due_on = _check_due(due_on, timezone.localdate())
    with transaction.atomic():
        item = Item.objects.create(
            kind=kind,
            object_id=object_id,
            organization_id=organization.pk,
            title=title[:300],
            measures=(measures or "").strip(),
            owner=(owner or "").strip()[:50],
            leader=(leader or "").strip()[:50],
            due_on=due_on,
            owner_permission=owner_permission,
            issuer_permission=issuer_permission,
            created_by_id=actor.pk if actor.is_authenticated else None,
        )
        audit.record(
            "rectification.item.create",
            actor=actor,
            obj=item,
            org_path=organization.path,
            changes={"kind": kind, "object_id": object_id, "title": item.title, "due_on": due_on},
        )
        workflow.start(process_for(item), item, by=actor)
    return item


def _require_owner_open(actor: Actor, item: Item) -> None:
    if not has_perm_at(actor, item.owner_permission, item.organization.path):
        raise PermissionDenied("您没有执行此操作的权限")
    if item.state != State.OPEN:
        raise TransitionNotAllowed(NOT_OPEN)


def update_plan(
    *, actor: Actor, item: Item, title: str, measures: str, owner: str, leader: str, due_on: date
) -> Item:
    """The organization revises its plan while the item is open."""
    _require_owner_open(actor, item)
    title = _required(title, "请填写整改问题", "title")
    if due_on != item.due_on:
        _check_due(due_on, timezone.localdate())
    fields = ("title", "measures", "owner", "leader", "due_on")
    before = {f: getattr(item, f) for f in fields}
    after = {
        "title": title[:300],
        "measures": (measures or "").strip(),
        "owner": (owner or "").strip()[:50],
        "leader": (leader or "").strip()[:50],
        "due_on": due_on,
    }
    with transaction.atomic():
        updated = Item.objects.filter(pk=item.pk, state=State.OPEN).update(**after, updated_at=timezone.now())
        if updated != 1:
            raise TransitionNotAllowed(NOT_OPEN)
        for name, value in after.items():
            setattr(item, name, value)
        audit.record("rectification.item.update", actor=actor, obj=item, changes=audit.diff(before, after))
    return item


def add_progress(*, actor: Actor, item: Item, text: str) -> Progress:
    """A progress note while the item is open."""
    _require_owner_open(actor, item)
    text = _required(text, "请填写整改进展", "text")
    with transaction.atomic():
        row = Progress.objects.create(
            item=item, text=text, by_id=actor.pk if actor.is_authenticated else None
        )
        audit.record("rectification.item.progress", actor=actor, obj=item, changes={"progress": text[:500]})
    return row


def submit(*, actor: Actor, item: Item, note: str) -> History:
    """The organization reports the item done (how it was fixed: required)."""
    return workflow.transition(process_for(item), item, "submit", by=actor, comment=note)


def accept(*, actor: Actor, item: Item, comment: str = "") -> History:
    """The issuer checks and closes the item (销号)."""
    return workflow.transition(
        process_for(item), item, "accept", by=actor, comment=comment, fields={"closed_at": timezone.now()}
    )


def reject(*, actor: Actor, item: Item, reason: str) -> History:
    """The issuer returns the item for more work (the reason: required)."""
    return workflow.transition(process_for(item), item, "reject", by=actor, comment=reason)


def history(item: Item) -> list[History]:
    return workflow.history_for(process_for(item), item)


def allowed_actions(actor: Actor, item: Item) -> list[str]:
    """The steps this actor may take now (for the page's buttons)."""
    process = process_for(item)
    path = item.organization.path
    return [
        action
        for action in process.actions_from(item.state)
        if has_perm_at(actor, process.step(item.state, action).permission_for(item), path)
    ]


def late(qs: QuerySet[Item], today: date | None = None) -> QuerySet[Item]:
    """Items not closed whose deadline has passed (due today is not late)."""
    today = today or timezone.localdate()
    return qs.exclude(state=State.CLOSED).filter(due_on__lt=today)


def for_object(kind: str, object_id: int) -> list[Item]:
    """The items following from one object, by deadline."""
    return list(Item.objects.filter(kind=kind, object_id=object_id).select_related("organization"))


def visible(qs: QuerySet[Item], user: Actor | None) -> QuerySet[Item]:
    """Items where the user holds the item's owner or issuer permission at its organization."""
    q = Q(pk__in=[])
    permissions_for = permission_policy()
    for role, path in grants(user):
        perms = sorted(permissions_for(role))
        if perms:
            q |= Q(organization__path__startswith=path) & (
                Q(owner_permission__in=perms) | Q(issuer_permission__in=perms)
            )
    return qs.filter(q)


def closure_by_organization(organization_ids: Sequence[int], year: int) -> dict[int, tuple[int, int]]:
    """Per organization: (items closed, items) among the items due in `year`. One GROUP BY query."""
    rows = (
        Item.objects.filter(organization_id__in=list(organization_ids), due_on__year=year)
        .values_list("organization_id")
        .annotate(n=Count("id"), closed=Count("id", filter=Q(state=State.CLOSED)))
        .values_list("organization_id", "closed", "n")
    )
    return {org_id: (closed, n) for org_id, closed, n in rows}
