"""Browser journey: the year's 融合考核 from opening to the quadrant.

The 工委 opens the assessment (refused without the 党建 weight), sets a unit's KPI; the business system
reports a result through the API with its token; the 工委 runs the 述职评议 with a QR code, an attendee
votes on the phone; the 工委 counts, finalizes the grades, computes the assessment, opens a unit's
reasons and the quadrant; the unit leader sees only their own unit."""

from __future__ import annotations

import json
import urllib.request

import pytest
from django.utils import timezone

from ronghe.accounts.choices import Role
from ronghe.accounts.services import issue_token
from ronghe.assessment.models import Entry
from tests.browser.test_ratings import assert_labelled, click_and_wait, no_horizontal_overflow
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.browser


def _report(journey, token: str, body: dict) -> int:
    request = urllib.request.Request(
        journey.url("/api/v1/integration/kpi-results"),
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 (the live test server)
        return response.status


def test_assessment_from_opening_to_quadrant(journey, cast):
    page = journey.page
    page.on("dialog", lambda dialog: dialog.accept())
    year = timezone.localdate().year
    cast.unit_a.credit_code = "91110000100000000A"
    cast.unit_a.save()
    erp = UserFactory(username="erp")
    grant(erp, Role.BUSINESS_SYSTEM, cast.committee)
    leader = UserFactory(username="leader_a", display_name="甲局局长")
    grant(leader, Role.UNIT_LEADER, cast.org_a)

    # ---- the 工委 opens the year's assessment
    journey.login(cast.committee_admin)
    journey.goto("/assessment/")
    assert page.get_by_text("还没有融合考核").is_visible()
    click_and_wait(journey, page.get_by_role("link", name="开启年度考核"))
    assert_labelled(journey)
    page.get_by_label("年度").fill(str(year))
    click_and_wait(journey, page.get_by_role("button", name="开启"))
    assert "请填写党建在综合考核中的权重" in page.inner_text("main")
    journey.screenshot("assessment-open-refused")
    journey.problems.clear()  # the refused form answers 400 on purpose
    page.get_by_label("党建工作权重（%）").fill("30")
    click_and_wait(journey, page.get_by_role("button", name="开启"))
    assert page.get_by_text("尚未计算考核结果").is_visible()

    # ---- a KPI for 甲局, then the business system reports its result by token
    journey.goto(f"/assessment/kpis/?year={year}")
    assert page.get_by_text("本年度还没有业务指标").is_visible()
    page.locator("#id_unit").select_option(label="甲局")
    page.get_by_label("指标代码").fill("key_projects")
    page.get_by_label("指标名称").fill("重点项目完成数")
    page.get_by_label("目标值").fill("20")
    page.get_by_label("计量单位").fill("项")
    page.get_by_label("权重", exact=False).last.fill("1")
    assert_labelled(journey)
    click_and_wait(journey, page.get_by_role("button", name="保存指标"))
    assert "业务指标已保存" in page.inner_text("#messages")
    token = issue_token(user=erp).secret
    body = {
        "unit": "91110000100000000A",
        "kpi": "key_projects",
        "period": str(year),
        "value": 18,
        "source_system": "ERP",
        "idempotency_key": "erp-journey-1",
    }
    assert _report(journey, token, body) == 201
    assert _report(journey, token, body) == 200  # a retry stores nothing new
    page.reload()
    assert page.locator("#rows").get_by_text("重点项目完成数").is_visible()
    journey.screenshot("assessment-kpis")

    # ---- 述职评议: QR code on the screen, an attendee votes on the phone
    journey.goto("/assessment/debriefs/new/")
    page.get_by_label("年度").fill(str(year))
    page.get_by_label("述职日期").fill(timezone.localdate().isoformat())
    page.get_by_label("甲局（未配备书记）").check()
    click_and_wait(journey, page.get_by_role("button", name="创建"))
    assert "请填写“甲局”的述职人" in page.inner_text("main")  # no secretary on record for 甲局
    journey.problems.clear()
    from ronghe.assessment import debriefs

    rnd = debriefs.create_round(
        actor=cast.committee_admin,
        organization=cast.committee,
        year=year,
        title=f"{year}年度述职评议",
        held_on=timezone.localdate(),
        secretaries=[(cast.unit_a, "王书记", "党组书记")],
    )
    journey.goto(f"/assessment/debriefs/{rnd.code}/")
    page.get_by_label("测评时长（分钟）").fill("30")
    click_and_wait(journey, page.get_by_role("button", name="开始测评"))
    assert page.locator("#vote-qr svg").is_visible()
    journey.screenshot("assessment-vote-qr")
    vote_link = page.locator("#vote-link").get_attribute("href")
    journey.login(cast.member_a)
    page.goto(vote_link)
    assert page.get_by_text("无记名投票").is_visible()
    page.get_by_label("好", exact=True).check()
    assert_labelled(journey)
    no_horizontal_overflow(journey)
    journey.screenshot("assessment-vote-phone")
    click_and_wait(journey, page.get_by_role("button", name="提交测评"))
    assert page.locator("#vote-done").is_visible()
    journey.login(cast.committee_admin)
    journey.goto(f"/assessment/debriefs/{rnd.code}/")
    assert page.locator("#voter-count").inner_text() == "1"
    click_and_wait(journey, page.get_by_role("button", name="结束测评并计票"))
    click_and_wait(journey, page.get_by_role("button", name="确定等次"))
    assert "述职评议等次已确定" in page.inner_text("#messages")

    # ---- compute, read one unit's reasons, the quadrant
    campaign_code = Entry.objects.get(unit=cast.unit_a).campaign.code
    journey.goto(f"/assessment/{campaign_code}/")
    click_and_wait(journey, page.get_by_role("button", name="计算考核结果"))
    assert "已计算 2 个单位" in page.inner_text("#messages")
    journey.screenshot("assessment-results")
    click_and_wait(journey, page.locator("#rows").get_by_role("link", name="甲局"))
    main = page.inner_text("main")
    assert "目标任务完成情况" in main and "重点项目完成数" in main and "90.00%" in main
    assert "书记抓党建述职评议" in main
    journey.screenshot("assessment-unit")
    journey.goto(f"/assessment/{campaign_code}/quadrant/")
    assert page.get_by_role("heading", name="融合象限图").is_visible()
    journey.screenshot("assessment-quadrant")

    # ---- the unit leader sees their own unit only
    journey.login(leader)
    journey.goto(f"/assessment/{campaign_code}/")
    rows = page.inner_text("#rows")
    assert "甲局" in rows and "乙局" not in rows
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    journey.screenshot("assessment-leader")
