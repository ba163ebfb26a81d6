"""The accessibility gate (GB/T 37668-2019, WCAG 2.1 AA): axe-core over every page of the route enumeration.

Every URL pattern of the site (tests/core/test_routes.py walks them, tests/routes.py URL_SAMPLES fills their
arguments) is opened by every role of the demo county (the standard cast's users, plus a unit administrator,
a judge, a discipline reviewer and a security administrator) that gets an HTML page for it, at desktop width (1366) and phone width (390), and axe-core
must find no serious or critical violation. A new page is held to the gate the moment its route exists.

axe-core comes from the npm lockfile (frontend/node_modules/axe-core, a dev dependency that `make assets`
never copies into static). It is evaluated in the page through the DevTools protocol (`page.evaluate`),
which the page's Content-Security-Policy does not govern: the app's CSP stays as strict as users get it,
and the test browser context does not bypass it.

Cost: one browser, one logged-in context per role, a page is loaded once and checked at both widths by
resizing the viewport. Set RONGHE_A11Y_ONLY=<substring> to check only the paths containing it.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ronghe.accounts.choices import Role
from tests import routes
from tests.browser.conftest import VIEWPORTS
from tests.core.test_routes import _fill, _site_routes
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.browser

AXE_JS = Path(
    os.environ.get("RONGHE_AXE_JS")
    or Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
)
FAILING_IMPACTS = {"serious", "critical"}
REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "accessibility.txt"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Routes that are not pages a person reads: leaving, health, the one-time second-factor step (own test).
NOT_PAGES = {"accounts:logout", "healthz", "accounts:otp-verify"}

_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + n.failureSummary.split("\\n").slice(1, 2).join(""))
  }));
}"""


def axe_source() -> str:
    if not AXE_JS.exists():
        if os.environ.get("RONGHE_REQUIRE_AXE"):
            pytest.fail(f"{AXE_JS} 不存在：先运行 make assets（npm ci）")
        pytest.skip(f"{AXE_JS} 不存在（cd frontend && npm ci）")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """Serious and critical axe violations on the page as it is now (axe is injected once per document)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    found = page.evaluate(_RUN_AXE, AXE_TAGS)
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"    [{v['impact']}] {v['id']}: {v['help']}\n      " + "\n      ".join(v["nodes"])
        for v in violations
    )


@dataclass
class Visit:
    path: str
    roles: list[str]


# Two answers whose markup has the same shape get the same axe findings: the CSRF token, the user's name,
# codes and numbers, and the words of each text run (not whether there is one) are left out of the shape.
_VOLATILE = re.compile(
    rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+|<span[^>]*id="current-user">[^<]*</span>'
)
_CODES = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")
_TEXT = re.compile(rb">[^<]*[^<\s][^<]*<")


_MAIN = re.compile(rb"<main\b.*</main>", re.S)


def _markup_key(body: bytes) -> str:
    """The shape of the page's main content. The rest of a page (top bar, side navigation) is the role's own
    and the same on every page: each role's is checked on the first page it opens (the 工作台)."""
    main = _MAIN.search(body)
    shape = _TEXT.sub(b">x<", _CODES.sub(b"0", _VOLATILE.sub(b"", main.group(0) if main else body)))
    return hashlib.sha1(shape).hexdigest()


def _roles(cast: Any) -> dict[str, Any]:
    """The demo county's roles (`ronghe.demo.generator`), on the standard cast's tree."""
    extra = {}
    for username, role, org in (
        ("unitadmin_a", Role.UNIT_ADMIN, cast.org_a),
        ("judge", Role.JUDGE, cast.committee),
        ("jijian", Role.DISCIPLINE_REVIEWER, cast.committee),
        ("secadmin", Role.SECURITY_ADMIN, cast.committee),
    ):
        extra[role] = UserFactory(username=username)
        grant(extra[role], role, org)
    return {
        "工委管理员": cast.committee_admin,
        "单位党务管理员": extra[Role.UNIT_ADMIN],
        "支部书记": cast.secretary_a,
        "党员": cast.member_a,
        "评委": extra[Role.JUDGE],
        "纪检审核": extra[Role.DISCIPLINE_REVIEWER],
        "审计管理员": cast.auditor,
        "系统管理员": cast.sysadmin,
        "安全管理员": extra[Role.SECURITY_ADMIN],
    }


def _is_page(response: Any) -> bool:
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and response.get("Content-Type", "").startswith("text/html")
        and b"<html" in response.content[:500]
    )


def enumerate_pages(cast: Any, users: dict[str, Any]) -> list[Visit]:
    """Every route of the site that answers an HTML page to GET, with the roles it answers it to. A role whose
    page has the shape of one already taken (the same navigation and markup, only words and numbers differing)
    is left out: axe would find the same."""
    only = os.environ.get("RONGHE_A11Y_ONLY", "")
    clients = {}
    seen: set[str] = set()
    chrome_checked: set[str] = set()
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    visits = [Visit("/accounts/login/", ["匿名"])] if only in "/accounts/login/" else []
    for pattern, name, _ in _site_routes():
        if name in NOT_PAGES or name == "accounts:login":
            continue
        path = _fill(pattern, routes.URL_SAMPLES[name](cast) if "<" in pattern else {})
        if only not in path:
            continue
        roles: list[str] = []
        for role, client in clients.items():
            response = client.get(path)
            if not _is_page(response):
                continue
            key = _markup_key(response.content)
            if key not in seen or role not in chrome_checked:
                seen.add(key)
                chrome_checked.add(role)
                roles.append(role)
        if roles:
            visits.append(Visit(path, roles))
    return visits


# Markup and colours do not depend on the database: CI's SQLite leg runs the gate, its PostgreSQL leg
# (the same pages, ~2-3 minutes) does not, unless RONGHE_A11Y_ON_POSTGRES is set.
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres")
    and not os.environ.get("RONGHE_A11Y_ON_POSTGRES"),
    reason="无障碍检查与数据库无关，只在 SQLite 一轮运行（RONGHE_A11Y_ON_POSTGRES=1 可在 PostgreSQL 上运行）",
)
def test_no_serious_or_critical_violation_on_any_page(chromium, live_server, transactional_db, cast):
    # given: every role, and every page each of them can open
    started = time.monotonic()
    source = axe_source()
    users = _roles(cast)
    visits = enumerate_pages(cast, users)
    enumerated = time.monotonic() - started
    if os.environ.get("RONGHE_A11Y_DRY"):
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text("".join(f"{v.path}\t{'、'.join(v.roles)}\n" for v in visits), encoding="utf-8")
        pytest.skip(
            f"{len(visits)} 个页面，{sum(len(v.roles) for v in visits)} 个页面×角色，枚举 {enumerated:.0f} 秒"
        )
    assert len(visits) >= (1 if os.environ.get("RONGHE_A11Y_ONLY") else 80), [v.path for v in visits]

    # when: each role's browser opens its pages at desktop width, then at phone width
    contexts: dict[str, Any] = {}
    pages: dict[str, Any] = {}
    for role in ["匿名", *users]:
        context = chromium.new_context(
            viewport=VIEWPORTS["desktop"], locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        context.set_default_timeout(15_000)
        if role != "匿名":
            client = Client()
            client.force_login(users[role])
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        contexts[role] = context
        pages[role] = context.new_page()

    failures: list[str] = []
    checked = 0
    spent = {"goto": 0.0, "axe": 0.0}
    for visit in visits:
        for role in visit.roles:
            page = pages[role]
            page.set_viewport_size(VIEWPORTS["desktop"])
            t0 = time.monotonic()
            response = page.goto(live_server.url + visit.path)
            spent["goto"] += time.monotonic() - t0
            assert response is not None
            if response.status != 200:
                failures.append(f"{visit.path} ({role}): HTTP {response.status}")
                continue
            for width in ("desktop", "phone"):
                if width == "phone":
                    page.set_viewport_size(VIEWPORTS["phone"])
                    # app.js re-marks the tables that scroll sideways in the frame after a resize
                    page.evaluate(
                        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
                    )
                t0 = time.monotonic()
                found = axe_violations(page, source)
                spent["axe"] += time.monotonic() - t0
                checked += 1
                if found:
                    failures.append(f"{visit.path} ({role}, {width}):\n{describe(found)}")
    for context in contexts.values():
        context.close()
    elapsed = time.monotonic() - started
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        f"axe-core：{len(visits)} 个页面，{sum(len(v.roles) for v in visits)} 个页面×角色，{checked} 次检查，"
        f"枚举 {enumerated:.0f} 秒，打开页面 {spent['goto']:.0f} 秒，axe {spent['axe']:.0f} 秒，共 {elapsed:.0f} 秒\n"
        + "".join(f"{v.path}\t{'、'.join(v.roles)}\n" for v in visits)
        + "".join(f"\n{f}\n" for f in failures),
        encoding="utf-8",
    )

    # then: nothing serious or critical anywhere
    assert not failures, f"{len(failures)} 处严重无障碍问题（axe-core）：\n" + "\n".join(failures)
