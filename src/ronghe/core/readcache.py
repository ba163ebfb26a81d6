"""The version counter behind the per-scope read caches (home summary, compliance table, org tree).

Whole-subtree aggregates cost seconds at a province (1M members), so those pages cache their result per
scope for a short while. Every cache key includes `summary_version()`; saving or deleting a row of a
model declared with `invalidate_on` bumps it, dropping every cached result at once. Each app declares
its own models from its `AppConfig.ready()` (members: Member; orgs: Organization; orglife: Meeting,
Attendance, MeetingRequirement), so this module names no domain model. Writes from other processes
(bulk import commands) show within the TTL.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save

HOME_CACHE_SECONDS = 60
T = TypeVar("T")
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


_DECLARED: list[type[Model]] = []


def invalidate_on(*models: type[Model]) -> None:
    """Declare that an ORM save or delete of any of `models` drops every cached aggregate.

    Called by each app from its `AppConfig.ready()` for its models whose rows the cached pages read.
    Declaring a model again changes nothing.
    """
    for model in models:
        label = model._meta.label
        post_save.connect(invalidate_home_summary, sender=model, dispatch_uid=f"readcache:{label}:save")
        post_delete.connect(invalidate_home_summary, sender=model, dispatch_uid=f"readcache:{label}:delete")
        if model not in _DECLARED:
            _DECLARED.append(model)


def invalidating_models() -> tuple[type[Model], ...]:
    """The models declared with `invalidate_on`, in the order they were declared."""
    return tuple(_DECLARED)


def summary_version() -> int:
    """Bumped by every ORM save/delete of a model declared with `invalidate_on` (cache keys include it)."""
    version: int = cache.get(_VERSION_KEY, 0)
    return version


LOCK_SECONDS = 120  # longer than any aggregate takes at a province (the rollup took ~17 s at 1M members)
_WAIT_STEP = 0.05


def cached_aggregate(key: str, compute: Callable[[], T], timeout: int = HOME_CACHE_SECONDS) -> T:
    """`compute()` cached under `key` for `timeout` seconds, computed by one request at a time.

    When the entry is missing, the first request takes a lock (an atomic `cache.add`) and computes;
    concurrent requests for the same key wait for its result instead of each computing the same
    whole-subtree aggregate (16 cold clients at a province took the server to 12 GB). A waiter
    computes itself only if the lock holder has not finished within `LOCK_SECONDS`.
    """
    found: T | None = cache.get(key)
    if found is not None:
        return found
    lock = f"{key}:computing"
    if not cache.add(lock, 1, LOCK_SECONDS):
        deadline = time.monotonic() + LOCK_SECONDS
        while time.monotonic() < deadline:
            time.sleep(_WAIT_STEP)
            found = cache.get(key)
            if found is not None:
                return found
            if cache.get(lock) is None:  # the holder failed: compute below
                break
    try:
        found = compute()
        cache.set(key, found, timeout)
    finally:
        cache.delete(lock)
    return found


COUNT_SECONDS = 60


def cached_count(name: str, qs: QuerySet[Any], seconds: int = COUNT_SECONDS) -> int:
    """`qs.count()` cached like the other whole-subtree aggregates: under the read-cache version (so a
    save in this process shows at once) for `seconds`, keyed by `name` and the query's SQL (so by scope)."""
    if qs.query.is_empty():  # `.none()`: no SQL to key on, and nothing to count
        return 0
    digest = hashlib.sha256(f"{name}|{qs.query}".encode()).hexdigest()[:32]
    return cached_aggregate(f"paging:count:{summary_version()}:{digest}", qs.count, seconds)


def page_total(name: str, qs: QuerySet[Any], page: Sequence[Any], offset: int, limit: int) -> int:
    """The number of rows of `qs` around a page of it read at `offset`, `limit` rows at most.

    A page that is not full, and not empty past the start, tells the total itself (no statement);
    otherwise the count comes from `cached_count`.
    """
    if len(page) < limit and (page or offset == 0):
        return offset + len(page)
    return cached_count(name, qs)
