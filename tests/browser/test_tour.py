"""A tour of the demo county for every office role, at desktop and phone width.

Each role signs in (one after the other in one test per viewport, on one demo county), opens every entry of its side navigation and the main detail pages behind them,
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


def _work_committee_admin(journey, county) -> None:
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


def _unit_admin(journey, county) -> None:
    unit_top = _branch_of("unitadmin")
    extra = [
        reverse("orgs:organization-detail", kwargs={"code": unit_top.code}),
        reverse("orglife:org-calendar", kwargs={"code": unit_top.code}),
        reverse("members:member-create"),
        reverse("orglife:meeting-create"),
    ]
    _tour(journey, "unitadmin", extra)


def _branch_secretary(journey, county) -> None:
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


def _member(journey, county) -> None:
    extra = [reverse("points:claim-list"), reverse("points:claim-create")]
    seen = _tour(journey, "member", extra)
    assert reverse("points:my-points") in seen
    assert reverse("members:member-list") not in seen


def _three_admins(journey, county) -> None:
    # 三员分立: each of the three admins sees only their own corner, never the roster
    for username in ("auditor", "sysadmin", "secadmin"):
        journey.page.context.clear_cookies()
        seen = _tour(journey, username, [])
        assert reverse("members:member-list") not in seen


def _organization_table_and_tree(journey, county) -> None:
    # issue 16 item 14: the organization table fits 1366 px, the side bar's tree shows whole names, searches, folds
    journey.login(User.objects.get(username="gwadmin"))
    journey.goto("/orgs/")
    page = journey.page
    journey.screenshot("words-org-list")
    if journey.viewport == "desktop":
        # the table needs no sideways scrolling: the 预警 column is inside the visible area
        box = page.locator("#org-table").locator("xpath=..")
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "党组织表格横向溢出"
        warn = page.locator("#org-table thead th", has_text="预警").bounding_box()
        area = box.bounding_box()
        assert warn["x"] + warn["width"] <= area["x"] + area["width"] + 1
        tree = page.locator("[data-org-tree]")
        # whole names: no link in the tree is cut short
        assert tree.locator("a:not(.visually-hidden-focusable)").evaluate_all(  # not the hidden skip link
            "els => els.every(e => e.scrollWidth <= e.clientWidth + 1)"
        )
        visible = tree.locator("li:visible").count()
        assert visible > 3
        # fold the first node with children: its subtree hides, unfolding shows it again
        tree.locator(".org-tree-fold").first.click()
        assert tree.locator("li:visible").count() < visible
        tree.locator(".org-tree-fold").first.click()
        assert tree.locator("li:visible").count() == visible
        # search: only the matches (and their parents) stay
        name = tree.locator("li a").nth(visible - 1).inner_text()
        tree.locator("[data-tree-filter]").fill(name)
        shown = tree.locator("li:visible a").all_inner_texts()
        assert name in shown and len(shown) < visible
        tree.locator("[data-tree-filter]").fill("不存在的组织名")
        assert tree.locator("li:visible").count() == 0
        assert tree.locator("[data-tree-empty]").is_visible()
        journey.screenshot("words-org-tree-search")
        # the whole tree folds under its title
        tree.locator("[data-tree-filter]").fill("")
        tree.locator("[data-tree-toggle]").click()
        assert tree.locator("li:visible").count() == 0
    journey.assert_clean()


# One demo county per viewport for every role (building it is most of the cost: ~30 s each on a quiet
# machine, and a transactional test cannot share it); each role starts with no session.
ROLES = [
    _work_committee_admin,
    _unit_admin,
    _branch_secretary,
    _member,
    _three_admins,
    _organization_table_and_tree,
]


def test_every_role_tours_the_demo_county(journey, county):
    for role in ROLES:
        journey.page.context.clear_cookies()
        role(journey, county)
