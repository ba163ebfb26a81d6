"""Playwright journey: a branch secretary imports a roster with errors, fixes it, commits, sees the members."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.accounts.choices import Role
from ronghe.members.models import Member
from ronghe.orgs.choices import OrgKind
from tests.factories import OrganizationFactory, UserFactory, grant, valid_id_number
from tests.imports.sheets import HEADER, write_xlsx

pytestmark = pytest.mark.browser


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


def test_secretary_imports_fixes_commits_and_sees_members(journey, tmp_path):
    # given a branch secretary of 城关总支
    general = OrganizationFactory(name="城关总支", kind=OrgKind.GENERAL_BRANCH)
    OrganizationFactory(name="城关第一党支部", parent=general)
    secretary = UserFactory(username=f"sec_{journey.viewport}")
    grant(secretary, Role.BRANCH_SECRETARY, general)
    journey.login(secretary)
    page = journey.page

    # when they open the import page from the side navigation and upload a roster with two bad rows
    journey.goto("/")
    if journey.viewport == "phone":
        page.click("[data-bs-target='#sidenav']")
        page.wait_for_selector("#sidenav.show")
    page.get_by_role("link", name="导入名册").click()
    page.select_option("#id_organization", label="城关总支")
    page.set_input_files("#id_file", str(write_xlsx(tmp_path / "城关名册.xlsx", _rows(fixed=False))))
    page.click("#import-upload")
    # the columns as understood come first; they are right, so the secretary confirms them
    page.wait_for_selector("#import-columns")
    page.click("#columns-confirm")
    page.wait_for_selector("#import-errors")
    # then the preview names each bad row, column and problem, and nothing is stored
    errors = page.inner_text("#import-errors")
    assert "第 4 行" in errors and "公民身份号码应为18位" in errors
    assert "第 5 行" in errors and "日期格式无法识别" in errors
    assert page.inner_text("#invalid-count") == "2 行"
    journey.screenshot("import-preview")
    assert Member.objects.count() == 0

    # when they fix the file, upload it again and commit
    page.click("#reupload")
    page.select_option("#id_organization", label="城关总支")
    page.set_input_files("#id_file", str(write_xlsx(tmp_path / "城关名册.xlsx", _rows(fixed=True))))
    page.click("#import-upload")
    page.wait_for_selector("#import-columns")
    page.click("#columns-confirm")
    page.wait_for_selector("#commit-atomic")
    assert page.inner_text("#invalid-count") == "0 行"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#commit-atomic")
    page.wait_for_selector("#imported-members")
    # then the import reports three new members
    assert "导入完成：新增 3 人" in page.inner_text("#import-status")
    journey.screenshot("import-done")

    # when they go on to the roster
    with page.expect_navigation():
        page.click("#go-member-list")
    # then the members list shows the three imported members, in the branch the file named
    assert page.url.startswith(journey.url("/members/"))
    assert page.inner_text("main h1") == "党员名册"
    rows = page.locator("table tbody tr")
    assert rows.count() == 3
    listed = {rows.nth(i).locator("td").first.inner_text().strip() for i in range(3)}
    assert listed == {"陈一", "陈二", "陈三"}
    assert page.locator("table tbody tr", has_text="陈一").inner_text().count("城关第一党支部") == 1
    journey.screenshot("import-member-list")
    journey.assert_clean()
    assert set(Member.objects.values_list("name", flat=True)) == {"陈一", "陈二", "陈三"}


def test_secretary_changes_a_column_then_imports_and_sees_members(journey, tmp_path):
    # given a branch secretary and a roster whose ID column is headed 证件号 (a name no system uses)
    # and whose 入党时间 column holds the branch names (the headers of two columns were swapped)
    general = OrganizationFactory(name="河西总支", kind=OrgKind.GENERAL_BRANCH)
    OrganizationFactory(name="河西第一党支部", parent=general)
    secretary = UserFactory(username=f"map_{journey.viewport}")
    grant(secretary, Role.BRANCH_SECRETARY, general)
    ids = [valid_id_number(date(1975 + i, 6, 7), "女") for i in range(3)]
    rows = [
        ["姓名", "证件号", "性别", "入党时间", "所在党支部"],
        *([f"林{n}", ids[i], "女", "河西第一党支部", "2015-07-01"] for i, n in enumerate("一二三")),
    ]
    path = write_xlsx(tmp_path / "河西名册.xlsx", rows, title="河西总支党员名册")
    journey.login(secretary)
    page = journey.page

    # when they upload it
    journey.goto("/members/io/import/")
    page.select_option("#id_organization", label="河西总支")
    page.set_input_files("#id_file", str(path))
    page.click("#import-upload")
    page.wait_for_selector("#import-columns")

    # then every column shows what it was understood as; the swapped ones are flagged and asked about
    assert "有 1 列的内容与表头不符" in page.inner_text("#columns-undecided")
    assert "表头像“入党日期”，但抽查的 3 个值中只有 0 个像日期" in page.inner_text("#column-3-doubt")
    assert page.input_value("#id_column_1") == "-"  # 证件号: not understood
    journey.screenshot("import-columns")
    # and the column in doubt must be decided before the form goes (a required select)
    assert page.locator("#id_column_3:invalid").count() == 1

    # when they set 证件号 to 公民身份号码 and swap the two columns, then confirm
    page.select_option("#id_column_1", label="公民身份号码")
    page.select_option("#id_column_3", label="所在党组织")
    page.select_option("#id_column_4", label="入党日期")
    journey.screenshot("import-columns-changed")
    page.click("#columns-confirm")
    page.wait_for_selector("#commit-atomic")

    # then the check finds every row valid; they import and see the members in the branch
    assert page.inner_text("#valid-count") == "3 行"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#commit-atomic")
    page.wait_for_selector("#imported-members")
    assert "导入完成：新增 3 人" in page.inner_text("#import-status")
    with page.expect_navigation():
        page.click("#go-member-list")
    rows_shown = page.locator("table tbody tr")
    assert rows_shown.count() == 3
    assert page.locator("table tbody tr", has_text="林一").inner_text().count("河西第一党支部") == 1
    journey.screenshot("import-columns-members")
    journey.assert_clean()
    assert Member.objects.filter(name__startswith="林", organization__name="河西第一党支部").count() == 3
