"""The demo county shows last month's 月度工作小结 to its unit administrator."""

from datetime import date

import pytest

from ronghe.accounts.models import User
from ronghe.demo.generator import build_county
from ronghe.notices.queries import unread_for_user
from ronghe.reports.models import MonthlySummary

pytestmark = pytest.mark.django_db


def test_demo_unit_admin_has_last_months_summary():
    build_county(300, seed=5, today=date(2026, 11, 24))
    record = MonthlySummary.objects.select_related("notice", "evidence").get()
    assert record.month == date(2026, 10, 1)
    assert record.evidence is not None and record.evidence.size > 1000
    admin = User.objects.get(username="unitadmin")
    assert record.notice in unread_for_user(admin)
    assert record.notice.title.startswith("2026年10月工作小结（")
