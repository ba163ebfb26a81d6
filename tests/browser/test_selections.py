"""Browser journey: a 工委 user runs a selection from opening to announcement.

The 工委 opens “优秀党务工作者” (one place, one nomination per unit, trimmed mean, ties excluded,
no 处分 in the period) and names two judges; unit A is refused a member with a 处分 (the rule named,
nothing of the case shown), nominates another and adds a PDF; unit B nominates; the 工委 closes the
nominations; the judge of unit A sees A's nominee recused, has an out-of-range score refused on the
phone-friendly sheet and scores B's; an outside judge scores both; the 工委 closes scoring (the ranked
list appears), the 纪检 agrees in the joint review, the 工委 starts 公示, closes it when the period is
over and announces; the honours list shows the winner and the certificate downloads as Word."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from ronghe.accounts.choices import Role
from ronghe.core.publicity.models import Publication
from ronghe.selections.choices import CampaignState, NominationState
from ronghe.selections.models import Nomination
from tests.browser.test_ratings import assert_labelled, click_and_wait, no_horizontal_overflow
from tests.discipline.conftest import make_sanction
from tests.factories import MemberFactory, UserFactory, grant

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHEET = {
    "事迹与成效（0–40 分）": "36",
    "示范引领作用（0–30 分）": "26",
    "创新与特色（0–20 分）": "16",
    "群众认可度（0–10 分）": "9",
}


def fill_sheet(page, scores: dict[str, str]) -> None:
    for label, value in scores.items():
        page.get_by_label(label, exact=True).fill(value)


def test_a_selection_from_opening_to_announcement(journey, cast):
    page = journey.page
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompts
    today = timezone.localdate()
    year = today.year
    unit_a = UserFactory(username="unit_a")
    grant(unit_a, Role.UNIT_ADMIN, cast.org_a)
    unit_b = UserFactory(username="unit_b")
    grant(unit_b, Role.UNIT_ADMIN, cast.org_b)
    judge_a = UserFactory(
        username="judge_a",
        display_name="甲局评委",
        member=MemberFactory(name="甲评委", organization=cast.branch_a),
    )
    grant(judge_a, Role.JUDGE, cast.committee)
    judge_x = UserFactory(username="judge_x", display_name="外聘专家")
    grant(judge_x, Role.JUDGE, cast.committee)
    jijian = UserFactory(username="jijian")
    grant(jijian, Role.DISCIPLINE_REVIEWER, cast.committee)
    sanctioned = MemberFactory(name="赵受处分", organization=cast.branch_a)
    make_sanction(sanctioned, "warning", date(year, 1, 5), summary="违规发放津贴")
    MemberFactory(name="钱优秀", organization=cast.branch_a)
    MemberFactory(name="孙先进", organization=cast.branch_b)

    # ---- the 工委 opens the selection
    journey.login(cast.committee_admin)
    journey.goto("/selections/")
    assert page.get_by_text("还没有评选活动").is_visible()
    click_and_wait(journey, page.get_by_role("link", name="开启评选"))
    assert_labelled(journey)
    page.get_by_label("评选年度").fill(str(year))
    page.get_by_label("评选类别").select_option("worker")
    page.get_by_label("评选名额").fill("1")
    page.get_by_label("每单位推荐名额").fill("1")
    page.get_by_label("推荐截止").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("评审截止").fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("评委评分汇总").select_option("trimmed_mean")
    page.get_by_label("名额边界并列时").select_option("exclude")
    page.get_by_label("评选期内无党纪政务处分、未在审查中").check()
    journey.screenshot("selections-campaign-form")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    click_and_wait(journey, page.get_by_role("button", name="开启", exact=True))
    assert f"已开启“{year}年度五个十佳·优秀党务工作者评选”" in page.inner_text("#messages")
    for name in ("甲局评委", "外聘专家"):
        page.get_by_label("添加评委").select_option(label=name)
        click_and_wait(journey, page.get_by_role("button", name="添加", exact=True))
        assert f"已将“{name}”列为评委" in page.inner_text("#messages")
    assert "甲局，回避本单位" in page.inner_text("#judges")
    journey.assert_clean()
    campaign_url = page.url.removeprefix(journey.base_url)

    # ---- unit A: the sanctioned member is refused with the rule named, another is nominated
    journey.login(unit_a)
    journey.goto(campaign_url)
    assert "甲局：已推荐 0 / 1" in page.inner_text("#quota")
    click_and_wait(journey, page.get_by_role("link", name="推荐", exact=True))
    assert_labelled(journey)
    page.get_by_label("推荐党员").select_option(label="赵受处分（甲局第一党支部）")
    page.get_by_label("推荐理由和主要事迹").fill("长期从事党务工作。")
    click_and_wait(journey, page.get_by_role("button", name="推荐", exact=True))
    refusal = page.inner_text("#nomination-form")
    assert "不符合“评选期内无党纪政务处分”条件" in refusal
    assert "违规发放津贴" not in page.content() and "警告" not in refusal
    journey.problems.clear()  # the 422 was provoked on purpose
    journey.screenshot("selections-nomination-refused")
    assert not Nomination.objects.exists()
    page.get_by_label("推荐党员").select_option(label="钱优秀（甲局第一党支部）")
    page.get_by_label("推荐理由和主要事迹").fill("党务台账规范，带领支部获评四星。")
    click_and_wait(journey, page.get_by_role("button", name="推荐", exact=True))
    assert "已推荐“钱优秀”，请补充推荐材料" in page.inner_text("#messages")
    page.get_by_label("上传文件（JPG、PNG、PDF、DOCX、XLSX）").set_input_files(
        {"name": "事迹材料.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    click_and_wait(journey, page.get_by_role("button", name="添加佐证材料"))
    assert "事迹材料.pdf" in page.inner_text("#evidence-list")
    journey.screenshot("selections-nomination")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    journey.assert_clean()

    # ---- unit B nominates
    journey.login(unit_b)
    journey.goto(campaign_url)
    click_and_wait(journey, page.get_by_role("link", name="推荐", exact=True))
    page.get_by_label("推荐党员").select_option(label="孙先进（乙局第一党支部）")
    page.get_by_label("推荐理由和主要事迹").fill("服务群众成效突出。")
    click_and_wait(journey, page.get_by_role("button", name="推荐", exact=True))
    assert "已推荐“孙先进”" in page.inner_text("#messages")
    journey.assert_clean()

    # ---- the 工委 closes the nominations
    journey.login(cast.committee_admin)
    journey.goto(campaign_url)
    click_and_wait(journey, page.get_by_role("button", name="截止推荐、开始评审"))
    assert "推荐已截止，评委开始评审" in page.inner_text("#messages")
    assert page.inner_text("#campaign-state") == "评审中"
    journey.assert_clean()

    # ---- the judge of unit A: A's nominee recused, B's scored on the sheet
    journey.login(judge_a)
    journey.goto("/judging/")
    click_and_wait(journey, page.get_by_role("link", name=re.compile("优秀党务工作者评选评审组")))
    rows = page.inner_text("main")
    assert "钱优秀" in rows and "回避" in rows
    assert page.get_by_role("link", name=re.compile(r"^评分\s*：\s*钱优秀$")).count() == 0
    journey.screenshot("selections-judge-panel")
    click_and_wait(journey, page.get_by_role("link", name=re.compile(r"^评分\s*：\s*孙先进$")))
    assert_labelled(journey)
    fill_sheet(page, SHEET | {"事迹与成效（0–40 分）": "45"})
    click_and_wait(journey, page.get_by_role("button", name="提交评分"))
    assert "“事迹与成效”的分值应在 0–40 之间" in page.inner_text("main")
    journey.problems.clear()
    journey.screenshot("selections-judge-sheet-error")
    page.get_by_label("事迹与成效（0–40 分）").fill("30")
    journey.screenshot("selections-judge-sheet")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    click_and_wait(journey, page.get_by_role("button", name="提交评分"))
    assert "已保存对“孙先进”的评分" in page.inner_text("#messages")
    journey.assert_clean()

    # ---- the outside judge scores both (sees nothing of the other judge's sheet)
    journey.login(judge_x)
    journey.goto("/judging/")
    click_and_wait(journey, page.get_by_role("link", name=re.compile("优秀党务工作者评选评审组")))
    click_and_wait(journey, page.get_by_role("link", name=re.compile(r"^评分\s*：\s*孙先进$")))
    assert page.get_by_label("事迹与成效（0–40 分）").input_value() == ""
    fill_sheet(page, SHEET | {"事迹与成效（0–40 分）": "28"})
    click_and_wait(journey, page.get_by_role("button", name="提交评分"))
    click_and_wait(journey, page.get_by_role("link", name=re.compile(r"^评分\s*：\s*钱优秀$")))
    fill_sheet(page, SHEET)
    click_and_wait(journey, page.get_by_role("button", name="提交评分"))
    assert "已保存对“钱优秀”的评分" in page.inner_text("#messages")
    journey.assert_clean()

    # ---- the 工委 closes scoring: the ranked list
    journey.login(cast.committee_admin)
    journey.goto(campaign_url)
    page.get_by_label("联审答复截止").fill((today + timedelta(days=3)).isoformat())
    click_and_wait(journey, page.get_by_role("button", name="结束评分、提交联审"))
    assert "评分已结束，入选名单已提交联审" in page.inner_text("#messages")
    table = page.inner_text("#nominees")
    assert "钱优秀" in table and "87.00" in table and "入选" in table  # 36 + 26 + 16 + 9
    assert "孙先进" in table and "80.00" in table  # (30 + 28) / 2 + 51: two judges, the plain mean
    journey.screenshot("selections-ranked")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    journey.assert_clean()

    # ---- the 纪检 agrees
    journey.login(jijian)
    journey.goto("/jointreview/")
    click_and_wait(journey, page.get_by_role("link", name=re.compile("优秀党务工作者评选联审")))
    page.get_by_label(re.compile(r"^意见")).select_option("agree")
    click_and_wait(journey, page.get_by_role("button", name="提交意见"))
    assert page.inner_text("#review-state") == "已通过"
    journey.assert_clean()

    # ---- 公示, then the announcement once the period is over
    journey.login(cast.committee_admin)
    journey.goto(campaign_url)
    click_and_wait(journey, page.get_by_role("button", name="联审通过，开始公示"))
    assert "拟表彰名单已公示" in page.inner_text("#messages")
    assert page.inner_text("#campaign-state") == "公示中"
    publication = Publication.objects.get(kind="selections.campaign")
    with time_machine.travel(publication.ends_on + timedelta(days=1), tick=True):
        journey.login(cast.committee_admin)
        journey.goto(campaign_url)
        click_and_wait(journey, page.get_by_role("link", name="查看公示与异议"))
        click_and_wait(journey, page.get_by_role("button", name="结束公示"))
        assert page.inner_text("#publication-state") == "已结束"
        journey.goto(campaign_url)
        click_and_wait(journey, page.get_by_role("button", name="公布结果"))
        assert "评选结果已公布" in page.inner_text("#messages")
        assert page.inner_text("#campaign-state") == "已公布"
        honours = page.inner_text("#honours")
        assert "钱优秀" in honours and f"{year}-worker-001" in honours
        journey.screenshot("selections-announced")
        if journey.viewport == "phone":
            no_horizontal_overflow(journey)
        with page.expect_download() as download:
            page.get_by_role("link", name="证书（Word）").click()
        assert download.value.suggested_filename.endswith(".docx")
        journey.assert_clean()
    winner = Nomination.objects.get(title="钱优秀")
    assert winner.state == NominationState.AWARDED and winner.campaign.state == CampaignState.ANNOUNCED
