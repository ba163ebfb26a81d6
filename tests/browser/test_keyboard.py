"""Keyboard-only journeys (GB/T 37668 / WCAG 2.1.1, 2.4.1, 2.4.3, 3.3.1): no mouse, no `fill`, no `click`.

A secretary records a meeting and a member submits a points claim with Tab, Enter, arrow keys and typing
alone. Each starts at the skip link, reaches the form in a few Tabs, submits it once with a mistake (the page
title then starts with "错误：", the error summary is announced and the focus is on the first invalid field),
corrects it there and submits again. Both run at desktop and phone width (the `journey` fixture).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ronghe.orglife.models import Meeting
from ronghe.points import services as points
from ronghe.points.models import Claim

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")


def focused(page) -> dict[str, str]:  # noqa: ANN001
    return page.evaluate(
        """() => { const e = document.activeElement;
          return {id: e.id || "", tag: e.tagName, text: (e.textContent || "").trim().slice(0, 40),
                  name: e.getAttribute("name") || "", invalid: e.getAttribute("aria-invalid") || ""}; }"""
    )


def tab_to(page, css: str, limit: int) -> int:  # noqa: ANN001
    """Press Tab until the element matching `css` has the focus; return how many Tabs it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("css => document.activeElement && document.activeElement.matches(css)", css):
            return presses
    pytest.fail(f"{limit} 次 Tab 仍未到达 {css}（焦点在 {focused(page)}）")


def skip_to_main(page) -> None:  # noqa: ANN001
    """The first Tab on a page lands on the skip link; Enter moves the focus into the main content. (A page
    reached from the main content by a form without an action keeps the #main-content of the URL, and the
    browser starts there: the first Tab is already in the main content.)"""
    page.keyboard.press("Tab")
    if page.url.endswith("#main-content"):
        assert page.evaluate("!!document.activeElement.closest('main')"), focused(page)
        page.keyboard.press("Shift+Tab")
        return
    assert focused(page)["text"] == "跳到主要内容"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"


def press_enter_and_wait(page) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_secretary_records_a_meeting_by_keyboard(journey, cast):
    page = journey.page
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=TZ), tick=True):
        journey.login(cast.secretary_a)
        journey.goto("/orglife/meetings/")

        # given: the skip link, then a few Tabs to 记录会议 and to the branch
        skip_to_main(page)
        tab_to(page, "#meeting-create-link", limit=8)
        press_enter_and_wait(page)
        skip_to_main(page)
        tab_to(page, f"a[href*='{cast.branch_a.code}']", limit=12)
        press_enter_and_wait(page)

        # when: the list is generated for today's date (prefilled in ISO, so the date field shows it)
        skip_to_main(page)
        tab_to(page, "#proposal-on", limit=6)
        assert page.input_value("#proposal-on") == "2026-12-02"
        tab_to(page, "#proposal-form button", limit=6)  # past the date's year, month and day
        press_enter_and_wait(page)

        # and: the title typed, the start taken as proposed (09:00), nobody marked, the form sent
        skip_to_main(page)
        assert tab_to(page, "#id_kind", limit=12) <= 12
        page.keyboard.press("Tab")
        assert focused(page)["id"] == "id_title"
        page.keyboard.type("十二月党员大会")
        assert page.input_value("#id_held_at") == "2026-12-02T09:00"
        tab_to(page, "#meeting-save", limit=40)
        press_enter_and_wait(page)

        # then: the page says it failed, and the summary is announced and has the focus
        journey.problems.clear()  # the browser logs the 400 answer of a refused form
        assert page.title().startswith("错误：")
        summary = page.locator("[data-error-summary]")
        assert summary.get_attribute("role") == "alert"
        assert "还有 1 名应到人员未标记出席情况" in summary.inner_text()
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        journey.screenshot("keyboard-meeting-error")

        # when: the member is marked present with the arrow key and the form sent again
        tab_to(page, f"select[name='att-{cast.member_a_record.pk}']", limit=40)
        page.keyboard.press("ArrowDown")  # 未标记 → 出席
        tab_to(page, "#meeting-save", limit=6)
        press_enter_and_wait(page)

    # then: the meeting is recorded, held, with the member present
    assert "错误" not in page.title()
    meeting = Meeting.objects.get(title="十二月党员大会")
    assert (meeting.organization, meeting.state) == (cast.branch_a, "held")
    assert list(meeting.attendances.values_list("status", flat=True)) == ["present"]
    journey.screenshot("keyboard-meeting-recorded")


def test_member_submits_a_claim_by_keyboard(journey, cast):
    page = journey.page
    points.seed_default_scheme(organization=cast.committee, year=datetime.now(TZ).year)
    journey.login(cast.member_a)
    journey.goto("/points/mine/")

    # given: the skip link, then a few Tabs to 申报积分
    skip_to_main(page)
    tab_to(page, "#claim-create-link", limit=6)
    press_enter_and_wait(page)

    # when: the claim is filled by keyboard with a negative score
    skip_to_main(page)
    tab_to(page, "#id_indicator", limit=6)
    # the indicator worth 3 (issue 16: a claim's score is the indicator's); chosen by its label, as typing
    # Chinese into a select's type-ahead is unreliable headless; the focus stays on the select
    options = page.eval_on_selector("#id_indicator", "s => [...s.options].map(o => [o.value, o.text])")
    article = next(value for value, text in options if "撰写理论文章" in text)
    page.select_option("#id_indicator", value=article)
    page.keyboard.press("Tab")
    date_value = page.input_value("#id_occurred_on")
    assert (
        date_value == datetime.now(TZ).date().isoformat()
    )  # prefilled, in the one format a date input takes
    tab_to(page, "#id_points", limit=4)  # past the date's year, month and day
    page.keyboard.type("-3")
    page.keyboard.press("Tab")
    page.keyboard.type("撰写学习心得一篇")
    tab_to(page, "#claim-submit", limit=6)
    press_enter_and_wait(page)

    # then: 错误 in the title, the summary names the field, the focus is on it
    journey.problems.clear()  # the browser logs the 422 answer of a refused form
    assert page.title().startswith("错误：")
    assert "申报分值必须大于 0" in page.locator("[data-error-summary]").inner_text()
    now = focused(page)
    assert (now["id"], now["invalid"]) == ("id_points", "true")
    journey.screenshot("keyboard-claim-error")

    # when: the score is corrected where the focus is
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    tab_to(page, "#claim-submit", limit=8)
    press_enter_and_wait(page)

    # then: the claim waits for review
    assert page.inner_text("#claim-state") == "待审核"
    assert "错误" not in page.title()
    claim = Claim.objects.get(member=cast.member_a_record)
    assert (str(claim.points), claim.description) == ("3.00", "撰写学习心得一篇")
    journey.screenshot("keyboard-claim-submitted")
