"""Publishing a notice and receipting a read: one transaction each, audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.evidence import files as evidence_files
from ronghe.core.evidence import services as evidence_services
from ronghe.core.scope import require_at
from ronghe.notices import rules
from ronghe.notices.models import Notice, NoticeRead
from ronghe.orgs.models import Organization


def publish(
    *,
    actor: User,
    organization: Organization,
    title: str,
    body: str,
    attachments: Sequence[UploadedFile[bytes]] = (),
    now: datetime | None = None,
) -> Notice:
    """Publish a notice to everyone in `organization`'s subtree (notices.publish there), with its files
    (core.evidence, checked like every upload); a file refused refuses the notice, nothing is kept."""
    require_at(actor, "notices.publish", organization.path)
    problems = rules.check_notice(title, body)
    if len(attachments) > rules.ATTACHMENTS_MAX:
        problems["file"] = f"附件不超过 {rules.ATTACHMENTS_MAX} 个"
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field)
    stored: list[str] = []
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                organization=organization,
                title=title.strip(),
                body=body.strip(),
                published_by=actor,
                published_at=now or timezone.now(),
            )
            audit.record("notices.publish", obj=notice, changes={"title": notice.title})
            for upload in attachments:
                evidence = evidence_services.attach_file(
                    actor=actor,
                    kind=rules.ATTACHMENT_KIND,
                    object_id=notice.pk,
                    organization=organization,
                    upload=upload,
                    permission="notices.publish",
                    view_permission="notices.publish",  # recipients download through the notice
                )
                stored.append(evidence.stored_name)
    except Exception:
        for name in stored:
            evidence_files.discard(evidence_services.FOLDER, name)
        raise
    return notice


def remind_unread(*, actor: User, notice: Notice, now: datetime | None = None) -> int:
    """提醒未读: the notice is flagged as reminded (its unread recipients see 催阅 beside it on their home
    page, first among their unread notices); audited with how many were unread. Returns that number."""
    require_at(actor, "notices.publish", notice.organization.path)
    from ronghe.notices.queries import receipts

    unread = receipts(notice).unread
    if not unread:
        raise DomainError("所有应读人员都已阅读，无需提醒")
    with transaction.atomic():
        notice.reminded_at = now or timezone.now()
        notice.save(update_fields=["reminded_at"])
        audit.record("notices.remind", obj=notice, changes={"unread": unread})
    return unread


def mark_read(*, user: User, notice: Notice, now: datetime | None = None) -> bool:
    """Receipt the user's first read of the notice; True when this was it."""
    _row, created = NoticeRead.objects.get_or_create(
        notice=notice, user=user, defaults={"read_at": now or timezone.now()}
    )
    return created


def publish_system(
    *,
    organization: Organization,
    title: str,
    body: str,
    audience_permission: str = "",
    now: datetime | None = None,
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
