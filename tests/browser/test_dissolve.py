"""撤销党组织 at desktop and phone width: refused while a member remains, then registered and marked on the page.
Rules: tests/orgs/test_dissolve.py."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.orgs.models import Organization
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.browser


def test_committee_dissolves_an_emptied_branch(journey, cast):
    branch = OrganizationFactory(
        name="甲局第二党支部", parent=cast.org_a, unit=cast.unit_a, founded_on=date(2020, 3, 1)
    )
    member = MemberFactory(name="将转出", organization=branch)
    journey.login(cast.committee_admin)
    page = journey.page
    journey.goto(f"/orgs/{branch.code}/")
    page.click("#org-dissolve")
    page.wait_for_selector("#dissolve-submit")
    page.fill("#id_approval_ref", "甲局党发〔2026〕5号")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#dissolve-submit")
    # refused with the reason while a member's relation is still there
    page.wait_for_selector("text=还有 1 名党员的组织关系在本组织")
    journey.screenshot("org-dissolve-refused")
    journey.problems.clear()  # the 422 answer is logged by the browser console on purpose
    member.organization = cast.branch_a
    member.save(update_fields=["organization"])
    page.fill("#id_approval_ref", "甲局党发〔2026〕5号")
    page.click("#dissolve-submit")
    page.wait_for_selector("#org-dissolved")
    assert "已撤销" in page.inner_text("#org-dissolved")
    assert page.locator("#org-dissolve").count() == 0
    # history only: no warnings to act on, no forms to register posts
    assert page.locator("#org-warnings").count() == 0 and page.locator("text=登记任职").count() == 0
    assert not Organization.objects.get(pk=branch.pk).is_active
    journey.screenshot("org-dissolved")
    journey.assert_clean()
