"""Browser journeys: Playwright driving Debian's chromium against pytest-django's `live_server`.

Use the `journey` fixture. Every test that takes it runs twice, at desktop width and at phone width (390px):

    @pytest.mark.browser
    def test_secretary_records_a_meeting(journey, cast):
        journey.login(cast.secretary_a)            # session cookie, no form (use login_with_form for the form)
        journey.goto("/orglife/meetings/")
        journey.page.get_by_role("link", name="记录会议").click()
        journey.screenshot("meeting-form")          # test-artifacts/screenshots/meeting-form-{desktop,phone}.png

Console errors, uncaught page errors and Content-Security-Policy violations are collected in
`journey.problems`; the test fails at teardown if any remain. Clear the list after provoking an error on purpose.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DEFAULT_PASSWORD = "Test@Pass123"  # tests.factories.UserFactory's password

# Records CSP violations where the test can read them; init scripts are not subject to the page's CSP.
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
# The journeys CI's PostgreSQL leg still drives (desktop width): the ones whose steps lean hardest on the
# database (dates, votes, transactions across requests); the rest drive the same views the PostgreSQL
# leg's view and service tests already cover. RONGHE_BROWSER_ON_POSTGRES=1 drives every journey there.
POSTGRES_JOURNEYS = {
    "browser/test_journey.py",
    "browser/test_recruitment.py",
    "browser/test_ratings.py",
    "browser/test_dues.py",
    "orglife/test_journey.py",
    "points/test_journey.py",
    "imports/test_journey.py",
}
TESTS = Path(__file__).resolve().parents[1]


def _phone_runs_here() -> bool:
    """Phone width is markup and CSS, which do not depend on the database: CI's SQLite leg drives every
    journey at both widths, its PostgreSQL leg at desktop width only (the same server code against the
    other database), unless RONGHE_BROWSER_PHONE_ON_POSTGRES is set. Like the accessibility gate's rule."""
    return not ON_POSTGRES or bool(os.environ.get("RONGHE_BROWSER_PHONE_ON_POSTGRES"))


def _journey_runs_here(item: pytest.Item) -> bool:
    if not ON_POSTGRES or os.environ.get("RONGHE_BROWSER_ON_POSTGRES"):
        return True
    return item.path.resolve().relative_to(TESTS).as_posix() in POSTGRES_JOURNEYS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if shutil.which(CHROMIUM) is None:
        skip = pytest.mark.skip(reason=f"{CHROMIUM} 不存在（apt-get install chromium fonts-noto-cjk）")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)
    elsewhere = pytest.mark.skip(
        reason="此浏览器旅程只在 SQLite 一轮运行（RONGHE_BROWSER_ON_POSTGRES=1 可在 PostgreSQL 上运行）"
    )
    for item in items:
        if "browser" in item.keywords and not _journey_runs_here(item):
            item.add_marker(elsewhere)
    if not _phone_runs_here():
        phone = pytest.mark.skip(
            reason="手机宽度与数据库无关，只在 SQLite 一轮运行（RONGHE_BROWSER_PHONE_ON_POSTGRES=1）"
        )
        for item in items:
            callspec = getattr(item, "callspec", None)
            if callspec is not None and callspec.params.get("journey") == "phone":
                item.add_marker(phone)


@dataclass
class Journey:
    """One browser page on the live server at one viewport, plus the problems it reported."""

    page: Any
    base_url: str
    viewport: str
    problems: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Any:
        """Open a path on the live server and return Playwright's response."""
        return self.page.goto(self.url(path))

    def login(self, user: Any) -> None:
        """Sign in as `user` without the form: a real session cookie is put in the browser."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base_url}])

    def login_with_form(self, username: str, password: str = DEFAULT_PASSWORD) -> Any:
        """Sign in through the login page, as a person would; returns the response of the page landed on."""
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("#login-button")
        return self.page

    def screenshot(self, name: str) -> Path:
        """Full-page screenshot at test-artifacts/screenshots/NAME-{desktop,phone}.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.viewport}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations || []"))

    def assert_clean(self) -> None:
        """No console error, page error or CSP violation so far on this page."""
        found = self.problems + [f"CSP: {v}" for v in self.csp_violations()]
        self.problems.clear()
        self.page.evaluate("window.__cspViolations = []")
        assert not found, "浏览器报告了问题：\n" + "\n".join(found)


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Debian's chromium, for one test. Function-scoped on purpose: Playwright's sync API keeps an event loop
    running in the test thread, which makes Django refuse ORM calls; the switch below lasts for this test only."""
    from playwright.sync_api import sync_playwright

    if shutil.which(CHROMIUM) is None:  # journeys outside tests/browser carry no marker
        pytest.skip(f"{CHROMIUM} 不存在（apt-get install chromium fonts-noto-cjk）")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While the loop runs, Django keys connections by context: close the ones the test body opened.
        connections.close_all()


@pytest.fixture(params=list(VIEWPORTS))
def journey(
    request: pytest.FixtureRequest,
    chromium: Any,
    live_server: Any,
    transactional_db: None,
) -> Iterator[Journey]:
    """A fresh browser context on the live server, once at desktop width and once at phone width."""
    viewport = request.param
    context = chromium.new_context(
        viewport=VIEWPORTS[viewport],
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        is_mobile=viewport == "phone",
    )
    context.set_default_timeout(10_000)
    context.add_init_script(_CSP_LISTENER)
    page = context.new_page()
    j = Journey(page=page, base_url=live_server.url, viewport=viewport)
    page.on(
        "console",
        lambda msg: (
            msg.type == "error" and j.problems.append(f"console: {msg.text} {msg.location.get('url', '')}")
        ),
    )
    page.on("pageerror", lambda exc: j.problems.append(f"pageerror: {exc}"))
    yield j
    leftover = j.problems + [f"CSP: {v}" for v in (j.csp_violations() if not page.is_closed() else [])]
    context.close()
    if leftover:
        pytest.fail("浏览器报告了问题：\n" + "\n".join(leftover))
