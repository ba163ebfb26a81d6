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


def test_each_app_declares_the_models_its_cached_pages_read():
    from ronghe.core.readcache import invalidating_models

    assert {m._meta.label for m in invalidating_models()} == {
        "orgs.Organization",
        "members.Member",
        "orglife.Meeting",
        "orglife.Attendance",
        "orglife.MeetingRequirement",
        "discipline.Sanction",  # a 处分 recorded or lifted changes the home page's 纪检 to-do and the vetoes
        "dues.DuesRecord",  # the 党费收缴报表, cached per organization and year
        "dues.VoluntaryPayment",
    }


@pytest.mark.django_db(transaction=True)
def test_saving_or_deleting_a_declared_model_bumps_the_version(cast):
    from django.utils import timezone

    from ronghe.core.readcache import summary_version
    from ronghe.orglife.choices import AttendanceStatus
    from ronghe.orglife.models import Attendance, Meeting

    # given
    meeting = Meeting.objects.create(
        organization=cast.branch_a, kind="theme_day", title="主题党日", held_at=timezone.now()
    )
    before = summary_version()
    # when: an attendance row is saved (outside any transaction: bumped now and on commit)
    attendance = Attendance.objects.create(
        meeting=meeting, member=cast.member_a_record, status=AttendanceStatus.PRESENT
    )
    saved = summary_version()
    attendance.delete()
    # then
    assert saved == before + 2
    assert summary_version() == before + 4


def test_an_undeclared_model_does_not_bump_the_version(cast):
    from ronghe.core.readcache import summary_version
    from ronghe.orgs.models import Unit

    before = summary_version()
    Unit.objects.create(name="丙局")
    assert summary_version() == before
