"""Browser journey: a year's branch star rating from opening to naming.

The 工委 seeds the default scheme and opens the campaign; the branch secretary fills the self-assessment,
is refused without evidence, uploads a PDF and submits; the unit admin passes 初审; a judge scores (a score
out of range refused first); the 工委 evaluates, proposes, the 纪检 agrees, the 工委 starts 公示, closes it
once the period is over (time travels) and names; the branch's star card shows each star with its reason
and the certificate downloads as Word. Every form control met on the way must have an accessible name."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from ronghe.accounts.choices import Role
from ronghe.core.publicity.models import Publication
from ronghe.ratings.choices import CampaignState, EntryState
from ronghe.ratings.models import Entry
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Every visible control must be named for assistive technology (label, aria-label or aria-labelledby).
_UNLABELLED = """
() => Array.from(document.querySelectorAll("main input, main select, main textarea"))
  .filter(el => el.type !== "hidden" && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                && !el.getAttribute("aria-labelledby") && !el.getAttribute("title"))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 80))
"""


def assert_labelled(journey) -> None:
    unlabelled = journey.page.evaluate(_UNLABELLED)
    assert not unlabelled, f"没有可访问名称的表单控件：{unlabelled}（{journey.page.url}）"


def no_horizontal_overflow(journey) -> None:
    """At phone width nothing but a .table-responsive may scroll sideways."""
    width = journey.page.evaluate("document.documentElement.scrollWidth")
    assert width <= journey.page.viewport_size["width"] + 1, f"页面横向溢出（{width}px）：{journey.page.url}"


def click_and_wait(journey, locator) -> None:
    with journey.page.expect_navigation():
        locator.click()


def test_campaign_from_opening_to_naming(journey, cast):
    page = journey.page
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompts
    today = timezone.localdate()
    year = today.year
    unit_admin = UserFactory(username="unit_a")
    grant(unit_admin, Role.UNIT_ADMIN, cast.org_a)
    judge = UserFactory(username="judge1", display_name="王评委")
    grant(judge, Role.JUDGE, cast.committee)
    jijian = UserFactory(username="jijian")
    grant(jijian, Role.DISCIPLINE_REVIEWER, cast.committee)

    # ---- the 工委 opens the campaign
    journey.login(cast.committee_admin)
    journey.goto("/ratings/")
    assert page.get_by_text("还没有评星活动").is_visible()
    click_and_wait(journey, page.get_by_role("link", name="开启评星活动"))
    click_and_wait(journey, page.get_by_role("button", name=f"建立 {year} 年度默认评星方案"))
    assert "已建立" in page.inner_text("#messages")
    assert_labelled(journey)
    page.get_by_label("年度").fill(str(year))
    page.get_by_label("评星方案").select_option(index=1)
    page.get_by_label("自评申星截止").fill((today + timedelta(days=10)).isoformat())
    page.get_by_label("初审截止").fill((today + timedelta(days=20)).isoformat())
    page.get_by_label("考评截止").fill((today + timedelta(days=30)).isoformat())
    page.get_by_label("公示期（工作日）").fill("5")
    journey.screenshot("ratings-campaign-form")
    click_and_wait(journey, page.get_by_role("button", name="开启", exact=True))
    assert f"已开启“{year}年度支部评星定级”，2 个支部参加" in page.inner_text("#messages")
    rows = page.locator("#rows")
    assert rows.get_by_role("link", name="甲局第一党支部").is_visible()
    assert rows.get_by_role("link", name="乙局第一党支部").is_visible()
    assert_labelled(journey)
    page.get_by_label("添加评委").select_option(label="王评委")
    click_and_wait(journey, page.get_by_role("button", name="添加", exact=True))
    assert "已将“王评委”列为评委" in page.inner_text("#messages")
    assert page.locator("#no-judge-candidates").is_visible()  # nobody else to add
    journey.screenshot("ratings-campaign-open")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    journey.assert_clean()
    entry = Entry.objects.get(campaign__year=year, organization=cast.branch_a)

    # ---- the branch secretary self-assesses
    journey.login(cast.secretary_a)
    journey.goto(f"/ratings/entries/{entry.code}/")
    assert_labelled(journey)
    page.get_by_label("申报星级").select_option("4")
    page.get_by_label("自评情况").fill("全年开展主题党日 12 次，三会一课按期召开。")
    page.get_by_label("理论学习与政治建设（自评，0–15）").fill("13")
    click_and_wait(journey, page.get_by_role("button", name="保存并提交申报"))
    assert "至少提交一份佐证材料" in page.inner_text("#self-form")
    journey.problems.clear()  # the 422 of the refused submission was provoked on purpose
    journey.screenshot("ratings-self-assessment-error")
    page.get_by_label("上传文件（JPG、PNG、PDF、DOCX、XLSX）").set_input_files(
        {"name": "自评材料.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("说明（可选）").fill("年度工作总结")
    click_and_wait(journey, page.get_by_role("button", name="添加佐证材料"))
    assert "佐证材料已添加" in page.inner_text("#messages")
    assert page.get_by_label("自评情况").input_value().startswith("全年开展主题党日")  # saved by the refusal
    journey.screenshot("ratings-self-assessment")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    click_and_wait(journey, page.get_by_role("button", name="保存并提交申报"))
    assert "已提交自评申星，等待初审" in page.inner_text("#messages")
    assert page.inner_text("#entry-state") == "待初审"
    journey.assert_clean()

    # ---- the unit admin passes 初审
    journey.login(unit_admin)
    journey.goto(f"/ratings/entries/{entry.code}/")
    assert_labelled(journey)
    page.get_by_label("意见", exact=True).fill("材料齐全")
    click_and_wait(journey, page.get_by_role("button", name="初审通过"))
    assert "初审通过，已转工委评定" in page.inner_text("#messages")
    journey.assert_clean()

    # ---- the judge scores from /judging/
    journey.login(judge)
    journey.goto("/judging/")
    click_and_wait(journey, page.get_by_role("link", name=f"{year}年度支部评星定级评审组"))
    journey.screenshot("ratings-judge-panel")
    click_and_wait(journey, page.get_by_role("link", name=re.compile(r"^评分\s*：\s*甲局第一党支部$")))
    assert_labelled(journey)
    scores = {
        "理论学习与政治建设（0–15 分）": "13",
        "作风纪律与廉洁自律（0–15 分）": "10",
        "群众满意度（%）（0–100 分）": "85",
        "业务工作实绩与党建业务融合（0–20 分）": "25",
        "党建品牌与特色（0–10 分）": "5",
        "党建创新项目（有为 1）（0–1 分）": "0",
    }
    for label, value in scores.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("评语").fill("材料齐全，业务融合有亮点")
    click_and_wait(journey, page.get_by_role("button", name="提交评分"))
    assert "“业务工作实绩与党建业务融合”的分值应在 0–20 之间" in page.inner_text("main")
    journey.problems.clear()  # the 422 was provoked on purpose
    journey.screenshot("ratings-judge-sheet-error")
    page.get_by_label("业务工作实绩与党建业务融合（0–20 分）").fill("17")
    click_and_wait(journey, page.get_by_role("button", name="提交评分"))
    assert "已保存对“甲局第一党支部”的评分" in page.inner_text("#messages")
    journey.assert_clean()

    # ---- the 工委 evaluates, proposes
    journey.login(cast.committee_admin)
    journey.goto(f"/ratings/entries/{entry.code}/")
    assert_labelled(journey)
    page.get_by_label("评定意见").fill("同意评定")
    click_and_wait(journey, page.get_by_role("button", name="评定", exact=True))
    assert "已评定：总分" in page.inner_text("#messages")
    assert "拟评 2 星" in page.inner_text("#entry-level")
    journey.screenshot("ratings-entry-evaluated")
    journey.goto(f"/ratings/{entry.campaign.code}/")
    page.get_by_label("联审截止日期").fill((today + timedelta(days=7)).isoformat())
    click_and_wait(journey, page.get_by_role("button", name="确定拟评星级并提交联审"))
    assert "已按名额确定拟评星级并提交联审" in page.inner_text("#messages")
    journey.assert_clean()

    # ---- the 纪检 agrees
    journey.login(jijian)
    review_link = f"/jointreview/{_review_code(entry)}/"
    journey.goto(review_link)
    assert_labelled(journey)
    page.get_by_label(re.compile(r"^意见")).select_option("agree")
    journey.screenshot("ratings-joint-review")
    click_and_wait(journey, page.get_by_role("button", name="提交意见"))
    assert page.inner_text("#review-state") == "已通过"
    journey.assert_clean()

    # ---- the 工委 starts 公示
    journey.login(cast.committee_admin)
    journey.goto(f"/ratings/{entry.campaign.code}/")
    click_and_wait(journey, page.get_by_role("button", name="联审通过，开始公示"))
    assert "评星结果已开始公示" in page.inner_text("#messages")
    assert page.inner_text("#campaign-state") == "公示中"
    journey.assert_clean()
    publication = Publication.objects.get(object_id=entry.campaign_id)

    # ---- the period is over: the 工委 closes the 公示 and names
    with time_machine.travel(publication.ends_on + timedelta(days=1), tick=True):
        journey.login(cast.committee_admin)  # the idle timeout ended the earlier session
        journey.goto(f"/ratings/{entry.campaign.code}/")
        click_and_wait(journey, page.get_by_role("link", name="查看公示与异议"))
        click_and_wait(journey, page.get_by_role("button", name="结束公示"))
        assert page.inner_text("#publication-state") == "已结束"
        journey.screenshot("ratings-publication-closed")
        journey.goto(f"/ratings/{entry.campaign.code}/")
        click_and_wait(journey, page.get_by_role("button", name="命名授星"))
        assert "已命名授星，结果已冻结" in page.inner_text("#messages")
        journey.screenshot("ratings-campaign-named")
        if journey.viewport == "phone":
            no_horizontal_overflow(journey)
        journey.assert_clean()

        # ---- the branch sees its star card and downloads the certificate
        journey.login(cast.secretary_a)
        journey.goto(f"/ratings/entries/{entry.code}/")
        card = page.inner_text("#entry-level")
        assert "2 星" in card and "已命名" in card
        stars = page.locator("#star-list li")
        assert stars.count() == 5
        text = page.inner_text("#star-list")
        assert "政治坚定星" in text and "实干担当星" in text
        assert "作风优良星" in text and "未达到" in text
        # the breakdown: derived values link to the records they were counted from
        # (a column at desktop, under the indicator's name on phone)
        sources = page.eval_on_selector_all(
            "details a",
            "els => els.filter(e => e.offsetParent !== null).map(e => e.textContent + ' ' + e.getAttribute('href'))",
        )
        assert any("/orglife/compliance/" in s for s in sources), sources  # 组织生活完成率 → 落实情况
        assert_labelled(journey)
        journey.screenshot("ratings-star-card")
        if journey.viewport == "phone":
            no_horizontal_overflow(journey)
        with page.expect_download() as download:
            page.get_by_role("link", name="星级证书（Word）").click()
        assert download.value.suggested_filename.endswith(".docx")
        journey.assert_clean()
    entry.refresh_from_db()
    assert entry.state == EntryState.NAMED and entry.current_level == 2
    assert entry.campaign.state == CampaignState.NAMED


def _review_code(entry: Entry) -> str:
    from ronghe.ratings import services

    return str(services.review_of(entry.campaign).code)


def test_editing_a_draft_schemes_indicators(journey, cast):
    """The 工委 copies the active scheme, adds an automatically collected indicator (a range upside
    down refused first), is refused deleting one a star names, deletes another and edits a dimension."""
    from ronghe.core.scoring.models import Scheme
    from ronghe.ratings import defaults, services

    page = journey.page
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompts
    active = services.seed_default_scheme(
        organization=cast.committee, year=timezone.localdate().year, actor=cast.committee_admin
    )
    journey.login(cast.committee_admin)
    journey.goto(f"/ratings/schemes/{active.code}/")
    assert page.get_by_role("link", name="添加指标").count() == 0  # active: read only
    click_and_wait(journey, page.get_by_role("button", name="复制为草稿"))
    assert "草稿" in page.inner_text("#messages")
    draft = Scheme.objects.get(purpose=active.purpose, status="draft")

    click_and_wait(journey, page.get_by_role("link", name="添加指标"))
    assert_labelled(journey)
    page.get_by_label("指标代码").fill("vanguard")
    page.get_by_label("指标名称").fill("先锋岗任务完成")
    page.get_by_label("所属维度").select_option(label="实干担当")
    page.get_by_label("类型").select_option(label="自动采集")
    page.get_by_label("自动采集来源").select_option(label="党员先锋岗、突击队任务完成数（个）")
    page.get_by_label("权重").fill("2")
    page.get_by_label("取值下限").fill("10")
    page.get_by_label("取值上限").fill("5")
    click_and_wait(journey, page.get_by_role("button", name="保存"))
    assert "上限不能低于下限" in page.inner_text("main")
    journey.problems.clear()  # the 422 of the refused form was provoked on purpose
    page.get_by_label("取值下限").fill("0")
    journey.screenshot("ratings-scheme-indicator-form")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    click_and_wait(journey, page.get_by_role("button", name="保存"))
    assert "指标已添加" in page.inner_text("#messages")
    row = page.locator(f"#indicator-{draft.indicators.get(code='vanguard').pk}-row")
    assert "来源：党员先锋岗、突击队任务完成数" in row.inner_text()

    click_and_wait(journey, page.get_by_role("button", name="删除指标“群众满意度（%）”"))
    assert "用于定级规则中的“作风优良星”的评定条件" in page.inner_text("#messages")
    click_and_wait(journey, page.get_by_role("button", name="删除指标“5A 党员占比（%）”"))
    assert "指标“5A 党员占比（%）”已删除" in page.inner_text("#messages")

    click_and_wait(journey, page.get_by_role("link", name="编辑维度“品牌示范”"))
    assert_labelled(journey)
    page.get_by_label("维度名称").fill("品牌创建")
    page.get_by_label("权重").fill("1.5")
    click_and_wait(journey, page.get_by_role("button", name="保存"))
    assert "维度“品牌示范”已保存" in page.inner_text("#messages")
    assert "品牌创建" in page.inner_text(f"#dimension-{draft.dimensions.get(code='brand').pk}-row")
    journey.screenshot("ratings-scheme-draft")
    box = page.get_by_role("button", name="删除指标“理论学习与政治建设”").bounding_box()
    assert box["x"] + box["width"] <= page.viewport_size["width"]  # the table fits: no sideways scroll
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    journey.assert_clean()
    kept = [code for code, *_ in defaults.INDICATORS if code != "share_5a"]
    assert sorted(draft.indicators.values_list("code", flat=True)) == sorted([*kept, "vanguard"])
