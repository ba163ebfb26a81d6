from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ronghe.orglife import services
from tests.factories import MemberFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def branch_members(cast):
    """branch_a with 10 full members (张甲 included) and 2 probationary members."""
    full = [cast.member_a_record] + [
        MemberFactory(organization=cast.branch_a, name=f"正式{i}") for i in range(9)
    ]
    prob = [
        MemberFactory(organization=cast.branch_a, name=f"预备{i}", status="probationary", full_on=None)
        for i in range(2)
    ]
    return full, prob


@pytest.fixture
def record(cast):
    def make(present: int = 12, kind: str = "general_meeting", held=None, now=None, org=None, **extra):
        org = org or cast.branch_a
        members = services.members_for_attendance(org)
        # full members first, so `present` counts voters first
        members.sort(key=lambda m: (m.status != "full", m.pk))
        attendance = {
            m.pk: services.AttendanceEntry("present" if i < present else "absent")
            for i, m in enumerate(members)
        }
        held = held or at(2026, 11, 20, 9, 0)
        data = {
            "kind": kind,
            "title": extra.pop("title", "测试会议"),
            "held_at": held,
            "ends_at": None,
            **extra,
        }
        return services.record_meeting(
            actor=cast.secretary_a, organization=org, data=data, attendance=attendance, now=now or held
        )

    return make


# The shared browser fixture (closes the DB connections a journey opened).
from tests.browser.conftest import chromium  # noqa: E402, F401
