"""A tour of the demo county for every office role, at desktop and phone width.

Each role signs in, opens every entry of its side navigation and the main detail pages behind them,
and each page must answer 200, fit the viewport (wide tables scroll in their own box), carry a page
header, and report no console error or CSP violation. Screenshots: test-artifacts/screenshots/tour-*.
"""

from __future__ import annotations

from datetime import date
from importlib import import_module

import pytest
from django.urls import reverse

from ronghe.accounts.models import User
from ronghe.demo.generator import build_county
from ronghe.members.models import Member
from ronghe.orglife.models import Meeting
from ronghe.orgs.models import Organization
from ronghe.points.models import Claim

pytestmark = pytest.mark.browser

TODAY = date(2026, 11, 24)


@pytest.fixture
def county(transactional_db, settings):
    # A transactional test flushes the tables afterwards, seeded rows included: put the
    # default meeting requirements back the way the migration does.
    from django.apps import apps

    seed = import_module("ronghe.orglife.migrations.0003_seed_requirements").seed
    seed(apps, None)
    settings.RONGHE_DEMO_PASSWORD = "Demo@Pass2026"
    return build_county(300, seed=7, today=TODAY)


def _nav_links(journey) -> list[tuple[str, str]]:
    links = journey.page.eval_on_selector_all(
        "#sidenav .nav-link", "els => els.map(e => [e.textContent.trim(), e.getAttribute('href')])"
    )
    return [(label, href) for label, href in links]


def _visit(journey, path: str, shot: str) -> None:
    response = journey.goto(path)
    page = journey.page
    assert response.status == 200, f"{path} 返回 {response.status}"
    # then: one page header, and the page never scrolls sideways
    assert page.locator("main h1").count() == 1, f"{path} 缺少页面标题"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{path} 横向溢出 {width}px"
    journey.screenshot(shot)
    journey.assert_clean()


def _tour(journey, username: str, extra: list[str]) -> list[str]:
    journey.login(User.objects.get(username=username))
    journey.goto("/")
    links = _nav_links(journey)
    assert links, "导航为空"
    seen = []
    for i, (_label, href) in enumerate(links):
        _visit(journey, href, f"tour-{username}-{i:02d}")
        seen.append(href)
    for j, path in enumerate(extra):
        _visit(journey, path, f"tour-{username}-detail-{j:02d}")
    return seen


def _branch_of(username: str) -> Organization:
    return User.objects.get(username=username).role_assignments.get().organization


def test_work_committee_admin_tour(journey, county):
    branch = _branch_of("secretary")
    member = Member.objects.filter(organization=branch).order_by("id").first()
    meeting = Meeting.objects.filter(organization__path__startswith=branch.path).order_by("-held_at").first()
    extra = [
        reverse("orgs:organization-detail", kwargs={"code": county.committee.code}),
        reverse("orgs:organization-detail", kwargs={"code": branch.code}),
        reverse("orgs:warning-list"),
        reverse("members:member-detail", kwargs={"code": member.code}),
        reverse("members:member-statistics"),
        reverse("members:transfer-list"),
        reverse("member_io:import"),
        reverse("member_io:export"),
        reverse("member_io:birthdays"),
        reverse("orglife:meeting-detail", kwargs={"code": meeting.code}),
        reverse("orglife:org-calendar", kwargs={"code": branch.code}),
        reverse("orglife:todo"),
        reverse("orglife:requirement-list"),
        reverse("points:member-points", kwargs={"code": member.code}),
        reverse("points:claim-review"),
        reverse("points:scheme-list"),
        reverse("points:year-end"),
    ]
    seen = _tour(journey, "gwadmin", extra)
    assert reverse("orgs:organization-list") in seen
    assert reverse("points:ranking") in seen


def test_unit_admin_tour(journey, county):
    unit_top = _branch_of("unitadmin")
    extra = [
        reverse("orgs:organization-detail", kwargs={"code": unit_top.code}),
        reverse("orglife:org-calendar", kwargs={"code": unit_top.code}),
        reverse("members:member-create"),
        reverse("orglife:meeting-create"),
    ]
    _tour(journey, "unitadmin", extra)


def test_branch_secretary_tour(journey, county):
    branch = _branch_of("secretary")
    meeting = Meeting.objects.filter(organization__path__startswith=branch.path).order_by("-held_at").first()
    claim = Claim.objects.filter(member__organization__path__startswith=branch.path).order_by("id").first()
    extra = [
        reverse("orgs:organization-detail", kwargs={"code": branch.code}),
        reverse("orglife:meeting-detail", kwargs={"code": meeting.code}),
        reverse("orglife:meeting-update", kwargs={"code": meeting.code}),
        reverse("orglife:todo"),
        reverse("points:claim-review"),
        reverse("member_io:import"),
    ]
    if claim is not None:
        extra.append(reverse("points:claim-detail", kwargs={"code": claim.code}))
    _tour(journey, "secretary", extra)


def test_member_tour(journey, county):
    extra = [reverse("points:claim-list"), reverse("points:claim-create")]
    seen = _tour(journey, "member", extra)
    assert reverse("points:my-points") in seen
    assert reverse("members:member-list") not in seen


def test_three_admins_tour(journey, county):
    # 三员分立: each of the three admins sees only their own corner, never the roster
    for username in ("auditor", "sysadmin", "secadmin"):
        journey.page.context.clear_cookies()
        seen = _tour(journey, username, [])
        assert reverse("members:member-list") not in seen
