"""Read side of notices: what reaches a user (published at their node or above), unread ones, receipts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from ronghe.accounts.choices import Role
from ronghe.accounts.models import User
from ronghe.core.scope import grants, paths_with, permission_policy, scoped
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.notices import rules
from ronghe.notices.models import Notice, NoticeRead


def _reach(user: User) -> list[str]:
    """The paths a notice may be published at to reach the user: their branch and roles' nodes and above."""
    paths = {path for _role, path in grants(user)}
    member = getattr(user, "member", None) if getattr(user, "member_id", None) else None
    if member is not None:
        paths.add(member.organization.path)
    return sorted({p for path in paths for p in rules.ancestor_paths(path)})


def _reaches(user: User) -> Q:
    """Notices to everyone published at the user's nodes or above; notices addressed by a permission
    published at or above a node where the user holds it."""
    condition = Q(audience_permission="", organization__path__in=_reach(user))
    for perm in rules.AUDIENCES:
        paths = sorted({p for path in paths_with(user, perm) for p in rules.ancestor_paths(path)})
        if paths:
            condition |= Q(audience_permission=perm, organization__path__in=paths)
    return condition


def notices_for_user(user: User) -> QuerySet[Notice]:
    """The notices that reach the user, newest first, each marked `is_read` for them."""
    read = NoticeRead.objects.filter(notice=OuterRef("pk"), user=user)
    return (
        Notice.objects.filter(_reaches(user))
        .select_related("organization")
        .annotate(is_read=Exists(read))
        .order_by("-published_at", "-id")
    )


def unread_for_user(user: User) -> QuerySet[Notice]:
    """The user's unread notices: those their publisher reminded about first, then newest first."""
    read = NoticeRead.objects.filter(notice=OuterRef("pk"), user=user)
    return (
        Notice.objects.filter(_reaches(user))
        .filter(~Exists(read))
        .select_related("organization")
        .order_by(F("reminded_at").desc(nulls_last=True), "-published_at", "-id")
    )


def published_for_user(user: User) -> QuerySet[Notice]:
    """The notices of the subtrees where the user publishes, with how many have read each."""
    return (
        scoped(Notice.objects.select_related("organization"), user, "notices.publish")
        .annotate(n_read=Count("reads"))
        .order_by("-published_at", "-id")
    )


def can_publish(user: User) -> bool:
    return bool(paths_with(user, "notices.publish"))


@dataclass(frozen=True)
class Receipts:
    read: int
    recipients: int  # active members in the notice's subtree

    @property
    def unread(self) -> int:
        return max(self.recipients - self.read, 0)


def receipts(notice: Notice) -> Receipts:
    """Read receipts against the members the notice reaches (two counts): only their reads count, so
    the publisher's own opening (or anyone else's outside them) never makes 已读 exceed 应读. A notice
    addressed by a permission counts the active accounts holding it in the subtree instead."""
    read_users = NoticeRead.objects.filter(notice=notice).values("user_id")
    if notice.audience_permission:
        policy = permission_policy()
        roles = [role for role in Role.values if notice.audience_permission in policy(role)]
        holders = User.objects.filter(
            is_active=True,
            role_assignments__role__in=roles,
            role_assignments__organization__path__startswith=notice.organization.path,
        ).distinct()
        return Receipts(holders.filter(id__in=read_users).count(), holders.count())
    members = Member.objects.filter(
        Q(organization__path__startswith=notice.organization.path), status__in=ACTIVE_STATUSES
    )
    return Receipts(members.filter(user__id__in=read_users).count(), members.count())


def unread_readers(notice: Notice, limit: int) -> list[Member]:
    """Members in the notice's subtree whose account has not read it yet (for the reminder list); none for
    a notice addressed by a permission (its readers are staff, not the members)."""
    if notice.audience_permission:
        return []
    read_users = NoticeRead.objects.filter(notice=notice).values("user_id")
    return list(
        Member.objects.filter(
            organization__path__startswith=notice.organization.path, status__in=ACTIVE_STATUSES
        )
        .exclude(user__id__in=read_users)
        .select_related("organization")
        .order_by("organization__path", "name")[:limit]
    )
