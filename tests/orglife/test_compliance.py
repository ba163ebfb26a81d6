import io

import pytest
from django.core.management import call_command

from ronghe.demo.generator import build_county
from ronghe.orglife import compliance, facts
from ronghe.orglife.choices import ComplianceState
from ronghe.orglife.models import Meeting, MeetingRequirement, Reminder
from ronghe.orgs.models import Organization
from tests.orglife.conftest import at

pytestmark = pytest.mark.django_db


def _states(org, year, today, kind):
    (oc,) = compliance.compute_compliance(Organization.objects.filter(pk=org.pk), year, today)
    return {ob.slot.index: ob.state for ob in oc.obligations if ob.kind == kind}


def test_meeting_late_on_quarter_end_counts_for_that_quarter(cast, branch_members, record):
    from datetime import date

    # held 31 March 23:30 Beijing time (15:30 UTC), entered in May: counts for Q1
    meeting = record(held=at(2026, 3, 31, 23, 30), now=at(2026, 5, 10, 9))
    assert meeting.entered_late is True
    states = _states(cast.branch_a, 2026, date(2026, 5, 10), "general_meeting")
    assert states == {1: "met", 2: "not_due", 3: "not_due", 4: "not_due"}
    record(held=at(2026, 4, 1, 0, 0), now=at(2026, 4, 1, 1))
    assert _states(cast.branch_a, 2026, date(2026, 4, 2), "general_meeting")[2] == ComplianceState.MET


def test_a_year_with_no_meetings(cast, branch_members):
    from datetime import date

    states = _states(cast.branch_a, 2025, date(2026, 1, 10), "committee_meeting")
    assert set(states.values()) == {ComplianceState.OVERDUE}
    assert len(states) == 12
    assert facts.compliance_rate(cast.branch_a, 2025, date(2026, 1, 10)) == 0.0
    assert facts.attendance_facts(cast.branch_a, date(2025, 1, 1), date(2025, 12, 31)).meetings == 0


def test_heart_talk_coverage_needs_every_member(cast, branch_members, record):
    from datetime import date

    record(kind="heart_talk", present=11, held=at(2026, 6, 1, 9))
    assert _states(cast.branch_a, 2026, date(2026, 12, 31), "heart_talk") == {1: ComplianceState.DUE_SOON}
    record(kind="heart_talk", present=12, held=at(2026, 7, 1, 9))
    assert _states(cast.branch_a, 2026, date(2026, 12, 31), "heart_talk") == {1: ComplianceState.MET}


def test_a_year_without_requirements_uses_the_latest_earlier_year(db):
    assert {r.year for r in compliance.requirements_for_year(2031)} == {2027}
    MeetingRequirement.objects.filter(year=2027, kind="theme_day").update(min_count=2)
    assert {r.kind: r.min_count for r in compliance.requirements_for_year(2031)}["theme_day"] == 2
    assert {r.kind: r.min_count for r in compliance.requirements_for_year(2026)}["theme_day"] == 1


@pytest.mark.parametrize("size", [300, 900])
def test_demo_county_compliance_is_computed_in_constant_queries(
    size, django_assert_max_num_queries, django_assert_num_queries
):
    from datetime import date

    county = build_county(size, seed=5, today=date(2026, 11, 24), until="year_of_meetings")
    assert Meeting.objects.count() > 0
    # 6, and the branches' and groups' setup from the roster's history (`compliance.not_owed`): 5
    with django_assert_num_queries(11):
        results = compliance.compute_compliance(Organization.objects.all(), 2026, date(2026, 11, 24))
    branches = [oc for oc in results if oc.organization.kind in ("branch", "joint_branch")]
    fully_met = [oc for oc in branches if oc.tally.overdue == 0]
    assert len(fully_met) > len(branches) // 2  # most branches compliant
    assert len(fully_met) < len(branches)  # some are not
    # the SQL count agrees with a naive count for one branch
    b = branches[0].organization
    naive = Meeting.objects.filter(organization=b, kind="general_meeting", held_at__year=2026).count()
    held = sum(ob.held for ob in branches[0].obligations if ob.kind == "general_meeting")
    assert held == naive
    assert county.today == date(2026, 11, 24)


def test_send_reminders_command_creates_each_reminder_once(cast, branch_members):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-11-24", stdout=out)
    n = Reminder.objects.filter(organization=cast.branch_a).count()
    assert n > 0
    assert (
        Reminder.objects.filter(organization=cast.branch_a, kind="committee_meeting", state="due_soon")
        .get()
        .period_end.isoformat()
        == "2026-11-30"
    )
    call_command("send_reminders", "--date", "2026-11-24", stdout=io.StringIO())
    assert Reminder.objects.filter(organization=cast.branch_a).count() == n


def test_reminder_task_runs(cast, branch_members):
    from ronghe.orglife.tasks import send_reminders

    send_reminders.enqueue("2026-11-24")
    assert Reminder.objects.filter(organization=cast.branch_a).exists()
