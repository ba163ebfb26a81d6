"""Whole-subtree aggregates are computed once for concurrent cold requests."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache

from ronghe.core.readcache import cached_aggregate


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_concurrent_cold_requests_compute_once():
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.3)
        return {"total": 42}

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cached_aggregate("k", compute))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert results == [{"total": 42}] * 8


def test_a_failed_computation_releases_the_lock():
    def broken():
        raise RuntimeError("数据库不可用")

    with pytest.raises(RuntimeError):
        cached_aggregate("k", broken)
    assert cached_aggregate("k", lambda: 7) == 7  # no waiting on a dead lock
    assert cached_aggregate("k", lambda: 8) == 7  # cached


def test_entries_expire():
    assert cached_aggregate("k", lambda: 1, timeout=1) == 1
    time.sleep(1.1)
    assert cached_aggregate("k", lambda: 2, timeout=1) == 2
