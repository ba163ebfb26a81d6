"""学时 and 志愿服务 feed points (issue 18 items 1 and 4): a phone check-in earns the scheme's 参加培训 /
志愿服务 indicator once per session or activity; a second check-in earns nothing more."""

from datetime import timedelta
from decimal import Decimal

import pytest

from ronghe.core.errors import DomainError
from ronghe.education import services
from ronghe.points import services as points
from ronghe.points.models import PointsEntry
from tests.education.conftest import START

pytestmark = pytest.mark.django_db


def test_a_training_check_in_earns_the_training_indicator_once(cast, training):
    # given: the default scheme of 2026 (参加培训: 1 point a session)
    points.seed_default_scheme(organization=cast.committee, year=2026)
    _tc, session, _ = training
    services.open_checkin(actor=cast.secretary_a, session=session, now=START - timedelta(minutes=5))
    # when
    services.check_in(user=cast.member_a, code=session.checkin_code, now=START)
    with pytest.raises(DomainError):
        services.check_in(user=cast.member_a, code=session.checkin_code, now=START)
    # then
    entry = PointsEntry.objects.get(member=cast.member_a_record)
    assert (entry.indicator.code, entry.points, entry.source_type, entry.source_id) == (
        "training",
        Decimal(1),
        "training",
        f"education:{session.code}",
    )


def test_a_volunteer_check_in_earns_the_volunteering_indicator_once(cast):
    from ronghe.outreach import volunteering
    from tests.outreach.test_volunteering import START as V_START
    from tests.outreach.test_volunteering import _activity

    points.seed_default_scheme(organization=cast.committee, year=2026)
    activity = _activity(cast)
    volunteering.open_checkin(actor=cast.secretary_a, activity=activity, now=V_START)
    volunteering.check_in(user=cast.member_a, code=activity.checkin_code, now=V_START)
    entry = PointsEntry.objects.get(member=cast.member_a_record)
    assert (entry.indicator.code, entry.source_type, entry.source_id) == (
        "volunteering",
        "volunteering",
        f"outreach:{activity.code}",
    )
    assert entry.points > 0
