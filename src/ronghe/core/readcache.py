"""The version counter behind the per-scope read caches (home summary, compliance table, org tree).

Whole-subtree aggregates cost seconds at a province (1M members), so those pages cache their result per
scope for a short while. Every cache key includes `summary_version()`; saving or deleting a member,
organization or meeting bumps it, dropping every cached result at once. Writes from other processes
(bulk import commands) show within the TTL. Kept apart from the queries so any app can depend on it.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from ronghe.members.models import Member
from ronghe.orglife.models import Meeting
from ronghe.orgs.models import Organization

HOME_CACHE_SECONDS = 60
_VERSION_KEY = "core:home_summary:version"


def _bump() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)


def invalidate_home_summary(**kwargs: Any) -> None:
    """Drop all cached summaries (signal receiver; also callable after bulk writes).

    Bumped at once and again when the transaction commits, so a summary another request computed
    from the not-yet-committed state in between is not served under the new version.
    """
    _bump()
    transaction.on_commit(_bump)


for _model in (Member, Organization, Meeting):
    post_save.connect(
        invalidate_home_summary, sender=_model, dispatch_uid=f"home_summary:{_model.__name__}:save"
    )
    post_delete.connect(
        invalidate_home_summary, sender=_model, dispatch_uid=f"home_summary:{_model.__name__}:delete"
    )


def summary_version() -> int:
    """Bumped by every ORM save/delete of a member, organization or meeting (cache keys include it)."""
    return cache.get(_VERSION_KEY, 0)
