"""Playwright journey: a branch secretary imports a roster with errors, fixes it, commits, sees the members."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ronghe.accounts.choices import Role
from ronghe.members.models import Member
from ronghe.orgs.choices import OrgKind
from tests.factories import OrganizationFactory, UserFactory, grant, valid_id_number
from tests.imports.sheets import HEADER, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("test-artifacts/screenshots")


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # the sync API runs an event loop in this thread; the test's own ORM calls are still synchronous
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def _rows(fixed: bool):
    ids = [valid_id_number(date(1980 + i, 3, 4), "男") for i in range(3)]
    return [
        HEADER,
        [
            "陈一",
            "男",
            ids[0],
            None,
            "汉族",
            "本科",
            "2019-07-01",
            "2020-07-01",
            "城关第一党支部",
            "13800001111",
        ],
        [
            "陈二",
            "男",
            ids[1] if fixed else ids[1][:-1],
            None,
            "汉族",
            "大专",
            "2019/7/1",
            "",
            "城关第一党支部",
            "",
        ],
        ["陈三", "男", ids[2], None, "", "", "2018年7月1日" if fixed else "去年", "2019.7", "", ""],
    ]


@pytest.mark.parametrize(("label", "viewport"), [("desktop", (1366, 900)), ("phone", (390, 844))])
def test_secretary_imports_fixes_and_commits(live_server, browser, tmp_path, label, viewport):
    # given a branch secretary of 城关总支
    general = OrganizationFactory(name="城关总支", kind=OrgKind.GENERAL_BRANCH)
    OrganizationFactory(name="城关第一党支部", parent=general)
    secretary = UserFactory(username=f"sec_{label}")
    grant(secretary, Role.BRANCH_SECRETARY, general)
    client = Client()
    client.force_login(secretary)
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()

    # when they upload a roster with two bad rows
    page.goto(f"{live_server.url}/members/io/import/")
    page.select_option("#id_organization", label="城关总支")
    page.set_input_files("#id_file", str(write_xlsx(tmp_path / "城关名册.xlsx", _rows(fixed=False))))
    page.click("#import-upload")
    page.wait_for_selector("#import-errors")
    # then the preview names each bad row, column and problem
    errors = page.inner_text("#import-errors")
    assert "第 4 行" in errors and "公民身份号码应为18位" in errors
    assert "第 5 行" in errors and "日期格式无法识别" in errors
    assert page.inner_text("#invalid-count") == "2 行"
    page.screenshot(path=str(SHOTS / f"import-preview-{label}.png"), full_page=True)
    assert Member.objects.count() == 0

    # when they fix the file and upload it again
    page.click("#reupload")
    page.select_option("#id_organization", label="城关总支")
    page.set_input_files("#id_file", str(write_xlsx(tmp_path / "城关名册.xlsx", _rows(fixed=True))))
    page.click("#import-upload")
    page.wait_for_selector("#commit-atomic")
    assert page.inner_text("#invalid-count") == "0 行"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#commit-atomic")
    page.wait_for_selector("#imported-members")
    # then the members are listed and stored
    status = page.inner_text("#import-status")
    assert "导入完成：新增 3 人" in status
    table = page.inner_text("#imported-members")
    for name in ("陈一", "陈二", "陈三"):
        assert name in table
    page.screenshot(path=str(SHOTS / f"import-done-{label}.png"), full_page=True)
    assert set(Member.objects.values_list("name", flat=True)) == {"陈一", "陈二", "陈三"}
    context.close()
