import pytest

from ronghe.core.models import AuditEntry
from ronghe.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_list_is_scoped_and_filtered(client_for, cast):
    client = client_for(cast.secretary_a)
    data = client.get("/api/v1/organizations").json()
    assert data["count"] == 2
    assert [o["name"] for o in data["items"]] == ["甲局总支", "甲局第一党支部"]
    data = client.get("/api/v1/organizations", {"kind": "branch"}).json()
    assert [o["name"] for o in data["items"]] == ["甲局第一党支部"]


def test_detail_with_warnings(client_for, cast):
    data = client_for(cast.secretary_a).get(f"/api/v1/organizations/{cast.branch_a.code}").json()
    assert data["full_members"] == 1
    assert "branch_too_small" in [w["code"] for w in data["warnings"]]


def test_detail_outsider_404(client_for, cast):
    assert client_for(cast.outsider_b).get(f"/api/v1/organizations/{cast.branch_a.code}").status_code == 404


def test_create_and_validation(client_for, cast):
    client = client_for(cast.secretary_a)
    response = client.post(
        "/api/v1/organizations",
        {"name": "甲局第三党支部", "kind": "branch", "parent_code": str(cast.org_a.code)},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Organization.objects.get(name="甲局第三党支部").term_years == 3
    bad = client.post(
        "/api/v1/organizations",
        {"name": "越权支部", "kind": "branch", "parent_code": str(cast.org_b.code)},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "parent" in bad.json()["errors"]
    assert not Organization.objects.filter(name="越权支部").exists()


def test_patch_updates_and_audits(client_for, cast):
    response = client_for(cast.secretary_a).patch(
        f"/api/v1/organizations/{cast.branch_a.code}", {"term_years": 5}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["term_years"] == 5
    assert AuditEntry.objects.get(event="org.update").changes == {"term_years": [3, 5]}


def test_patch_read_only_403(client_for, cast):
    from tests.factories import UserFactory, grant

    reader = UserFactory()
    grant(reader, "judge", cast.committee)
    response = client_for(reader).patch(
        f"/api/v1/organizations/{cast.branch_a.code}", {"name": "改"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Organization.objects.get(pk=cast.branch_a.pk).name == "甲局第一党支部"


def _joint_branch(client, cast, units):
    return client.post(
        "/api/v1/organizations",
        {
            "name": "甲乙联合党支部",
            "kind": "joint_branch",
            "parent_code": str(cast.org_a.code),
            "joint_units": units,
        },
        content_type="application/json",
    )


def _joint_units(org: Organization) -> list[str]:
    return sorted(u.name for u in org.joint_units.all())


def test_joint_units_set_through_the_api_persist(client_for, cast):
    # when
    response = _joint_branch(client_for(cast.secretary_a), cast, ["甲局", "乙局"])
    # then
    assert response.status_code == 201, response.content
    org = Organization.objects.get(name="甲乙联合党支部")
    assert _joint_units(org) == ["乙局", "甲局"]
    assert sorted(response.json()["joint_units"]) == ["乙局", "甲局"]
    assert AuditEntry.objects.get(event="org.create").changes["joint_units"] == [None, ["乙局", "甲局"]]


def test_joint_units_change_through_a_patch_and_stay_when_not_sent(client_for, cast):
    # given
    client = client_for(cast.secretary_a)
    code = _joint_branch(client, cast, ["甲局", "乙局"]).json()["code"]
    url = f"/api/v1/organizations/{code}"
    # when: a patch of another field
    kept = client.patch(url, {"term_years": 5}, content_type="application/json")
    # then
    assert kept.status_code == 200, kept.content
    assert _joint_units(Organization.objects.get(code=code)) == ["乙局", "甲局"]
    # when: a patch of the units
    changed = client.patch(url, {"joint_units": ["甲局"]}, content_type="application/json")
    # then
    assert changed.status_code == 200, changed.content
    assert changed.json()["joint_units"] == ["甲局"]
    assert _joint_units(Organization.objects.get(code=code)) == ["甲局"]
    assert AuditEntry.objects.filter(event="org.update").latest("id").changes == {
        "joint_units": [["乙局", "甲局"], ["甲局"]]
    }


def test_unknown_joint_unit_is_refused_on_its_field(client_for, cast):
    response = _joint_branch(client_for(cast.secretary_a), cast, ["甲局", "丙局"])
    assert response.status_code == 422
    assert response.json() == {
        "detail": "联合支部覆盖单位：没有名为“丙局”的单位",
        "errors": {"joint_units": ["没有名为“丙局”的单位"]},
    }
    assert not Organization.objects.filter(name="甲乙联合党支部").exists()


def test_create_and_update_reach_the_service_with_the_page_s_arguments(cast):
    """The page and the API share `OrganizationForm.service_kwargs`: every field the form has."""
    from ronghe.orgs.forms import OrganizationForm

    create = OrganizationForm(
        {
            "name": "甲乙联合党支部",
            "kind": "joint_branch",
            "parent": str(cast.org_a.code),
            "joint_units": [cast.unit_a.pk],
        },
        user=cast.secretary_a,
    )
    assert create.is_valid(), create.errors
    update = OrganizationForm(
        {"name": "改名", "kind": "branch"}, instance=cast.branch_a, user=cast.secretary_a
    )
    assert update.is_valid(), update.errors
    assert set(create.service_kwargs()) == set(create.fields)
    assert set(update.service_kwargs()) == set(update.fields)
