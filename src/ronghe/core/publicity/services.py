"""公示 services: publish a list over a subtree, lodge and handle objections, close after the period.

Every module calls these (ratings, selections, recruitment, the year end of points); the module keeps
its own object and reads back `upheld_keys()` when the publication is closed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ronghe.core import audit, workdays
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.publicity.choices import ObjectionAction, ObjectionState, PublicationAction, PublicationState
from ronghe.core.publicity.models import Objection, Publication
from ronghe.core.publicity.rules import MAX_TEXT, OBJECTION_PROCESS, PUBLICATION_PROCESS, clean_items
from ronghe.core.scope import grants, has_perm_at, permission_policy, require_at
from ronghe.core.types import Actor, MemberOf, OrgNode
from ronghe.core.workflow import services as workflow


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def period(
    starts_on: date, working_days: int, table: workdays.Table | None = None
) -> tuple[date, date, bool]:
    """(first day, last day, fallback used) of a period of `working_days` working days from `starts_on`:
    `starts_on` counts when it is a working day, else the period starts on the next one."""
    before = starts_on - timedelta(days=1)
    first = workdays.add_working_days(before, 1, table)
    last = workdays.add_working_days(before, working_days, table)
    return first.end, last.end, first.fallback or last.fallback


def working_days_left(publication: Publication, today: date) -> int:
    """Working days of the period from `today` (included) to its end; 0 once it is over."""
    if today > publication.ends_on:
        return 0
    start = max(today, publication.starts_on) - timedelta(days=1)
    return workdays.count_working_days(start, publication.ends_on, workdays.load_table())[0]


def own_org_path(user: Actor | None) -> str | None:
    """The organization path of the user's own member, if the account belongs to one."""
    if user is None or not user.is_authenticated or not user.member_id:
        return None
    member: MemberOf | None = getattr(user, "member", None)
    return member.organization.path if member is not None else None


def can_view(user: Actor | None, publication: Publication) -> bool:
    """Anyone in scope: the view or handle permission at the organization, or a member of the subtree."""
    path = publication.organization.path
    if has_perm_at(user, publication.view_permission, path) or has_perm_at(
        user, publication.handle_permission, path
    ):
        return True
    own = own_org_path(user)
    return own is not None and own.startswith(path)


def can_object(user: Actor | None, publication: Publication) -> bool:
    path = publication.organization.path
    if has_perm_at(user, publication.view_permission, path):
        return True
    own = own_org_path(user)
    return own is not None and own.startswith(path)


def can_handle(user: Actor | None, publication: Publication) -> bool:
    return has_perm_at(user, publication.handle_permission, publication.organization.path)


def visible(qs: QuerySet[Publication], user: Actor | None) -> QuerySet[Publication]:
    """The publications of `qs` the user may open (the same rule as `can_view`, in SQL)."""
    if user is None or not user.is_authenticated:
        return qs.none()
    policy = permission_policy()
    q = Q(pk__in=[])
    for role, path in grants(user):
        perms = sorted(policy(role))
        if perms:
            q |= Q(organization__path__startswith=path) & (
                Q(view_permission__in=perms) | Q(handle_permission__in=perms)
            )
    own = own_org_path(user)
    if own:
        # the subtrees containing the member's organization: its own node and every ancestor
        segments = [s for s in own.split(".") if s]
        q |= Q(organization__path__in=[".".join(segments[:n]) + "." for n in range(1, len(segments) + 1)])
    return qs.filter(q)


def for_object(kind: str, object_id: int) -> QuerySet[Publication]:
    """The publications of one module's object, newest first."""
    return Publication.objects.filter(kind=kind, object_id=object_id).order_by("-created_at", "-id")


def upheld_keys(publication: Publication) -> set[str]:
    """The item keys with an upheld objection ("" when one about the whole list was upheld)."""
    rows = publication.objections.filter(state=ObjectionState.UPHELD).values_list("item_key", flat=True)
    return set(rows)


def pending_count(publication: Publication) -> int:
    return publication.objections.filter(state=ObjectionState.PENDING).count()


def publish(
    *,
    actor: Actor,
    kind: str,
    object_id: int,
    organization: OrgNode,
    title: str,
    items: list[dict[str, Any]],
    working_days: int,
    view_permission: str,
    handle_permission: str,
    starts_on: date | None = None,
) -> Publication:
    """Open a 公示 of `items` over `organization`'s subtree for `working_days` working days."""
    require_at(actor, handle_permission, organization.path)
    if working_days < 1:
        raise InvalidInput({"working_days": ["公示期至少为 1 个工作日"]}, {"working_days": "公示工作日数"})
    title = (title or "").strip()
    if not title:
        raise InvalidInput({"title": ["请填写公示标题"]}, {"title": "标题"})
    if not view_permission or not handle_permission or not kind:
        raise ValueError("kind, view_permission and handle_permission are required")
    cleaned = clean_items(items)
    first, last, fallback = period(starts_on or timezone.localdate(), working_days, workdays.load_table())
    with transaction.atomic():
        publication = Publication.objects.create(
            kind=kind,
            object_id=object_id,
            organization_id=organization.pk,
            title=title,
            items=cleaned,
            view_permission=view_permission,
            handle_permission=handle_permission,
            starts_on=first,
            ends_on=last,
            working_days=working_days,
            period_fallback=fallback,
            created_by_id=actor.pk if actor.is_authenticated else None,
        )
        workflow.start(PUBLICATION_PROCESS, publication, by=actor)
        audit.record(
            "publicity.publish",
            actor=actor,
            obj=publication,
            changes={
                "kind": kind,
                "object_id": object_id,
                "starts_on": first,
                "ends_on": last,
                "working_days": working_days,
                "items": len(cleaned),
            },
        )
    return publication


def lodge_objection(
    *, actor: Actor, publication: Publication, text: str, item_key: str = "", today: date | None = None
) -> Objection:
    """Record an objection by anyone in scope during the period (its last day included)."""
    if not can_object(actor, publication):
        raise PermissionDenied("您不在该公示的范围内，不能提出异议")
    today = today or timezone.localdate()
    if publication.state != PublicationState.OPEN:
        raise DomainError("公示已结束，不能再提出异议", code="closed")
    if today > publication.ends_on:
        raise DomainError(f"公示期已于{_day(publication.ends_on)}结束，不能再提出异议", code="period_over")
    if today < publication.starts_on:
        raise DomainError("公示尚未开始", code="not_started")
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写异议内容", field="text", code="required")
    if len(text) > MAX_TEXT:
        raise DomainError(f"异议内容不能超过 {MAX_TEXT} 字", field="text")
    item_key = (item_key or "").strip()
    if item_key and item_key not in publication.item_labels():
        raise DomainError("公示名单中没有该项", field="item_key", code="unknown_item")
    with transaction.atomic():
        objection = Objection.objects.create(
            publication=publication, item_key=item_key, text=text, lodged_by_id=actor.pk
        )
        workflow.start(OBJECTION_PROCESS, objection, by=actor)
        audit.record(
            "publicity.objection_lodge",
            actor=actor,
            obj=objection,
            changes={"item_key": item_key, "text": text},
        )
    return objection


def handle_objection(*, actor: Actor, objection: Objection, upheld: bool, reason: str) -> Objection:
    """Uphold or dismiss a pending objection, with the reason (required)."""
    action = ObjectionAction.UPHOLD if upheld else ObjectionAction.DISMISS
    reason = (reason or "").strip()
    with transaction.atomic():
        workflow.transition(
            OBJECTION_PROCESS,
            objection,
            action,
            by=actor,
            comment=reason,
            fields={"handled_by_id": actor.pk, "handled_at": timezone.now(), "resolution": reason},
        )
    return objection


def close(*, actor: Actor, publication: Publication, today: date | None = None) -> Publication:
    """End the 公示 once its period is over and every objection is handled; the list is then final."""
    workflow.check(PUBLICATION_PROCESS, publication, PublicationAction.CLOSE, by=actor)
    today = today or timezone.localdate()
    if today <= publication.ends_on:
        raise DomainError(f"公示期至{_day(publication.ends_on)}，尚未结束", code="period_running")
    with transaction.atomic():
        pending = pending_count(publication)
        if pending:
            raise DomainError(f"还有 {pending} 条异议未处理，处理后才能结束公示", code="pending_objections")
        workflow.transition(
            PUBLICATION_PROCESS,
            publication,
            PublicationAction.CLOSE,
            by=actor,
            fields={"closed_at": timezone.now()},
            audit_changes={"upheld": sorted(upheld_keys(publication))},
        )
    return publication
