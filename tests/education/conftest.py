from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ronghe.education import services

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 10, 9, 0, tzinfo=TZ)


@pytest.fixture
def training(cast):
    """A class of A's branch for all members, 张甲 and four more enrolled, one 3-hour session of 3 学时."""
    from tests.factories import MemberFactory

    others = [MemberFactory(name=f"学员{i}", organization=cast.branch_a) for i in range(4)]
    tc = services.create_class(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={
            "title": "党员春季轮训班",
            "audience": "all",
            "starts_on": date(2026, 3, 10),
            "ends_on": date(2026, 3, 12),
        },
    )
    services.enrol(actor=cast.secretary_a, training_class=tc)
    session = services.add_session(
        actor=cast.secretary_a,
        training_class=tc,
        title="学习党章",
        starts_at=START,
        ends_at=START + timedelta(hours=3),
        hours="3",
    )
    return tc, session, others
