"""Units as first-class records: the register pages, leaders, departments and the API."""

import pytest
from django.urls import reverse

from ronghe.core.models import AuditEntry
from ronghe.orgs.models import Department, Leader, Unit

pytestmark = pytest.mark.django_db

VALID = "91110000600037341L"


def _form(**overrides):
    data = {
        "name": "丙局",
        "short_name": "丙局",
        "kind": "party_government",
        "credit_code": VALID,
        "staff_count": 80,
    }
    data.update(overrides)
    return data


def test_committee_registers_a_unit(client_for, cast):
    # when the 工委 admin registers a unit with a lower-case credit code
    response = client_for(cast.committee_admin).post(
        reverse("orgs:unit-create"), _form(credit_code=VALID.lower())
    )
    # then it is stored normalised and audited
    unit = Unit.objects.get(name="丙局")
    assert response.status_code == 302
    assert (unit.kind, unit.credit_code, unit.staff_count) == ("party_government", VALID, 80)
    assert AuditEntry.objects.filter(event="org.unit_create", object_repr="丙局").count() == 1


def test_wrong_check_character_is_refused_until_confirmed(client_for, cast):
    client = client_for(cast.committee_admin)
    # given a code whose check character is wrong
    response = client.post(reverse("orgs:unit-create"), _form(credit_code="91110000600037341K"))
    # then the page says why and nothing is written
    assert response.status_code == 422
    assert (
        "校验位不符：按 GB 32100 计算第18位应为“L”，填写的是“K”。请核对；如确认与证照一致，请勾选“校验位不符，确认与证照一致”后保存"
        in response.content.decode()
    )
    assert not Unit.objects.filter(name="丙局").exists()
    # when the user confirms the code as issued, it is saved and the override is audited
    client.post(
        reverse("orgs:unit-create"), _form(credit_code="91110000600037341K", credit_code_confirmed="on")
    )
    entry = AuditEntry.objects.get(event="org.unit_create", object_repr="丙局")
    assert entry.changes["credit_code_override"] == "校验位不符，已确认与证照一致"


def test_illegal_letter_is_refused_even_when_confirmed(client_for, cast):
    response = client_for(cast.committee_admin).post(
        reverse("orgs:unit-create"), _form(credit_code="91110000O00037341L", credit_code_confirmed="on")
    )
    assert response.status_code == 422
    assert "第9位“O”：统一社会信用代码不使用字母 I、O、S、V、Z" in response.content.decode()
    assert not Unit.objects.filter(name="丙局").exists()


def test_duplicate_credit_code_is_refused(client_for, cast):
    Unit.objects.filter(pk=cast.unit_b.pk).update(credit_code=VALID)
    response = client_for(cast.committee_admin).post(
        reverse("orgs:unit-update", args=[cast.unit_a.code]), _form(name="甲局", credit_code=VALID)
    )
    assert "该统一社会信用代码已登记为其他单位" in response.content.decode()
    assert Unit.objects.get(pk=cast.unit_a.pk).credit_code == ""


def test_unit_staff_sees_its_unit_but_cannot_edit_it(client_for, cast):
    client = client_for(cast.secretary_a)
    # the list shows unit A only
    body = client.get(reverse("orgs:unit-list")).content.decode()
    assert "甲局" in body and "乙局" not in body
    # the register is the 工委's: 403 inside the scope, nothing changed
    response = client.post(reverse("orgs:unit-update", args=[cast.unit_a.code]), _form(name="改名局"))
    assert response.status_code == 403
    assert Unit.objects.get(pk=cast.unit_a.pk).name == "甲局"


def test_outsider_gets_404(client_for, cast):
    client = client_for(cast.outsider_b)
    assert client.get(reverse("orgs:unit-detail", args=[cast.unit_a.code])).status_code == 404
    response = client.post(reverse("orgs:department-create", args=[cast.unit_a.code]), {"name": "办公室"})
    assert response.status_code == 404
    assert not Department.objects.exists()


def test_detail_shows_organizations_leaders_and_departments(client_for, cast):
    client = client_for(cast.committee_admin)
    client.post(
        reverse("orgs:leader-create", args=[cast.unit_a.code]),
        {"name": "王一", "title": "局长", "is_party_group_member": "on"},
    )
    client.post(
        reverse("orgs:department-create", args=[cast.unit_a.code]), {"name": "办公室", "head_name": "李二"}
    )
    body = client.get(reverse("orgs:unit-detail", args=[cast.unit_a.code])).content.decode()
    assert "甲局总支" in body and "甲局第一党支部" in body
    assert "王一" in body and "局长" in body and "办公室" in body and "李二" in body
    assert Leader.objects.get(unit=cast.unit_a).is_party_group_member is True


def test_department_names_are_unique_per_unit(client_for, cast):
    client = client_for(cast.committee_admin)
    Department.objects.create(unit=cast.unit_a, name="办公室")
    Department.objects.create(unit=cast.unit_b, name="综合股")
    response = client.post(reverse("orgs:department-create", args=[cast.unit_a.code]), {"name": "办公室"})
    assert response.status_code == 422
    assert "本单位已有同名部门" in response.content.decode()
    # the same name in another unit is fine
    client.post(reverse("orgs:department-create", args=[cast.unit_a.code]), {"name": "综合股"})
    assert Department.objects.filter(unit=cast.unit_a).count() == 2


def test_list_query_count_is_constant(client_for, cast, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.committee_admin)
    client.get(reverse("orgs:unit-list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("orgs:unit-list"))
    for i in range(8):
        unit = Unit.objects.create(name=f"新单位{i}")
        Department.objects.create(unit=unit, name="办公室")
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("orgs:unit-list"))
    assert len(large) == len(small)


def test_api_lists_and_creates_units(client_for, cast):
    client = client_for(cast.committee_admin)
    body = client.get("/api/v1/units").json()
    assert [u["name"] for u in body["items"]] == ["乙局", "甲局"]
    created = client.post(
        "/api/v1/units",
        {"name": "丙局", "kind": "institution", "credit_code": VALID},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["kind_display"] == "事业单位"
    refused = client.patch(
        f"/api/v1/units/{cast.unit_a.code}",
        {"credit_code": "91110000600037341K"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"]["credit_code"][0].startswith("校验位不符")
    assert Unit.objects.get(pk=cast.unit_a.pk).credit_code == ""


def test_api_unit_scope(client_for, cast):
    client = client_for(cast.secretary_a)
    assert [u["name"] for u in client.get("/api/v1/units").json()["items"]] == ["甲局"]
    assert client.get(f"/api/v1/units/{cast.unit_b.code}").status_code == 404
    response = client.patch(
        f"/api/v1/units/{cast.unit_a.code}", {"name": "改名局"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Unit.objects.get(pk=cast.unit_a.pk).name == "甲局"


def test_lead_organization_is_the_units_highest_own_else_the_joint_branch(cast):
    from ronghe.orgs.queries import lead_organizations
    from tests.factories import OrganizationFactory

    covered = Unit.objects.create(name="小局")
    joint = OrganizationFactory(name="联合支部", kind="joint_branch", parent=cast.committee, unit=cast.unit_b)
    joint.joint_units.set([covered])
    alone = Unit.objects.create(name="无党组织局")
    OrganizationFactory(name="甲局党组", kind="leading_group", parent=cast.committee, unit=cast.unit_a)
    leads = lead_organizations([cast.unit_a.pk, cast.unit_b.pk, covered.pk, alone.pk])
    # the 党组 is not the unit's lead organization; the 总支 is
    assert leads == {cast.unit_a.pk: cast.org_a, cast.unit_b.pk: cast.org_b, covered.pk: joint}


def test_a_unit_without_organizations_is_seen_from_the_root_only(client_for, cast):
    Unit.objects.create(name="新登记局")
    assert "新登记局" in client_for(cast.committee_admin).get(reverse("orgs:unit-list")).content.decode()
    assert "新登记局" not in client_for(cast.secretary_a).get(reverse("orgs:unit-list")).content.decode()
