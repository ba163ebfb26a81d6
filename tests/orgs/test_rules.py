"""Boundary tests for every organization threshold (domain-rules §2.1–2.4). No database."""

from datetime import date

import pytest

from ronghe.orgs import rules
from ronghe.orgs.choices import OrgKind


def facts(**kw):
    base = {
        "kind": OrgKind.BRANCH,
        "full_members": 5,
        "members": 5,
        "subtree_members": 5,
        "committee_size": 1,
    }
    base.update(kw)
    return rules.OrgFacts(**base)


def codes(warnings):
    return [w.code for w in warnings]


@pytest.mark.parametrize(("full", "warned"), [(2, True), (3, False), (0, True)])
def test_branch_needs_three_full_members(full, warned):
    assert (
        "branch_too_small" in codes(rules.evaluate_branch(facts(full_members=full, members=full + 4)))
    ) is warned


def test_probationary_members_do_not_count_towards_three():
    # given 2 full and 5 probationary members
    warnings = rules.evaluate_branch(facts(full_members=2, members=7))
    # then the branch is still too small
    assert "branch_too_small" in codes(warnings)


@pytest.mark.parametrize(
    ("full", "committee", "warned"),
    [
        (6, 0, False),  # below 7: no committee needed
        (7, 2, True),  # 7 以上 includes 7
        (7, 3, False),
        (7, 5, False),
        (12, 7, False),  # at most 7
        (12, 8, True),
    ],
)
def test_committee_required_from_seven_full_members(full, committee, warned):
    result = rules.evaluate_branch(facts(full_members=full, members=full, committee_size=committee))
    assert ("committee_missing" in codes(result)) is warned


@pytest.mark.parametrize(("members", "warned"), [(50, False), (51, True)])
def test_branch_over_fifty_members(members, warned):
    result = rules.evaluate_branch(facts(full_members=members, members=members, committee_size=5))
    assert ("branch_too_large" in codes(result)) is warned


@pytest.mark.parametrize(("units", "warned"), [(5, False), (6, True)])
def test_joint_branch_over_five_units(units, warned):
    result = rules.evaluate_branch(facts(kind=OrgKind.JOINT_BRANCH, joint_units=units))
    assert ("joint_too_many_units" in codes(result)) is warned


def test_branch_rules_do_not_apply_to_general_branch():
    assert rules.evaluate_branch(facts(kind=OrgKind.GENERAL_BRANCH, full_members=0, members=0)) == []


@pytest.mark.parametrize(
    ("kind", "n", "code"),
    [
        (OrgKind.GENERAL_BRANCH, 49, "general_branch_small"),
        (OrgKind.GENERAL_BRANCH, 50, None),
        (OrgKind.GENERAL_BRANCH, 99, None),
        (OrgKind.GENERAL_BRANCH, 100, "should_be_party_committee"),  # exactly 100: the ≥100 rule first
        (OrgKind.PARTY_COMMITTEE, 99, "party_committee_small"),
        (OrgKind.PARTY_COMMITTEE, 100, None),
    ],
)
def test_general_branch_and_party_committee_thresholds(kind, n, code):
    result = rules.evaluate_unit_level(facts(kind=kind, subtree_members=n))
    assert codes(result) == ([code] if code else [])


@pytest.mark.parametrize(
    ("n", "top", "code"),
    [
        (49, True, None),
        (50, True, "should_be_general_branch"),
        (99, True, "should_be_general_branch"),
        (100, True, "should_be_party_committee"),
        (100, False, None),  # a branch inside a unit's 总支 is not the unit's top organization
    ],
)
def test_unit_top_branch_thresholds(n, top, code):
    result = rules.evaluate_unit_level(facts(subtree_members=n, is_unit_top=top))
    assert codes(result) == ([code] if code else [])


LAST = date(2023, 3, 15)  # 3-year term → due 2026-03-15


@pytest.mark.parametrize(
    ("today", "code"),
    [
        (date(2025, 9, 14), None),
        (date(2025, 9, 15), "election_due"),  # exactly 6 months before
        (date(2026, 3, 15), "election_due"),  # the due day itself is not yet overdue
        (date(2026, 3, 16), "election_overdue"),
        (date(2027, 3, 15), "election_overdue"),  # exactly one year late: not "more than" a year
        (date(2027, 3, 16), "election_overdue_year"),
    ],
)
def test_election_reminders(today, code):
    warning = rules.evaluate_election(OrgKind.BRANCH, LAST, 3, today)
    assert (warning.code if warning else None) == code


def test_election_unknown_and_groups():
    assert rules.evaluate_election(OrgKind.BRANCH, None, 3, date(2026, 1, 1)).code == "election_unknown"
    assert rules.evaluate_election(OrgKind.GROUP, None, 3, date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("kind", "years"),
    [
        (OrgKind.BRANCH, 3),
        (OrgKind.GENERAL_BRANCH, 3),
        (OrgKind.PARTY_COMMITTEE, 5),
        (OrgKind.JOINT_BRANCH, 3),
    ],
)
def test_default_terms(kind, years):
    assert rules.default_term_years(kind) == years


def test_next_election_due_on_leap_day():
    assert rules.next_election_due(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert rules.next_election_due(date(2021, 6, 30), 5) == date(2026, 6, 30)


@pytest.mark.parametrize(
    ("staff", "full_time", "warned", "need"),
    [
        (100, 1, False, 1),
        (101, 1, True, 2),
        (200, 2, False, 2),
        (50, 0, True, 1),  # a small unit still needs a designated person
        (0, 0, False, 0),
    ],
)
def test_full_time_party_workers_one_percent(staff, full_time, warned, need):
    warning = rules.evaluate_party_workers(staff, full_time)
    assert (warning is not None) is warned
    assert rules.required_full_time_workers(staff) == need
    if warning:
        assert f"应至少 {need} 人" in warning.message


def test_warnings_sorted_most_serious_first():
    result = rules.evaluate_organization(
        facts(full_members=2, members=2, last_election_on=date(2010, 1, 1)), date(2026, 1, 1)
    )
    assert codes(result) == ["election_overdue_year", "branch_too_small"]
