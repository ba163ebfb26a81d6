from datetime import date

import pytest

from ronghe.core.models import AuditEntry
from ronghe.orgs import services
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_move_subtree_rewrites_paths_and_depths(cast):
    # given a branch with a group below it, under org_a
    group = OrganizationFactory(name="甲局第一党小组", kind=OrgKind.GROUP, parent=cast.branch_a)
    old_path = cast.branch_a.path
    # when the committee admin moves the branch under org_b
    services.move_subtree(actor=cast.committee_admin, org=cast.branch_a, new_parent=cast.org_b)
    # then the branch and its group live under org_b, one level deeper than org_b
    branch = Organization.objects.get(pk=cast.branch_a.pk)
    group = Organization.objects.get(pk=group.pk)
    assert branch.parent_id == cast.org_b.pk
    assert branch.path.startswith(cast.org_b.path) and branch.path != old_path
    assert branch.depth == cast.org_b.depth + 1
    assert group.path.startswith(branch.path) and group.depth == branch.depth + 1
    assert list(cast.org_b.subtree().values_list("name", flat=True)) == [
        "乙局总支",
        "乙局第一党支部",
        "甲局第一党支部",
        "甲局第一党小组",
    ]
    assert not Organization.objects.filter(path__startswith=old_path).exists()
    # and the member moved with the branch: B's secretary now sees them
    assert cast.member_a_record.organization.path != branch.path  # stale instance
    entry = AuditEntry.objects.get(event="org.move")
    assert entry.changes["subtree_size"] == 2
    assert entry.changes["parent"] == ["甲局总支", "乙局总支"]


def test_move_refuses_own_subtree(cast):
    with pytest.raises(services.OrganizationError, match="不能移到本组织或其下级组织之下"):
        services.move_subtree(actor=cast.committee_admin, org=cast.org_a, new_parent=cast.branch_a)
    assert Organization.objects.get(pk=cast.branch_a.pk).parent_id == cast.org_a.pk
    assert not AuditEntry.objects.filter(event="org.move").exists()


def test_move_needs_edit_right_at_the_target(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.move_subtree(actor=cast.secretary_a, org=cast.branch_a, new_parent=cast.org_b)
    assert Organization.objects.get(pk=cast.branch_a.pk).parent_id == cast.org_a.pk


def test_create_uses_default_term_by_kind(cast):
    org = services.create_organization(
        actor=cast.secretary_a, parent=cast.org_a, name="甲局机关党委", kind=OrgKind.PARTY_COMMITTEE
    )
    assert org.term_years == 5
    assert org.depth == cast.org_a.depth + 1
    assert AuditEntry.objects.filter(event="org.create", object_id=str(org.code)).count() == 1


def test_only_one_current_secretary(cast):
    services.appoint_officer(
        actor=cast.secretary_a,
        org=cast.branch_a,
        member=cast.member_a_record,
        post="secretary",
        started_on=date(2024, 1, 1),
    )
    from tests.factories import MemberFactory

    other = MemberFactory(organization=cast.branch_a)
    with pytest.raises(services.OrganizationError, match="本组织已有书记"):
        services.appoint_officer(
            actor=cast.secretary_a,
            org=cast.branch_a,
            member=other,
            post="secretary",
            started_on=date(2024, 1, 1),
        )


def test_officer_must_belong_to_the_subtree(cast):
    with pytest.raises(services.OrganizationError, match="须为本组织"):
        services.appoint_officer(
            actor=cast.committee_admin,
            org=cast.branch_a,
            member=cast.member_b_record,
            post="member",
            started_on=date(2024, 1, 1),
        )


def test_leading_group_posts_go_to_the_units_members(cast):
    """A 党组 has no members of its own: its posts are held by members of the unit's organizations."""
    from tests.factories import OrganizationFactory

    group = OrganizationFactory(
        name="甲局党组", kind=OrgKind.LEADING_GROUP, parent=cast.committee, unit=cast.unit_a
    )
    officer = services.appoint_officer(
        actor=cast.committee_admin,
        org=group,
        member=cast.member_a_record,
        post="secretary",
        started_on=date(2024, 1, 1),
    )
    assert officer.organization == group
    assert AuditEntry.objects.filter(event="org.officer_appoint").count() == 1
    with pytest.raises(services.OrganizationError, match="党组成员须为本单位党组织的在册党员"):
        services.appoint_officer(
            actor=cast.committee_admin,
            org=group,
            member=cast.member_b_record,
            post="member",
            started_on=date(2024, 1, 1),
        )
    candidates = set(services.officer_candidates(group))
    assert cast.member_a_record in candidates and cast.member_b_record not in candidates


def test_demo_county_has_officers_and_warnings():
    from datetime import date as d

    from ronghe.demo.generator import build_county
    from ronghe.orgs.models import Officer, PartyWorker
    from ronghe.orgs.queries import org_rows

    county = build_county(600, seed=11, today=date(2026, 11, 24), until="unit_profiles")
    # every member with a 党内职务 holds that post in their branch
    from ronghe.members.models import Member

    branch_posts = Officer.objects.exclude(organization__kind="leading_group")  # 党组: the story step
    assert branch_posts.count() == Member.objects.exclude(party_post="").count() > 0
    secretary = Officer.objects.filter(post="secretary").select_related("member").first()
    assert secretary.member.party_post == "书记"
    assert PartyWorker.objects.filter(kind="full_time").exists()
    rows = org_rows(Organization.objects.all(), d(2026, 11, 24))
    codes = {w.code for r in rows for w in r.warnings}
    assert codes & {"election_overdue", "election_overdue_year", "election_due"}
    assert county.committee.pk == rows[0].org.pk
