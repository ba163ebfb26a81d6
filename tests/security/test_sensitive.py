"""AC-4: roles without members.view_sensitive never receive a full ID number or phone number —
in pages, htmx fragments, JSON or downloads — and extra posted fields are ignored (mass assignment)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ronghe.accounts.choices import Role
from ronghe.accounts.models import User
from ronghe.members.models import Member
from ronghe.members.services import reveal_id_number
from ronghe.orgs.models import Organization
from tests.factories import MemberFactory, UserFactory, grant
from tests.security.crawl import FULL_PHONE, ID_NUMBER, api_get_urls, body_text, page_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(cast):
    user = UserFactory(username="reviewer_a")
    grant(user, Role.DISCIPLINE_REVIEWER, cast.org_a)
    return user


@pytest.fixture
def more_members(cast):
    return [
        MemberFactory(name=f"王{i}", organization=cast.branch_a, phone=f"1390000000{i}") for i in range(3)
    ]


def _crawl(client, cast) -> dict[str, str]:  # noqa: ANN001
    bodies = {}
    for url in page_urls(cast):
        bodies[f"GET {url}"] = body_text(client.get(url))
        bodies[f"HX {url}"] = body_text(client.get(url, HTTP_HX_REQUEST="true"))
    for url in api_get_urls(client, cast):
        bodies[f"API {url}"] = body_text(client.get(url))
        if "/members/" in url:
            bodies[f"API reveal {url}"] = body_text(client.get(url, {"reveal": "true"}))
    bodies["export all statuses"] = body_text(client.get(reverse("member_io:export"), {"status": "all"}))
    return bodies


@pytest.mark.parametrize("who", ["secretary_a", "reviewer", "member_a"])
def test_no_full_id_or_phone_without_view_sensitive(client, cast, more_members, reviewer, who):
    user = reviewer if who == "reviewer" else getattr(cast, who)
    client.force_login(User.objects.get(pk=user.pk))
    leaks = {
        where: (ID_NUMBER.findall(text) + FULL_PHONE.findall(text))[:3]
        for where, text in _crawl(client, cast).items()
        if ID_NUMBER.search(text) or FULL_PHONE.search(text)
    }
    assert leaks == {}


def test_the_scan_does_find_numbers_for_a_role_that_may_see_them(client, cast, more_members):
    """Control: the same crawl as the 工委管理员 finds full numbers (the regexes and unpacking work)."""
    client.force_login(cast.committee_admin)
    bodies = _crawl(client, cast)
    full_id = reveal_id_number(cast.member_a_record)
    assert any(full_id in text for text in bodies.values())
    assert any(FULL_PHONE.search(text) for text in bodies.values())


def test_api_patch_ignores_extra_fields(client, cast):
    member = cast.member_a_record
    client.force_login(cast.secretary_a)
    response = client.patch(
        f"/api/v1/members/{member.code}",
        data=json.dumps(
            {
                "remarks": "已核对",
                "organization_code": str(cast.branch_b.code),
                "organization": cast.branch_b.pk,
                "status": "dead",
                "is_active": False,
                "roles": ["work_committee_admin"],
                "is_superuser": True,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.remarks, member.organization_id, member.status) == ("已核对", cast.branch_a.pk, "full")
    assert set(cast.secretary_a.role_assignments.values_list("role", flat=True)) == {Role.BRANCH_SECRETARY}


def test_member_form_ignores_organization_and_status(client, cast):
    member = cast.member_a_record
    client.force_login(cast.secretary_a)
    page = client.get(reverse("members:member-update", kwargs={"code": member.code}))
    form = page.context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(
        name="张甲改",
        id_number="",
        phone="",
        organization=cast.branch_b.code,
        status="dead",
        is_active="0",
        roles="work_committee_admin",
    )
    response = client.post(reverse("members:member-update", kwargs={"code": member.code}), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert (member.name, member.organization_id, member.status) == ("张甲改", cast.branch_a.pk, "full")


def test_org_api_patch_ignores_parent_and_path(client, cast):
    client.force_login(cast.secretary_a)
    response = client.patch(
        f"/api/v1/organizations/{cast.branch_a.code}",
        data=json.dumps(
            {
                "name": "甲局第一支部",
                "parent": cast.org_b.pk,
                "parent_code": str(cast.org_b.code),
                "path": "x",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code in (200, 422), response.content
    org = Organization.objects.get(pk=cast.branch_a.pk)
    assert (org.parent_id, org.path) == (cast.org_a.pk, cast.branch_a.path)


def test_user_create_ignores_superuser_and_roles(client, cast):
    client.force_login(cast.sysadmin)
    client.post(
        reverse("accounts:user-create"),
        {
            "username": "newclerk",
            "display_name": "新文书",
            "password": "Xq7#mL2!pRt9@vK",
            "is_superuser": "on",
            "is_staff": "on",
            "roles": "work_committee_admin",
            "member": Member.objects.first().pk,
        },
    )
    user = User.objects.get(username="newclerk")
    assert (user.is_superuser, user.is_staff, user.member_id) == (False, False, None)
    assert not user.role_assignments.exists()


def test_the_scan_ignores_digit_runs_inside_random_identifiers():
    """A UUID or hash can hold an 11-digit run by chance (CI once read '…a19573869898' in a UUID as a phone)."""

    class Page:
        content = b'{"code": "c5818192-e5d0-4701-842e-a19573869898", "sha": "' + b"ab13900000001" * 3 + b'"}'

    assert not FULL_PHONE.search(body_text(Page()))

    class Leak:
        content = b'{"code": "c5818192-e5d0-4701-842e-df1dcac23dae", "phone": "13900000001"}'

    assert FULL_PHONE.findall(body_text(Leak())) == ["13900000001"]
