"""Issue 16 item 14 in the browser: the organization table fits its column area at 1366 px (the
预警 column was cut off), and the side bar's organization tree shows whole names, can be searched
and folded. Screenshots: test-artifacts/screenshots/words-*."""

from __future__ import annotations

from datetime import date
from importlib import import_module

import pytest

from ronghe.accounts.models import User
from ronghe.demo.generator import build_county

pytestmark = pytest.mark.browser


@pytest.fixture
def county(transactional_db, settings):
    from django.apps import apps

    import_module("ronghe.orglife.migrations.0003_seed_requirements").seed(apps, None)
    return build_county(200, seed=3, today=date(2026, 11, 24))


def test_organization_table_and_tree(journey, county):
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
