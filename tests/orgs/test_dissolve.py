"""撤销党组织: refused while members or organizations remain, posts end, earlier years still count it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ronghe.core.models import AuditEntry
from ronghe.members import services as members
from ronghe.orgs import services
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Officer, Organization
from ronghe.reports.statistics import party_statistics
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)


@pytest.fixture
def branch(cast):  # noqa: ANN001, ANN201
    """A branch of unit A founded in 2020, with one member and a secretary in office."""
    org = OrganizationFactory(
        name="甲局第二党支部", parent=cast.org_a, unit=cast.unit_a, founded_on=date(2020, 3, 1)
    )
    member = MemberFactory(name="将转出", organization=org)
    Officer.objects.create(organization=org, member=member, post="secretary", started_on=date(2023, 1, 1))
    return org


def _dissolve(cast, org, on=date(2026, 6, 30), ref="甲局党发〔2026〕5号"):  # noqa: ANN001, ANN202
    return services.dissolve_organization(
        actor=cast.committee_admin, org=org, on=on, approval_ref=ref, today=TODAY
    )


def test_members_must_be_transferred_first(cast, branch):  # noqa: ANN001
    with pytest.raises(
        services.OrganizationError, match="还有 1 名党员的组织关系在本组织，请先办理组织关系转接"
    ):
        _dissolve(cast, branch)
    assert Organization.objects.get(pk=branch.pk).is_active


def test_children_must_go_first(cast, branch):  # noqa: ANN001
    members.transfer_internal(
        actor=cast.committee_admin,
        member=branch.members.get(),
        to_organization=cast.branch_a,
        on_date=date(2026, 6, 1),
    )
    OrganizationFactory(name="第二党小组", kind=OrgKind.GROUP, parent=branch, unit=cast.unit_a)
    with pytest.raises(services.OrganizationError, match="请先撤销或移走 第二党小组"):
        _dissolve(cast, branch)


@pytest.mark.parametrize(
    ("on", "ref", "message"),
    [
        pytest.param(date(2026, 12, 4), "文号", "不能晚于今天", id="tomorrow_case"),
        pytest.param(date(2020, 2, 29), "文号", "不能早于成立日期 2020-03-01", id="before_founding_case"),
        pytest.param(date(2026, 6, 30), "  ", "请填写上级党组织批准撤销的文号", id="no_ref_case"),
    ],
)
def test_bad_dates_and_missing_approval_are_refused(cast, branch, on, ref, message):  # noqa: ANN001
    branch.members.all().delete()
    with pytest.raises(services.OrganizationError, match=message):
        _dissolve(cast, branch, on=on, ref=ref)


def test_the_root_cannot_be_dissolved(cast):  # noqa: ANN001
    with pytest.raises(services.OrganizationError, match="根节点不能撤销"):
        _dissolve(cast, cast.committee)


def test_dissolution_ends_posts_and_counts_in_the_years_before(cast, branch):  # noqa: ANN001
    # given the branch's member transferred out on 1 June 2026
    members.transfer_internal(
        actor=cast.committee_admin,
        member=branch.members.get(),
        to_organization=cast.branch_a,
        on_date=date(2026, 6, 1),
    )
    # when it is dissolved on 30 June (the founding day itself and today are allowed bounds)
    org = _dissolve(cast, branch)
    # then it is inactive with its date and reference, its secretary left office that day, audited
    assert (org.is_active, org.dissolved_on, org.dissolution_ref) == (
        False,
        date(2026, 6, 30),
        "甲局党发〔2026〕5号",
    )
    assert Officer.objects.get(organization=org).ended_on == date(2026, 6, 30)
    assert AuditEntry.objects.get(event="org.dissolve").changes["posts_ended"] == 1
    # the 党内统计 of 2025 still counts it (and its member), 2026's does not
    for year, orgs, in_unit in ((2025, 4, 2), (2026, 3, 2)):
        stats = party_statistics(cast.org_a, year, today=TODAY)
        assert stats.table("organizations").value("党组织总数") == orgs - 1, year  # org_a's subtree
        assert stats.table("basic").value("党员总数") == in_unit, year
    # a second dissolution says it is done already
    with pytest.raises(services.OrganizationError, match="已于 2026-06-30 撤销"):
        _dissolve(cast, org)


def test_the_page_confirms_explains_and_marks_the_organization(client_for, cast, branch):  # noqa: ANN001
    client = client_for(cast.committee_admin)
    url = reverse("orgs:organization-dissolve", args=[branch.code])
    page = client.get(url).content.decode()
    assert "data-confirm" in page and "撤销后不能恢复" in page
    # refused: a member is still there; nothing changes
    response = client.post(url, {"dissolved_on": "2026-06-30", "approval_ref": "甲局党发〔2026〕5号"})
    assert response.status_code == 422
    assert "还有 1 名党员的组织关系在本组织" in response.content.decode()
    assert Organization.objects.get(pk=branch.pk).is_active
    # after the transfer it goes through, and the detail page says so without the edit buttons
    branch.members.update(organization=cast.branch_a)
    response = client.post(url, {"dissolved_on": "2026-06-30", "approval_ref": "甲局党发〔2026〕5号"})
    assert response.status_code == 302
    detail = client.get(reverse("orgs:organization-detail", args=[branch.code])).content.decode()
    assert 'id="org-dissolved"' in detail and "撤销日期 2026-06-30" in detail
    assert 'id="org-dissolve"' not in detail and "新建下级组织" not in detail
    # a secretary of unit B may not dissolve unit A's branch
    assert client_for(cast.outsider_b).get(url).status_code in (403, 404)


def test_role_grants_at_the_dissolved_organization_are_taken_back(client_for, cast, branch):  # noqa: ANN001
    from ronghe.accounts.choices import Role
    from ronghe.accounts.models import RoleAssignment
    from tests.factories import UserFactory, grant

    # given the branch's secretary account, and an auditor placed at the branch
    secretary = UserFactory(username="sec_second", display_name="二支书记")
    grant(secretary, Role.BRANCH_SECRETARY, branch)
    auditor = UserFactory(username="aud_second")
    grant(auditor, Role.AUDIT_ADMIN, branch)
    branch.members.update(organization=cast.branch_a)
    # when the 工委 opens the page, it lists what will be taken back
    client = client_for(cast.committee_admin)
    url = reverse("orgs:organization-dissolve", args=[branch.code])
    page = client.get(url).content.decode()
    listed = page.split('id="dissolve-roles"')[1].split("</ul>")[0]
    assert "sec_second（二支书记）" in listed and "aud_second" not in listed
    # and after the dissolution the secretary's grant is gone, the auditor's stays, the audit names it
    assert (
        client.post(url, {"dissolved_on": "2026-06-30", "approval_ref": "甲局党发〔2026〕5号"}).status_code
        == 302
    )
    assert list(
        RoleAssignment.objects.filter(organization=branch).values_list("user__username", flat=True)
    ) == ["aud_second"]
    removed = AuditEntry.objects.get(event="org.dissolve").changes["roles_removed"]
    assert removed == ["sec_second（支部书记/党务）"]


def test_dissolution_through_the_api(client_for, cast, branch):  # noqa: ANN001
    import json

    url = f"/api/v1/organizations/{branch.code}/dissolve"
    body = json.dumps({"dissolved_on": "2026-06-30", "approval_ref": "甲局党发〔2026〕5号"})
    client = client_for(cast.committee_admin)
    # refused with the rule while a member is still there; nothing changes
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 422 and "还有 1 名党员的组织关系在本组织" in refused.json()["detail"]
    assert Organization.objects.get(pk=branch.pk).is_active
    # a missing approval number is refused by the schema
    bad = client.post(url, json.dumps({"dissolved_on": "2026-06-30"}), content_type="application/json")
    assert bad.status_code == 422
    # after the transfer someone outside the scope still does not find it; the 工委 dissolves it
    branch.members.update(organization=cast.branch_a)
    assert client_for(cast.outsider_b).post(url, body, content_type="application/json").status_code == 404
    done = client_for(cast.committee_admin).post(url, body, content_type="application/json")
    assert done.status_code == 200, done.content
    data = done.json()
    assert (data["is_active"], data["dissolved_on"], data["dissolution_ref"]) == (
        False,
        "2026-06-30",
        "甲局党发〔2026〕5号",
    )
    assert AuditEntry.objects.filter(event="org.dissolve").count() == 1
