"""Publishing a notice and receipting a read: one transaction each, audited."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import require_at
from ronghe.notices import rules
from ronghe.notices.models import Notice, NoticeRead
from ronghe.orgs.models import Organization


def publish(
    *, actor: User, organization: Organization, title: str, body: str, now: datetime | None = None
) -> Notice:
    """Publish a notice to everyone in `organization`'s subtree (notices.publish there)."""
    require_at(actor, "notices.publish", organization.path)
    problems = rules.check_notice(title, body)
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field)
    with transaction.atomic():
        notice = Notice.objects.create(
            organization=organization,
            title=title.strip(),
            body=body.strip(),
            published_by=actor,
            published_at=now or timezone.now(),
        )
        audit.record("notices.publish", obj=notice, changes={"title": notice.title})
    return notice


def mark_read(*, user: User, notice: Notice, now: datetime | None = None) -> bool:
    """Receipt the user's first read of the notice; True when this was it."""
    _row, created = NoticeRead.objects.get_or_create(
        notice=notice, user=user, defaults={"read_at": now or timezone.now()}
    )
    return created


def publish_system(
    *, organization: Organization, title: str, body: str, audience_permission: str = "", now: datetime | None = None
) -> Notice:
    """Publish a notice the platform itself produced (a scheduled summary): no publisher, audited with the
    system as actor. Runs in the caller's transaction."""
    problems = rules.check_notice(title, body)
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field)
    if audience_permission and audience_permission not in rules.AUDIENCES:
        raise DomainError("接收范围不正确", "audience_permission")
    with transaction.atomic():
        notice = Notice.objects.create(
            organization=organization,
            title=title.strip(),
            body=body.strip(),
            published_by=None,
            published_at=now or timezone.now(),
            audience_permission=audience_permission,
        )
        audit.record("notices.publish", obj=notice, changes={"title": notice.title, "system": True})
    return notice
