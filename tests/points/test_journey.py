"""Browser journey at phone width: a member files a claim, the secretary approves, the member sees the new total."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from ronghe.points import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("test-artifacts/screenshots")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Test@Pass123")
    page.click("#login-button")
    page.wait_for_load_state()


def test_claim_approved_shows_in_my_points(live_server, cast, browser):
    year = timezone.localdate().year
    services.seed_default_scheme(organization=cast.committee, year=year)
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    # the member files a claim on the phone
    member = browser.new_context(viewport=PHONE)
    page = member.new_page()
    login(page, base, "mem_a")
    page.goto(f"{base}/points/mine/")
    assert page.inner_text("#points-total") == "60"
    page.screenshot(path=str(SHOTS / "points-1-my-points-before.png"), full_page=True)
    page.click("#claim-create-link")
    page.select_option("select[name=indicator]", label="学习教育 · 撰写理论文章、心得体会（每次 3.00 分）")
    page.fill("input[name=occurred_on]", date.today().isoformat())
    page.fill("input[name=points]", "-3")
    page.fill("textarea[name=description]", "撰写学习心得一篇")
    page.click("#claim-submit")
    assert "申报分值必须大于 0" in page.inner_text("#claim-form")
    page.screenshot(path=str(SHOTS / "points-2-claim-error.png"), full_page=True)
    page.fill("input[name=points]", "3")
    page.click("#claim-submit")
    assert page.inner_text("#claim-state") == "待审核"
    page.screenshot(path=str(SHOTS / "points-3-claim-submitted.png"), full_page=True)
    claim_url = page.url

    # the secretary approves it
    secretary = browser.new_context(viewport=PHONE)
    sec = secretary.new_page()
    login(sec, base, "sec_a")
    sec.goto(f"{base}/points/claims/review/")
    assert "张甲" in sec.inner_text("#rows")
    sec.screenshot(path=str(SHOTS / "points-4-review-list.png"), full_page=True)
    sec.goto(claim_url)
    sec.select_option("select[name=action]", "approve")
    sec.fill("input[name=comment]", "情况属实")
    sec.click("#decision-submit")
    sec.wait_for_load_state()
    sec.screenshot(path=str(SHOTS / "points-5-approved.png"), full_page=True)

    # the member sees the new total and grade
    page.goto(f"{base}/points/mine/")
    assert page.inner_text("#points-total") == "63"
    assert page.inner_text("#points-grade") == "1A"
    assert "撰写理论文章、心得体会" in page.inner_text("#rows")
    page.screenshot(path=str(SHOTS / "points-6-my-points-after.png"), full_page=True)
    page.goto(claim_url)
    assert page.inner_text("#claim-state") == "已通过"

    # desktop: the ranking with its chart
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(desk, base, "sec_a")
    desk.goto(f"{base}/points/ranking/")
    desk.wait_for_selector("#grade-chart canvas")
    desk.wait_for_timeout(1500)  # let the bar animation finish before the screenshot
    desk.screenshot(path=str(SHOTS / "points-7-ranking-desktop.png"), full_page=True)
    # each row reads as its formula, at desktop and on the secretary's phone
    assert "60 + 3 − 0" in desk.inner_text("#rows")
    sec.goto(f"{base}/points/ranking/")
    assert "60 + 3 − 0" in sec.inner_text("#rows")
    assert sec.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    sec.screenshot(path=str(SHOTS / "points-8-ranking-phone.png"), full_page=True)
