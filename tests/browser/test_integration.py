"""Browser journey: 同步部署 and 同步点评 (issue 14 items 1–3), at desktop and phone width.

The 工委 publishes a work point; unit A's staff open the year's plan, add an integrated and a business task,
and report the plan; the 工委 acknowledges it; the unit reports progress; the 工委 reviews the quarter with a
grade and a 整改 item, and finalizes; the unit's page shows the quarter's grade. Every control is named and
the phone layout never scrolls sideways."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from ronghe.core.rectification.models import Item
from ronghe.integration.models import SyncReview, Task, WorkPlan
from ronghe.orgs.models import Department
from tests.browser.test_ratings import assert_labelled, click_and_wait, no_horizontal_overflow

pytestmark = pytest.mark.browser
TASK = re.compile(r"^任务\*?$")
TARGET = re.compile(r"^目标\*?$")


def test_plan_progress_and_quarterly_review(journey, cast):
    page = journey.page
    page.on("dialog", lambda dialog: dialog.accept())
    today = timezone.localdate()
    year = today.year
    quarter = (today.month - 1) // 3 + 1
    Department.objects.create(unit=cast.unit_a, name="政务服务股", head_name="刘股长")

    # ---- the 工委 publishes a work point
    journey.login(cast.committee_admin)
    journey.goto("/integration/work-points/")
    click_and_wait(journey, page.get_by_role("link", name="新增工作要点"))
    assert_labelled(journey)
    page.get_by_label("序号").fill("1")
    page.get_by_label("要点").fill("推进党建与业务深度融合")
    page.get_by_label("类别").select_option("integrated")
    click_and_wait(journey, page.get_by_role("button", name="保存"))
    click_and_wait(journey, page.get_by_role("button", name="发布 1 条草稿"))
    assert "已发布" in page.inner_text("#messages")

    # ---- unit A opens its plan and adds tasks
    journey.login(cast.secretary_a)
    journey.goto("/integration/plans/create/")
    assert_labelled(journey)
    page.get_by_label("单位").select_option(label="甲局")
    click_and_wait(journey, page.get_by_role("button", name="保存"))
    click_and_wait(journey, page.get_by_role("link", name="添加融合任务"))
    assert_labelled(journey)
    page.get_by_label("对应工作要点").select_option(index=1)
    page.get_by_label(TASK).fill("设立党员先锋岗")
    page.get_by_label("责任主体").select_option("person")
    page.get_by_label("责任人").fill("张书记")
    page.get_by_label("完成时限").fill(f"{year}-12-31")
    page.get_by_label(TARGET).fill("窗口岗位先锋岗3个")
    click_and_wait(journey, page.get_by_role("button", name="保存"))
    click_and_wait(journey, page.get_by_role("link", name="添加业务任务"))
    page.get_by_label(TASK).fill("政务服务事项网上可办")
    page.get_by_label("责任主体").select_option("department")
    page.get_by_label("责任部门").select_option(label="政务服务股")
    page.get_by_label("完成时限").fill(f"{year + 1}-01-31")
    page.get_by_label(TARGET).fill("网办率95%")
    click_and_wait(journey, page.get_by_role("button", name="保存"))
    assert "完成时限须在计划年度" in page.inner_text("main")  # refused: outside the plan's year
    journey.problems.clear()  # the 422 of the refused form
    page.get_by_label("完成时限").fill(f"{year}-12-30")
    click_and_wait(journey, page.get_by_role("button", name="保存"))
    assert page.locator("#column-integrated").get_by_text("设立党员先锋岗").is_visible()
    assert page.locator("#column-business").get_by_text("政务服务事项网上可办").is_visible()
    journey.screenshot("integration-plan")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    click_and_wait(journey, page.get_by_role("button", name="报送工委"))
    plan = WorkPlan.objects.get(unit=cast.unit_a, year=year)
    assert plan.state == "submitted"

    # ---- the 工委 acknowledges
    journey.login(cast.committee_admin)
    journey.goto(f"/integration/plans/{plan.code}/")
    click_and_wait(journey, page.get_by_role("button", name="确认"))
    assert page.inner_text("#plan-state") == "工委已确认"

    # ---- the unit reports progress
    journey.login(cast.secretary_a)
    task = Task.objects.get(title="设立党员先锋岗")
    journey.goto(f"/integration/tasks/{task.code}/")
    assert_labelled(journey)
    page.get_by_label("进展情况").fill("已在两个窗口设立先锋岗")
    page.get_by_label("完成进度（%）").fill("60")
    click_and_wait(journey, page.get_by_role("button", name="提交进展"))
    assert page.inner_text("#task-progress").startswith("60%")

    # ---- the 工委 reviews the quarter, with a 整改 item, and finalizes
    journey.login(cast.committee_admin)
    journey.goto("/integration/reviews/create/")
    page.get_by_label("单位").select_option(label="甲局")
    page.get_by_label("季度").select_option(str(quarter))
    click_and_wait(journey, page.get_by_role("button", name="保存"))
    assert_labelled(journey)
    page.get_by_label("党建工作点评").fill("组织生活规范")
    page.get_by_label("业务工作点评").fill("重点任务按序时推进")
    page.get_by_label("融合情况点评").fill("先锋岗作用明显")
    page.get_by_label("等次").select_option("fairly_good")
    click_and_wait(journey, page.get_by_role("button", name="保存点评"))
    page.get_by_text("下达整改事项").click()
    page.get_by_label("发现的问题").fill("支部学习记录不完整")
    page.get_by_label("整改期限").fill(f"{year}-12-31")
    click_and_wait(journey, page.get_by_role("button", name="下达整改"))
    journey.screenshot("integration-review")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    click_and_wait(journey, page.get_by_role("button", name="定稿"))
    review = SyncReview.objects.get(unit=cast.unit_a)
    assert (review.state, review.grade) == ("finalized", "fairly_good")
    assert Item.objects.get(kind="integration.review").title == "支部学习记录不完整"

    # ---- the unit's page shows the quarter
    journey.goto(f"/orgs/units/{cast.unit_a.code}/")
    assert "较好" in page.inner_text(f"#unit-reviews-{year}")
    journey.screenshot("integration-unit")
    if journey.viewport == "phone":
        no_horizontal_overflow(journey)
    journey.assert_clean()
