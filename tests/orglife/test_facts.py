"""orglife.facts: what other apps read of organizational life, instead of orglife's tables."""

from datetime import date

import pytest

from ronghe.orglife import facts
from ronghe.orglife.choices import AttendanceStatus
from tests.orglife.conftest import at

pytestmark = pytest.mark.django_db


def test_attendance_facts(cast, branch_members, record):
    record(present=9, held=at(2026, 2, 1, 9))
    record(present=12, held=at(2026, 2, 2, 9), kind="theme_day")
    f = facts.attendance_facts(cast.branch_a, date(2026, 2, 1), date(2026, 2, 1))
    assert (f.meetings, f.expected, f.present, f.absent) == (1, 12, 9, 3)
    per_member = facts.member_attendance(cast.member_a_record, date(2026, 1, 1), date(2026, 12, 31))
    assert per_member["theme_day"]["present"] == 1


def test_meeting_links_give_code_and_organization_path_of_existing_meetings(cast, branch_members, record):
    # given
    meeting = record(held=at(2026, 2, 1, 9))
    # when
    links = facts.meeting_links([meeting.pk, meeting.pk + 1000])
    # then: the missing one is left out
    assert links == {meeting.pk: (meeting.code, cast.branch_a.path)}


def test_meeting_and_attendance_of_one_member(cast, branch_members, record, django_assert_num_queries):
    meeting = record(present=12, held=at(2026, 2, 1, 9))
    with django_assert_num_queries(2):
        found, attendance = facts.meeting_and_attendance(meeting.pk, cast.member_a_record.pk)
        assert found.organization.name == "甲局第一党支部"  # fetched with the meeting
    assert found == meeting
    assert attendance.status == AttendanceStatus.PRESENT
    assert facts.meeting_and_attendance(meeting.pk + 1000, cast.member_a_record.pk) == (None, None)
    assert facts.meeting_and_attendance(meeting.pk, cast.member_b_record.pk) == (meeting, None)


def test_attendance_of_year_in_meeting_order(cast, branch_members, record):
    # given: two meetings in 2026, one in 2025
    first = record(present=12, held=at(2026, 3, 1, 9), title="三月党员大会")
    second = record(present=11, held=at(2026, 2, 1, 9), kind="theme_day", title="二月主题党日")
    record(held=at(2025, 12, 1, 9))
    # when
    rows = list(facts.attendance_of_year(2026))
    # then: 12 rows per 2026 meeting, grouped by meeting, each with its meeting's kind and title
    assert len(rows) == 24
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)
    assert {(r[2], r[3], r[5]) for r in rows} == {
        (first.pk, "general_meeting", "三月党员大会"),
        (second.pk, "theme_day", "二月主题党日"),
    }
    statuses = [r[1] for r in rows if r[2] == second.pk]
    assert statuses.count(AttendanceStatus.ABSENT) == 1
