"""Browser journey: a 纪检 user receives a clue about a member, checks it, files the case and decides a
严重警告; the case list, the case page and each step form at desktop and phone width. A branch secretary
of the same subtree then finds no such page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ronghe.accounts.choices import Role
from ronghe.discipline.models import Case, Risk, Sanction
from tests.browser.test_ratings import assert_labelled, click_and_wait, no_horizontal_overflow
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.browser


def test_discipline_records_a_clue_a_case_and_a_sanction(journey, cast):
    page = journey.page
    jijian = UserFactory(username="jijian_a", display_name="李纪检")
    grant(jijian, Role.DISCIPLINE_REVIEWER, cast.org_a)

    # ---- the empty list, reached from the navigation
    journey.login(jijian)
    journey.goto("/discipline/cases/")
    assert page.text_content("h1") == "问题线索和案件"
    assert page.get_by_text("没有符合条件的问题线索或案件").is_visible()
    journey.screenshot("discipline-case-list-empty")

    # ---- 受理
    click_and_wait(journey, page.locator("#case-create"))
    assert_labelled(journey)
    page.get_by_label("被反映人").select_option(label=f"张甲（{cast.branch_a.name}）")
    page.get_by_label("线索来源").select_option("letter")
    page.fill("#id_summary", "群众来信反映该同志在节日期间收受管理服务对象礼金。")
    journey.screenshot("discipline-clue-form")
    click_and_wait(journey, page.get_by_role("button", name="受理"))
    assert "已受理问题线索" in page.inner_text("#messages")
    assert page.inner_text("#case-state") == "受理"
    case = Case.objects.get()

    # ---- 初核, then 立案 (a reason is required: refused first, then given)
    click_and_wait(journey, page.locator("#action-verify"))
    click_and_wait(journey, page.locator("#step-submit"))
    assert page.inner_text("#case-state") == "初核"
    click_and_wait(journey, page.locator("#action-file"))
    click_and_wait(journey, page.locator("#step-submit"))
    assert "立案时请填写立案依据" in page.inner_text("#step-form")
    case.refresh_from_db()
    assert case.state == "verifying"
    journey.problems.clear()  # the refused step answered 422 on purpose
    page.fill("#id_comment", "初核发现反映问题基本属实，予以立案审查。")
    click_and_wait(journey, page.locator("#step-submit"))
    assert page.inner_text("#case-state") == "立案审查"

    # ---- 给予处分: 严重警告, its period computed
    click_and_wait(journey, page.locator("#action-sanction"))
    assert_labelled(journey)
    page.fill("#id_comment", "经审查，违反廉洁纪律，给予严重警告处分。")
    page.get_by_label("处分种类").select_option("serious_warning")
    page.fill("#id_document_number", "纪发〔2026〕9号")
    journey.screenshot("discipline-sanction-form")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    click_and_wait(journey, page.locator("#step-submit"))
    assert page.inner_text("#case-state") == "已作出处分/处理"
    assert "严重警告" in page.inner_text("#case-sanctions")
    assert Sanction.objects.get(case=case).kind == "serious_warning"
    journey.screenshot("discipline-case-detail")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)

    # ---- the list shows it; the 廉政风险点 page is reachable too
    journey.goto("/discipline/cases/")
    assert page.locator(f"#case-{case.code}-row").is_visible()
    journey.screenshot("discipline-case-list")
    risk = Risk.objects.create(
        organization=cast.branch_a,
        post="财务报销审核岗",
        description="报销凭证审核把关不严，存在虚列、套取资金风险",
        level="high",
        measures="双人审核、负责人审批",
        owner="王科长",
        next_review_on=date.today() - timedelta(days=3),
    )
    journey.goto("/discipline/risks/")
    assert page.text_content("h1") == "廉政风险点"
    assert "逾期" in page.inner_text(f"#risk-{risk.code}-row")
    journey.screenshot("discipline-risk-list")
    journey.goto(f"/discipline/risks/{risk.code}/")
    assert_labelled(journey)
    assert page.inner_text("#risk-overdue") == "逾期未复核"
    journey.screenshot("discipline-risk-detail")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    journey.assert_clean()

    # ---- the branch secretary of the same subtree finds nothing
    journey.login(cast.secretary_a)
    response = journey.goto(f"/discipline/cases/{case.code}/")
    assert response.status == 404
    assert "礼金" not in page.content()
    journey.problems.clear()  # the 404 is the point
