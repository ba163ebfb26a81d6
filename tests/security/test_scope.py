"""AC-3: scope is the union of the subtrees a user's roles sit at — property-tested on random trees —
and the account and audit administration pages are scoped like everything else."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ronghe.accounts.choices import Role
from ronghe.accounts.models import User
from ronghe.accounts.policy import permissions_for
from ronghe.core import audit
from ronghe.core.models import AuditEntry
from ronghe.core.scope import scoped
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from tests.factories import MemberFactory, OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

DOMAIN_ROLES = [Role.WORK_COMMITTEE_ADMIN, Role.UNIT_ADMIN, Role.BRANCH_SECRETARY, Role.JUDGE, Role.MEMBER]


class _Rollback(Exception):
    pass


def _descendants(root_pk: int, children: dict[int, list[int]]) -> set[int]:
    seen, todo = set(), [root_pk]
    while todo:
        pk = todo.pop()
        seen.add(pk)
        todo.extend(children.get(pk, []))
    return seen


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    parents=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=14),
    roots=st.integers(min_value=1, max_value=2),
    grants=st.lists(
        st.tuples(st.integers(min_value=0, max_value=1000), st.sampled_from(DOMAIN_ROLES)), max_size=4
    ),
)
def test_scoped_organizations_equal_union_of_subtrees(parents, roots, grants):
    try:
        with transaction.atomic():
            orgs = [OrganizationFactory(kind="committee") for _ in range(roots)]
            for p in parents:  # node i's parent is any earlier node: a random forest
                orgs.append(OrganizationFactory(parent=orgs[p % len(orgs)]))
            members = [MemberFactory(organization=org) for org in orgs[::2]]
            user = UserFactory()
            for index, role in {(i % len(orgs), r) for i, r in grants}:
                grant(user, role, orgs[index])
            children: dict[int, list[int]] = {}
            for org in orgs:
                if org.parent_id:
                    children.setdefault(org.parent_id, []).append(org.pk)
            user = User.objects.get(pk=user.pk)
            for perm in ("orgs.view", "members.view"):
                expected: set[int] = set()
                for index, role in grants:
                    if perm in permissions_for(role):
                        expected |= _descendants(orgs[index % len(orgs)].pk, children)
                got = set(scoped(Organization.objects.all(), user, perm).values_list("pk", flat=True))
                assert got == expected, perm
                seen_members = set(scoped(Member.objects.all(), user, perm).values_list("pk", flat=True))
                assert seen_members == {m.pk for m in members if m.organization_id in expected}
            raise _Rollback
    except _Rollback:
        pass


def test_parent_node_user_sees_both_sibling_subtrees(cast):
    seen = set(scoped(Organization.objects.all(), cast.committee_admin, "orgs.view"))
    assert {cast.org_a, cast.branch_a, cast.org_b, cast.branch_b} <= seen
    assert set(scoped(Organization.objects.all(), cast.secretary_a, "orgs.view")) == {
        cast.org_a,
        cast.branch_a,
    }


@pytest.fixture
def sysadmin_a(cast):
    user = UserFactory(username="sys_a")
    grant(user, Role.SYSTEM_ADMIN, cast.org_a)
    return user


def test_user_list_is_scoped_to_the_admins_subtree(client_for, cast, sysadmin_a):
    body = client_for(sysadmin_a).get(reverse("accounts:user-list")).content.decode()
    assert "sec_a" in body and "mem_a" in body
    assert "sec_b" not in body  # B's secretary
    assert ">gw<" not in body and "gw</" not in body  # the committee admin sits above A
    root_body = client_for(cast.sysadmin).get(reverse("accounts:user-list")).content.decode()
    assert "sec_b" in root_body and "sec_a" in root_body


def test_user_outside_the_subtree_cannot_be_disabled(client_for, cast, sysadmin_a):
    response = client_for(sysadmin_a).post(
        reverse("accounts:user-set-active", args=[cast.outsider_b.pk]), {"active": "0"}
    )
    assert response.status_code == 404
    cast.outsider_b.refresh_from_db()
    assert cast.outsider_b.is_active


def test_user_reaching_outside_the_subtree_is_left_to_higher_admins(client_for, cast, sysadmin_a):
    grant(cast.secretary_a, Role.BRANCH_SECRETARY, cast.org_b)
    response = client_for(sysadmin_a).post(
        reverse("accounts:user-set-active", args=[cast.secretary_a.pk]), {"active": "0"}
    )
    assert response.status_code == 403
    cast.secretary_a.refresh_from_db()
    assert cast.secretary_a.is_active
    client_for(cast.sysadmin).post(
        reverse("accounts:user-set-active", args=[cast.secretary_a.pk]), {"active": "0"}
    )
    cast.secretary_a.refresh_from_db()
    assert not cast.secretary_a.is_active


def test_user_inside_the_subtree_can_be_disabled(client_for, cast, sysadmin_a):
    client_for(sysadmin_a).post(reverse("accounts:user-set-active", args=[cast.member_a.pk]), {"active": "0"})
    cast.member_a.refresh_from_db()
    assert not cast.member_a.is_active


def test_audit_log_of_a_subtree_auditor_shows_only_its_subtree(client_for, cast):
    auditor_a = UserFactory(username="aud_a")
    grant(auditor_a, Role.AUDIT_ADMIN, cast.org_a)
    audit.record("members.update", obj=cast.member_a_record, username="x")
    audit.record("members.update", obj=cast.member_b_record, username="x")
    body = client_for(auditor_a).get(reverse("audit:entry-list")).content.decode()
    assert cast.member_a_record.name in body
    assert cast.member_b_record.name not in body
    root_body = client_for(cast.auditor).get(reverse("audit:entry-list")).content.decode()
    assert cast.member_b_record.name in root_body
    assert AuditEntry.objects.filter(event="audit.search").count() == 2
