from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ronghe.core.scoring.models import Indicator
from ronghe.orglife.models import Attendance, Meeting
from ronghe.points import services

TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2026


@pytest.fixture
def scheme(cast):
    return services.seed_default_scheme(organization=cast.committee, year=YEAR)


@pytest.fixture
def ind(scheme):
    def get(code: str) -> Indicator:
        return Indicator.objects.get(scheme=scheme, code=code)

    return get


@pytest.fixture
def make_meeting(cast):
    def create(
        kind="theme_day", when=datetime(YEAR, 3, 10, 9, 0), org=None, attendees=(), absent=(), **extra
    ):
        meeting = Meeting.objects.create(
            organization=org or cast.branch_a,
            kind=kind,
            title=f"{kind}会议",
            held_at=when.replace(tzinfo=TZ),
            **extra,
        )
        for m in attendees:
            Attendance.objects.create(meeting=meeting, member=m, status="present")
        for m in absent:
            Attendance.objects.create(meeting=meeting, member=m, status="absent")
        return meeting

    return create
