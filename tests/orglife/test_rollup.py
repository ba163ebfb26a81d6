"""The rollup counts obligations per child in SQL and gives what evaluating each obligation gives."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime
from typing import Any

import pytest
from django.urls import reverse

from ronghe.accounts.choices import Role
from ronghe.accounts.models import User
from ronghe.core.scope import scoped
from ronghe.demo.generator import build_county
from ronghe.orglife import compliance, facts, rollup
from ronghe.orglife.choices import MeetingKind
from ronghe.orglife.models import Meeting, MeetingRequirement
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization
from tests.factories import MemberFactory, OrganizationFactory, UserFactory, grant
from tests.orglife.conftest import at

pytestmark = pytest.mark.django_db


def per_obligation_rollup(user: Any, node: Organization | None, year: int, today: date) -> tuple:
    """The rollup as it was computed before: every obligation of `compliance_in_scope` evaluated,
    and each organization's tally added to the child whose subtree holds it."""
    visible = scoped(Organization.objects.all(), user, "orglife.view")
    if node is None:
        roots: list[Organization] = []
        for o in visible.order_by("path"):
            if not any(o.path.startswith(r.path) for r in roots):
                roots.append(o)
        if len(roots) == 1:
            node = roots[0]
        children = roots
    if node is not None:
        children = list(visible.filter(parent=node).order_by("sort_order", "path")) or [node]
    tallies = {child.path: compliance.Tally() for child in children}
    counts = dict.fromkeys(tallies, 0)
    own = None  # the node's own obligations when it has children: a row of their own, first
    for oc in compliance.compliance_in_scope(user, year, today, node):
        if node is not None and children != [node] and oc.organization.pk == node.pk:
            own = oc
        for path in tallies:
            if oc.organization.path.startswith(path):
                tallies[path].merge(oc.tally)
                counts[path] += 1
    leaf = node.path if node else None
    rows = [(c.pk, astuple(tallies[c.path]), counts[c.path], c.path == leaf) for c in children]
    total = compliance.Tally()
    for t in tallies.values():
        total.merge(t)
    if own is not None:
        rows.insert(0, (node.pk, astuple(own.tally), 1, True))
        total.merge(own.tally)
    return rows, astuple(total)


def sql_rollup(user: Any, node: Organization | None, year: int, today: date) -> tuple:
    rows, total = rollup.compute_rollup(user, node, year, today)
    return [(r.organization.pk, astuple(r.tally), r.organizations, r.is_leaf) for r in rows], astuple(total)


@dataclass
class County:
    unit_top: Organization  # the demo unit administrator's 总支
    branch: Organization  # the demo secretary's branch, with 党小组
    group: Organization  # one of its 党小组
    leaf: Organization  # a branch without groups in another unit
    users: dict[str, User]


def meeting(org: Organization, kind: str, held: datetime, **extra: Any) -> Meeting:
    return Meeting.objects.create(organization=org, kind=kind, title="测试", held_at=held, **extra)


@pytest.fixture
def county() -> County:
    """A demo county with the cases the rollup must count like the per-obligation engine."""
    build_county(300, seed=7, today=date(2026, 11, 24), until="year_of_meetings")
    admin = User.objects.get(username="gwadmin")
    unit_admin = User.objects.get(username="unitadmin")
    secretary = User.objects.get(username="secretary")
    unit_top = unit_admin.role_assignments.get().organization
    branch = secretary.role_assignments.get().organization
    group = branch.children.order_by("path").first()
    assert group is not None and group.kind == OrgKind.GROUP
    branches = Organization.objects.filter(kind=OrgKind.BRANCH, meetings__isnull=False).distinct()
    leaf = next(
        b
        for b in branches.filter(depth=2).exclude(path__startswith=unit_top.path).order_by("path")
        if not b.children.exists()
    )

    # Organizations without meetings: one without members (coverage: 0 of 0 is met), one with three.
    OrganizationFactory(name="无党员支部", parent=unit_top, unit=unit_top.unit)
    quiet = OrganizationFactory(name="未开展支部", parent=unit_top, unit=unit_top.unit)
    for i in range(3):
        MemberFactory(organization=quiet, name=f"未开展{i}")
    # An inactive branch keeps its meetings, which no longer count; it still has a row.
    Organization.objects.filter(pk=branches.filter(depth=1).order_by("path").first().pk).update(
        is_active=False
    )
    # October's 支委会 of the secretary's branch lacked a quorum: not counted.
    Meeting.objects.filter(
        organization=branch, kind=MeetingKind.COMMITTEE_MEETING, held_at__gte=at(2026, 10, 1)
    ).delete()
    meeting(branch, MeetingKind.COMMITTEE_MEETING, at(2026, 10, 9, 15), quorum_met=False)
    # 23:30 on 31 October in Beijing is 15:30 UTC: it counts for October, not November.
    meeting(branch, MeetingKind.COMMITTEE_MEETING, at(2026, 10, 31, 23, 30), quorum_met=True)
    # Held on 28 December, entered in January: counts for December of the year.
    late = meeting(branch, MeetingKind.THEME_DAY, at(2026, 12, 28, 9), entered_late=True)
    Meeting.objects.filter(pk=late.pk).update(created_at=at(2027, 1, 5, 10))
    # Meetings of kinds that do not apply to the organization holding them count for nothing.
    meeting(unit_top, MeetingKind.GENERAL_MEETING, at(2026, 3, 3, 9))
    meeting(group, MeetingKind.THEME_DAY, at(2026, 5, 5, 9))
    # Two meetings in one slot: held = 2.
    meeting(leaf, MeetingKind.PARTY_LECTURE, at(2026, 2, 2, 9))
    meeting(leaf, MeetingKind.PARTY_LECTURE, at(2026, 3, 2, 9))

    # A user with two subtrees at different depths: roots whose paths differ in length.
    other_top = (
        Organization.objects.filter(depth=1, kind__in=[OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH])
        .exclude(pk__in=[unit_top.pk, leaf.parent_id])
        .order_by("path")
        .first()
    )
    two_roots = UserFactory(username="two_roots")
    grant(two_roots, Role.UNIT_ADMIN, other_top)
    grant(two_roots, Role.UNIT_ADMIN, leaf)
    users = {"工委": admin, "单位": unit_admin, "支部": secretary, "两处": two_roots}
    return County(unit_top, branch, group, leaf, users)


TODAYS = [
    pytest.param(2026, date(2026, 1, 1), id="start-of-year"),
    pytest.param(2026, date(2026, 6, 30), id="last-day-of-june"),
    pytest.param(2026, date(2026, 7, 1), id="first-day-of-q3"),
    pytest.param(2026, date(2026, 9, 20), id="ten-days-before-q3-end"),
    pytest.param(2026, date(2027, 1, 1), id="day-after-year-end"),
    pytest.param(2027, date(2027, 1, 1), id="new-year"),
]


@pytest.mark.parametrize(("year", "today"), TODAYS)
def test_rollup_equals_the_per_obligation_count(county, year, today):
    # given a demo county with the edge cases, and each user's visible nodes
    nodes = [None, county.unit_top, county.branch, county.group, county.leaf, county.leaf.parent]
    checked = 0
    for label, user in county.users.items():
        visible = scoped(Organization.objects.all(), user, "orglife.view")
        for node in nodes:
            if node is not None and not visible.filter(pk=node.pk).exists():
                continue
            # when
            got = sql_rollup(user, node, year, today)
            # then
            assert got == per_obligation_rollup(user, node, year, today), (label, node and node.name)
            checked += 1
    assert checked >= 12


def test_the_fixture_reaches_every_state(county):
    rows, total = rollup.compute_rollup(county.users["工委"], None, 2026, date(2026, 9, 20))
    assert min(total.met, total.overdue, total.due_soon, total.not_due) > 0
    assert len(rows) > 3


def test_branches_without_meetings_after_the_year(county):
    # given the year over: a branch owes 4 党员大会, 12 主题党日, 4 党课, 1 组织生活会, 1 民主评议,
    # 1 谈心谈话 (every member) and 12 months of study days, and 12 支委会 only with 7 or more
    # 正式党员 (these two have 0 and 3: no 支部委员会)
    rows, _total = rollup.compute_rollup(county.users["工委"], county.unit_top, 2026, date(2027, 1, 1))
    by_name = {r.organization.name: r for r in rows}
    # then a branch without members has met 谈心谈话 (0 of 0 members); everything else is overdue
    assert astuple(by_name["无党员支部"].tally) == (1, 34, 0, 0)
    assert astuple(by_name["未开展支部"].tally) == (0, 35, 0, 0)
    assert (by_name["无党员支部"].organizations, by_name["未开展支部"].organizations) == (1, 1)


def test_rollup_follows_edited_requirements(county):
    # given requirements edited the ways the form allows: a study day per member (coverage, whose
    # monthly requirement is the scheduled study days), two 主题党日 a month, a monthly 党课, 党员大会
    # for 总支 and 机关党委 too, and no 谈心谈话
    reqs = MeetingRequirement.objects.filter(year=2026)
    reqs.filter(kind=MeetingKind.STUDY_DAY).update(coverage=True)
    reqs.filter(kind=MeetingKind.THEME_DAY).update(min_count=2)
    reqs.filter(kind=MeetingKind.PARTY_LECTURE).update(period="month")
    reqs.filter(kind=MeetingKind.GENERAL_MEETING).update(
        org_kinds=[OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.PARTY_COMMITTEE]
    )
    reqs.filter(kind=MeetingKind.HEART_TALK).update(is_active=False)
    for label in ("工委", "单位", "两处"):
        user = county.users[label]
        for today in (date(2026, 9, 20), date(2027, 1, 1)):
            # when / then
            assert sql_rollup(user, None, 2026, today) == per_obligation_rollup(user, None, 2026, today), (
                label
            )


def test_a_user_without_a_scope_gets_no_rows(county):
    nobody = UserFactory(username="nobody")
    assert rollup.compute_rollup(nobody, None, 2026, date(2026, 9, 20)) == ([], compliance.Tally())


@pytest.mark.parametrize("size", [300, 900])
def test_rollup_runs_a_constant_number_of_queries(size, django_assert_num_queries):
    build_county(size, seed=5, today=date(2026, 11, 24), until="year_of_meetings")
    admin = User.objects.get(username="gwadmin")
    # 8, 2 to find the root has no obligations of its own, and 6 for the obligations the setup
    # rules out (`rollup._take_out_not_owed`): `compliance.not_owed`'s 5 (the demo's roster changed
    # during the year) and 1 to count those organizations' meetings (fewer than NOT_OWED_CHUNK)
    with django_assert_num_queries(16):
        rows, _total = rollup.compute_rollup(admin, None, 2026, date(2026, 11, 24))
    assert len(rows) > 3


def test_drilling_down_keeps_the_numbers(county):
    """A row's numbers equal the table one level down, the node's own obligations included."""
    admin, today = county.users["工委"], date(2026, 9, 20)

    def check(node: Organization | None, levels: int) -> int:
        rows, _total = rollup.compute_rollup(admin, node, 2026, today)
        selves = sum(1 for r in rows if r.is_self)
        for row in rows:
            if levels == 0 or row.is_leaf:
                continue
            inner, inner_total = rollup.compute_rollup(admin, row.organization, 2026, today)
            assert astuple(inner_total) == astuple(row.tally), row.organization.name
            assert sum(r.organizations for r in inner) == row.organizations
            selves += check(row.organization, levels - 1)
        return selves

    assert check(None, 3) > 0
    # a branch with 党小组: its own 支部委员会 etc. come first, marked 本级
    rows, _ = rollup.compute_rollup(admin, county.branch, 2026, today)
    assert rows[0].organization == county.branch and rows[0].is_self and rows[0].organizations == 1
    assert all(r.organization.kind == OrgKind.GROUP for r in rows[1:])


def test_the_compliance_page_marks_the_nodes_own_row(county, client):
    client.force_login(county.users["工委"])
    url = reverse("orglife:compliance") + f"?year=2026&org={county.branch.code}"
    body = client.get(url).content.decode()
    assert "本级" in body and county.branch.name in body
    group_page = client.get(reverse("orglife:compliance") + f"?year=2026&org={county.group.code}")
    assert "本级" not in group_page.content.decode()  # a leaf has no children to set itself apart from


@pytest.mark.parametrize("case_limit", [0, 10**6], ids=["regrouped-in-python", "case-in-sql"])
def test_every_branch_at_two_depths_counts_like_each_branch_alone(county, case_limit, monkeypatch):
    # given every branch of the county, at two depths (under a 党委 and under a 总支), as a rating asks
    branches = list(Organization.objects.filter(kind=OrgKind.BRANCH, is_active=True).order_by("path"))
    assert len({b.depth for b in branches}) > 1 and len(branches) > 3
    monkeypatch.setattr(rollup, "CASE_LIMIT", case_limit)
    today = date(2026, 9, 20)
    # when they are counted together
    together = facts.compliance_by_organization([b.pk for b in branches], 2026, today)
    # then each equals its subtree's obligations evaluated one by one
    for b in branches:
        alone = compliance.Tally()
        for oc in compliance.compute_compliance(b.subtree(), 2026, today):
            alone.merge(oc.tally)
        assert astuple(together[b.pk]) == astuple(alone), b.name
