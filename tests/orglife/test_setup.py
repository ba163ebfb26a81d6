"""Obligations follow the organization's real setup (issue 16 item 3; domain-rules §1.1, §2.1):
a branch owes its monthly 支委会 only while it has 7 or more 正式党员, from the day that changes;
a 党小组 owes its meetings only while it has members of its own."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from ronghe.home.queries import compute_home_oversight
from ronghe.members import services as members
from ronghe.members.choices import StatusAction
from ronghe.orglife import compliance, rollup
from ronghe.orglife.choices import ComplianceState, MeetingKind
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization
from ronghe.orgs.rules import has_committee
from tests.factories import MemberFactory, OrganizationFactory
from tests.orglife.test_rollup import per_obligation_rollup, sql_rollup

pytestmark = pytest.mark.django_db

YEAR_END = date(2027, 1, 1)  # the year over: every obligation owed is judged


def months(org: Organization, kind: str = MeetingKind.COMMITTEE_MEETING, today: date = YEAR_END) -> list[int]:
    """The months of 2026 in which `org` owes a meeting of `kind`."""
    (oc,) = compliance.compute_compliance(Organization.objects.filter(pk=org.pk), 2026, today)
    return [ob.slot.index for ob in oc.obligations if ob.kind == kind]


def staff(org: Organization, full: int, probationary: int = 0) -> list:
    people = [MemberFactory(organization=org, name=f"{org.name}正式{i}") for i in range(full)]
    people += [
        MemberFactory(organization=org, name=f"{org.name}预备{i}", status="probationary", full_on=None)
        for i in range(probationary)
    ]
    return people


def test_the_threshold_is_seven_full_members():
    assert (has_committee(6), has_committee(7)) == (False, True)


def test_six_full_members_owe_no_committee_meeting_seven_do(cast):
    # given branch_a with 张甲 and 5 more 正式党员: 6
    staff(cast.branch_a, 5)
    # then no 支委会 is owed, so none is overdue; the other obligations stay
    assert months(cast.branch_a) == []
    assert len(months(cast.branch_a, MeetingKind.THEME_DAY)) == 12
    # when a 7th 正式党员 joins the roster (joined long ago: the whole year counts)
    MemberFactory(organization=cast.branch_a, name="第七人")
    # then all twelve months are owed
    assert months(cast.branch_a) == list(range(1, 13))


def test_probationary_members_are_not_counted(cast):
    # given 6 正式党员 and 4 预备党员: 10 members, but only 6 count
    staff(cast.branch_a, 5, probationary=4)
    assert months(cast.branch_a) == []


def test_a_member_made_full_mid_year_brings_the_committee_from_the_next_whole_month(cast):
    # given 6 正式党员 and a 预备党员 who joined in March 2025
    staff(cast.branch_a, 5)
    (newcomer,) = [
        MemberFactory(
            organization=cast.branch_a,
            name="转正者",
            status="probationary",
            joined_on=date(2025, 3, 15),
            full_on=None,
        )
    ]
    # when the branch makes them full on 15 March 2026
    members.change_status(
        actor=cast.secretary_a,
        member=newcomer,
        action=StatusAction.MAKE_FULL,
        effective_on=date(2026, 3, 15),
        reason="预备期满",
        approval_ref="支部大会决议",
    )
    # then the 支委会 is owed from April (March began with 6), and nothing before is overdue
    assert months(cast.branch_a) == list(range(4, 13))
    # and the year viewed in February owes nothing yet: the change is later than the days looked at
    (oc,) = compliance.compute_compliance(
        Organization.objects.filter(pk=cast.branch_a.pk), 2026, date(2026, 2, 20)
    )
    assert ComplianceState.OVERDUE not in {
        ob.state for ob in oc.obligations if ob.kind == "committee_meeting"
    }


def test_a_member_leaving_mid_year_ends_the_committee_from_that_month(cast):
    # given 7 正式党员
    people = [cast.member_a_record, *staff(cast.branch_a, 6)]
    # when one of them dies on 10 June 2026 (recorded in the member's status history)
    members.change_status(
        actor=cast.secretary_a,
        member=people[-1],
        action=StatusAction.DECEASE,
        effective_on=date(2026, 6, 10),
        reason="病故",
        approval_ref="讣告",
    )
    # then the 支委会 was owed January to May; June ended with 6, so from June on nothing is owed
    assert months(cast.branch_a) == [1, 2, 3, 4, 5]


def test_an_internal_transfer_moves_the_count(cast):
    # given 7 正式党员 in branch_a and 6 in branch_b (李乙 and 5 more)
    people = [cast.member_a_record, *staff(cast.branch_a, 6)]
    staff(cast.branch_b, 5)
    # when one moves from A to B on 1 September 2026
    members.transfer_internal(
        actor=cast.committee_admin, member=people[-1], to_organization=cast.branch_b, on_date=date(2026, 9, 1)
    )
    # then A owed the 支委会 until August, B from September
    assert months(cast.branch_a) == list(range(1, 9))
    assert months(cast.branch_b) == list(range(9, 13))


def test_a_group_counts_its_own_members_and_they_count_for_its_branch(cast):
    # given branch_a with 5 正式党员 of its own and an empty 党小组
    staff(cast.branch_a, 4)
    group = OrganizationFactory(name="第一党小组", kind=OrgKind.GROUP, parent=cast.branch_a, unit=cast.unit_a)
    # then the empty group owes no 党小组会, the branch no 支委会
    assert months(group, MeetingKind.GROUP_MEETING) == []
    assert months(cast.branch_a) == []
    # when two 正式党员 are placed in the group
    staff(group, 2)
    # then the group owes its monthly meeting, and the branch (5 + 2 = 7) its 支委会
    assert months(group, MeetingKind.GROUP_MEETING) == list(range(1, 13))
    assert months(cast.branch_a) == list(range(1, 13))


def test_the_rollup_the_page_and_the_home_numbers_agree(cast):
    # given a small branch, a branch turning 7 in March, an empty and a staffed group
    staff(cast.branch_a, 5)
    turning = MemberFactory(
        organization=cast.branch_a,
        name="转正者",
        status="probationary",
        joined_on=date(2025, 3, 1),
        full_on=None,
    )
    members.change_status(
        actor=cast.secretary_a,
        member=turning,
        action=StatusAction.MAKE_FULL,
        effective_on=date(2026, 3, 1),
        reason="预备期满",
        approval_ref="决议",
    )
    OrganizationFactory(name="空党小组", kind=OrgKind.GROUP, parent=cast.branch_a, unit=cast.unit_a)
    staffed = OrganizationFactory(name="党小组", kind=OrgKind.GROUP, parent=cast.branch_b, unit=cast.unit_b)
    staff(staffed, 1)
    staff(cast.branch_b, 3)
    user = cast.committee_admin
    for today in (date(2026, 3, 20), YEAR_END):
        # then the SQL rollup (the compliance page) counts what the per-obligation engine counts
        assert sql_rollup(user, None, 2026, today) == per_obligation_rollup(user, None, 2026, today)
        for node in (cast.org_a, cast.branch_a, cast.org_b):
            assert sql_rollup(user, node, 2026, today) == per_obligation_rollup(user, node, 2026, today)
    # and the branch turning 7 in March (1 March: the whole month) owes March to December
    assert months(cast.branch_a) == list(range(3, 13))
    # and the home page shows the table's total
    cache.clear()
    _rows, total = rollup.compute_rollup(user, None, 2026, date(2026, 11, 24))
    home = compute_home_oversight(user, date(2026, 11, 24))
    assert home["compliance_overdue"] == total.overdue
    assert home["compliance_rate"] == total.rate_percent


def test_the_calendar_keeps_a_committee_meeting_held_while_not_owed(cast):
    # given a branch of 6 正式党员 that held a 支委会 anyway
    from ronghe.orglife.models import Meeting
    from ronghe.orglife.queries import calendar_for
    from tests.orglife.conftest import at

    staff(cast.branch_a, 5)
    held = Meeting.objects.create(
        organization=cast.branch_a,
        kind=MeetingKind.COMMITTEE_MEETING,
        title="支委会",
        held_at=at(2026, 5, 6, 9),
    )
    # then the calendar has no 支委会 line, and lists the meeting among the other meetings
    page = calendar_for(cast.branch_a, 2026, YEAR_END)
    assert MeetingKind.COMMITTEE_MEETING not in {row["kind_value"] for row in page["rows"]}
    assert held in page["other_meetings"]
