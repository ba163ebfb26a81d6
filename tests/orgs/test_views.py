from datetime import date, timedelta

import pytest
from django.urls import reverse

from ronghe.core.models import AuditEntry
from ronghe.orgs.models import Officer, Organization, PartyWorker
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_list_shows_scope_with_counts_and_secretary(client_for, cast):
    # given a secretary for branch A
    Officer.objects.create(
        organization=cast.branch_a, member=cast.member_a_record, post="secretary", started_on=date(2024, 1, 1)
    )
    # when secretary_a opens the tree
    body = client_for(cast.secretary_a).get(reverse("orgs:organization-list")).content.decode()
    # then A's organizations show, B's do not
    assert "甲局第一党支部" in body and "甲局总支" in body and "张甲" in body
    assert "乙局" not in body


def test_list_filters_by_kind_and_warnings(client_for, cast):
    client = client_for(cast.committee_admin)
    body = client.get(
        reverse("orgs:organization-list"), {"kind": "general_branch"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "甲局总支" in body and "甲局第一党支部" not in body
    # branch A has 1 full member → a warning; the htmx fragment only
    response = client.get(
        reverse("orgs:organization-list"), {"warnings": "any"}, headers={"HX-Request": "true"}
    )
    assert "正式党员 1 人，不足3人" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_list_query_count_is_constant(client_for, cast, django_assert_max_num_queries):
    client = client_for(cast.committee_admin)
    client.get(reverse("orgs:organization-list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("orgs:organization-list"))
    for i in range(6):
        branch = OrganizationFactory(name=f"新支部{i}", parent=cast.org_b)
        Officer.objects.create(
            organization=branch,
            member=MemberFactory(organization=branch),
            post="secretary",
            started_on=date(2024, 1, 1),
        )
    client.get(reverse("orgs:organization-list"))  # the side-bar tree is cached per scope: warm it again
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("orgs:organization-list"))
    assert len(large) == len(small)


def test_detail_shows_warnings_and_election(client_for, cast):
    Organization.objects.filter(pk=cast.branch_a.pk).update(
        last_election_on=date.today() - timedelta(days=365 * 5)
    )
    body = (
        client_for(cast.secretary_a)
        .get(reverse("orgs:organization-detail", args=[cast.branch_a.code]))
        .content.decode()
    )
    assert "换届已逾期超过1年" in body
    assert "正式党员 1 人，不足3人" in body


def test_detail_outsider_404(client_for, cast):
    assert (
        client_for(cast.outsider_b)
        .get(reverse("orgs:organization-detail", args=[cast.branch_a.code]))
        .status_code
        == 404
    )


def test_create_success_and_bad_input(client_for, cast):
    client = client_for(cast.secretary_a)
    response = client.post(
        reverse("orgs:organization-create"),
        {"name": "甲局第二党支部", "kind": "branch", "parent": cast.org_a.code, "term_years": ""},
    )
    org = Organization.objects.get(name="甲局第二党支部")
    assert response.status_code == 302
    assert org.parent_id == cast.org_a.pk and org.term_years == 3
    bad = client.post(
        reverse("orgs:organization-create"), {"name": "", "kind": "branch", "parent": cast.org_a.code}
    )
    assert bad.status_code == 200
    assert "这个字段是必填项" in bad.content.decode()


def test_create_under_other_subtree_is_refused(client_for, cast):
    response = client_for(cast.secretary_a).post(
        reverse("orgs:organization-create"), {"name": "偷建支部", "kind": "branch", "parent": cast.org_b.code}
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Organization.objects.filter(name="偷建支部").exists()


def test_update_read_only_403(client_for, cast):
    from tests.factories import UserFactory, grant

    reader = UserFactory()
    grant(reader, "discipline_reviewer", cast.committee)
    response = client_for(reader).post(
        reverse("orgs:organization-update", args=[cast.branch_a.code]), {"name": "改名"}
    )
    assert response.status_code == 403
    assert Organization.objects.get(pk=cast.branch_a.pk).name == "甲局第一党支部"


def test_update_changes_term_and_audits(client_for, cast):
    response = client_for(cast.secretary_a).post(
        reverse("orgs:organization-update", args=[cast.branch_a.code]),
        {"name": "甲局第一党支部", "kind": "branch", "term_years": "5", "last_election_on": "2024-05-01"},
    )
    assert response.status_code == 302
    org = Organization.objects.get(pk=cast.branch_a.pk)
    assert org.term_years == 5 and org.last_election_on == date(2024, 5, 1)
    assert AuditEntry.objects.get(event="org.update").changes["term_years"] == [3, 5]


def test_move_page_confirms_and_moves(client_for, cast):
    client = client_for(cast.committee_admin)
    page = client.get(reverse("orgs:organization-move", args=[cast.branch_a.code])).content.decode()
    assert "data-confirm" in page
    response = client.post(
        reverse("orgs:organization-move", args=[cast.branch_a.code]), {"new_parent": cast.org_b.code}
    )
    assert response.status_code == 302
    assert Organization.objects.get(pk=cast.branch_a.pk).parent_id == cast.org_b.pk


def test_move_bad_target_message(client_for, cast):
    response = client_for(cast.committee_admin).post(
        reverse("orgs:organization-move", args=[cast.org_a.code]), {"new_parent": cast.branch_a.code}
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()


def test_officer_and_worker_flow(client_for, cast):
    client = client_for(cast.secretary_a)
    client.post(
        reverse("orgs:officer-create", args=[cast.branch_a.code]),
        {"member": cast.member_a_record.code, "post": "secretary", "started_on": "2024-01-01"},
    )
    officer = Officer.objects.get(organization=cast.branch_a)
    assert officer.post == "secretary" and officer.ended_on is None
    client.post(reverse("orgs:officer-end", args=[officer.code]), {"ended_on": "2025-01-01"})
    officer.refresh_from_db()
    assert officer.ended_on == date(2025, 1, 1)
    client.post(
        reverse("orgs:worker-create", args=[cast.branch_a.code]),
        {"name": "王专职", "kind": "full_time", "started_on": "2024-01-01"},
    )
    assert PartyWorker.objects.get(organization=cast.branch_a).name == "王专职"
    assert AuditEntry.objects.filter(event__startswith="org.").count() == 3


def test_officer_bad_input_message(client_for, cast):
    response = client_for(cast.secretary_a).post(
        reverse("orgs:officer-create", args=[cast.branch_a.code]),
        {"member": cast.member_a_record.code, "post": "secretary", "started_on": ""},
        follow=True,
    )
    assert "任职日期：这个字段是必填项。" in response.content.decode()
    assert not Officer.objects.exists()


def test_party_worker_warning_on_unit_top(client_for, cast):
    # unit A has 100 staff (factory default) and no full-time worker
    body = (
        client_for(cast.committee_admin)
        .get(reverse("orgs:warning-list"), {"code": "party_workers_short"})
        .content.decode()
    )
    assert "甲局总支" in body and "应至少 1 人" in body
    assert body.count("warning-row") == 2  # 甲局总支 and 乙局总支


def test_tree_nav_is_scoped(client_for, cast):
    body = (
        client_for(cast.secretary_a)
        .get(reverse("orgs:organization-detail", args=[cast.branch_a.code]))
        .content.decode()
    )
    nav = body.split('id="org-tree"')[1].split("</nav>")[0]
    assert "甲局总支" in nav and "乙局" not in nav


def test_tree_nav_shows_every_unit_when_the_levels_exceed_the_limit(cast):
    from ronghe.orgs.queries import tree_nav

    def names(nodes):
        return [n["name"] for n in nodes]

    user = cast.committee_admin
    full = names(tree_nav(user, limit=10))
    assert full == ["测试县直机关工委", "甲局总支", "甲局第一党支部", "乙局总支", "乙局第一党支部"]
    # three nodes allowed: one level fewer, but no unit dropped (path order would drop 乙局)
    assert names(tree_nav(user, limit=3)) == ["测试县直机关工委", "甲局总支", "乙局总支"]
    # the way down to the current node and its children are shown besides the limit
    nodes = tree_nav(user, cast.org_b, limit=3)
    assert names(nodes) == ["测试县直机关工委", "甲局总支", "乙局总支", "乙局第一党支部"]
    assert [n["name"] for n in nodes if n["current"]] == ["乙局总支"]
    assert [n["level"] for n in nodes] == [0, 1, 1, 2]


def test_subtree_filter_is_the_prefix_test_with_its_range(cast):
    from ronghe.orgs.models import Organization, subtree_filter

    extra = [OrganizationFactory(name=f"甲局第{i}支部", parent=cast.org_a) for i in range(3)]
    everything = list(Organization.objects.all())
    for node in [*everything, *extra]:
        want = {o.pk for o in everything + extra if o.path.startswith(node.path)}
        assert (
            set(Organization.objects.filter(subtree_filter(node.path)).values_list("pk", flat=True)) == want
        )
    # the last possible sibling has no next one: no upper bound, still the right rows
    q = subtree_filter("zzzzz.")
    assert "path__lt" not in str(q) and "path__startswith" in str(q)
    assert "('path__lt', '00000.0000t')" in str(subtree_filter("00000.0000s."))
