"""Migration 0006 plans the meetings still ahead and clears the attendance defaulted on them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ronghe.orglife.models import Attendance, Meeting
from tests.factories import MemberFactory, OrganizationFactory

BEFORE = ("orglife", "0005_seed_study_day")


@pytest.mark.django_db(transaction=True)
def test_meetings_ahead_become_planned_and_their_default_attendance_unmarked():
    branch = OrganizationFactory(name="迁移测试支部")
    defaulted, checked_in, on_leave = (MemberFactory(organization=branch) for _ in range(3))
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        OldMeeting, OldAttendance = (
            old.get_model("orglife", "Meeting"),
            old.get_model("orglife", "Attendance"),
        )
        now = timezone.now()
        for title, when in (("已开", now - timedelta(days=3)), ("将开", now + timedelta(days=20))):
            m = OldMeeting.objects.create(
                organization_id=branch.pk, kind="theme_day", title=title, held_at=when
            )
            OldAttendance.objects.create(meeting=m, member_id=defaulted.pk, status="present")
            OldAttendance.objects.create(
                meeting=m, member_id=checked_in.pk, status="present", source="checkin"
            )
            OldAttendance.objects.create(meeting=m, member_id=on_leave.pk, status="excused", reason="出差")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(Meeting.objects.values_list("title", "state")) == {"已开": "held", "将开": "planned"}
    statuses = {
        (a.meeting.title, a.member_id): a.status for a in Attendance.objects.select_related("meeting")
    }
    assert statuses == {
        ("已开", defaulted.pk): "present",
        ("已开", checked_in.pk): "present",
        ("已开", on_leave.pk): "excused",
        ("将开", defaulted.pk): "unmarked",
        ("将开", checked_in.pk): "present",
        ("将开", on_leave.pk): "excused",
    }
