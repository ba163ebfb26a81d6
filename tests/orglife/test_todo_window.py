"""The to-do evaluates only the periods ending in its window, and gives what the whole year gives."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ronghe.accounts.models import User
from ronghe.demo.generator import build_county
from ronghe.orglife import compliance, queries
from ronghe.orglife.choices import ComplianceState
from ronghe.orgs.models import Organization
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def whole_year_todo(today: date, days: int = 14) -> list:
    horizon = today + timedelta(days=days)
    out = []
    for year in sorted({today.year, horizon.year}):
        for oc in compliance.compute_compliance(Organization.objects.all(), year, today):
            for ob in oc.obligations:
                if ob.state != ComplianceState.MET and today <= ob.slot.end <= horizon:
                    out.append((oc.organization.pk, ob.kind, ob.slot.index, ob.required, ob.held, ob.state))
    return sorted(out)


@pytest.mark.parametrize(
    "today",
    [date(2026, 3, 17), date(2026, 3, 18), date(2026, 6, 30), date(2026, 11, 24), date(2026, 12, 20)],
)
def test_window_gives_the_same_items_as_the_whole_year(today):
    build_county(300, seed=3, today=date(2026, 11, 24), until="year_of_meetings")
    admin = User.objects.get(username="gwadmin")
    got = sorted(
        (org.pk, ob.kind, ob.slot.index, ob.required, ob.held, ob.state)
        for org, ob in queries.todo_for(admin, today)
    )
    assert got == whole_year_todo(today)
    assert got  # the window is never empty in a demo county


def test_the_todo_is_cached_until_a_member_or_meeting_changes(cast, client_for):
    client = client_for(cast.secretary_a)

    def todo_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("home:home"))
        # not the page view's one look for started meetings to move on (planned ones), uncached by design
        return sum(
            "orglife_meeting" in q["sql"] and "'planned'" not in q["sql"] for q in captured.captured_queries
        )

    assert todo_queries() > 0  # computed
    assert todo_queries() == 0  # cached
    MemberFactory(organization=cast.branch_a)  # any ORM save drops the cached to-do
    assert todo_queries() > 0
