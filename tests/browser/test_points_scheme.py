"""Browser journey: the 工委 adds an indicator to a draft scheme, previews its effect, and a member opens a source."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.core.scoring.services import clone_scheme
from ronghe.points import services

pytestmark = pytest.mark.browser


def test_committee_edits_draft_and_previews(journey, cast):
    year = date.today().year
    scheme = services.seed_default_scheme(organization=cast.committee, year=year)
    draft = clone_scheme(scheme=scheme, year=year)
    services.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=scheme.indicators.get(code="task"),
        points="2",
        on=date.today(),
        reason="防汛抢险",
    )
    journey.login(cast.committee_admin)
    journey.goto(f"/points/schemes/{draft.code}/")
    journey.page.get_by_role("link", name="添加指标").click()
    journey.page.fill("#id_code", "blood_donation")
    journey.page.fill("#id_name", "无偿献血")
    journey.page.select_option("#id_dimension", label="履职尽责")
    journey.page.select_option("#id_kind", "entered")
    journey.page.fill("#id_points", "3")
    journey.page.fill("#id_cap_month", "2")
    journey.page.get_by_role("button", name="保存").click()
    journey.page.wait_for_selector("#id_cap_month_error")
    assert "月上限（2）不能低于每次分值（3）" in journey.page.inner_text("#id_cap_month_error")
    journey.screenshot("points-indicator-error")
    journey.problems.clear()  # the 422 of the refused form was provoked on purpose
    journey.page.fill("#id_cap_month", "")
    journey.page.get_by_role("button", name="保存").click()
    journey.page.wait_for_selector("#indicator-blood_donation-row")
    journey.page.fill('input[name="dim-duty-threshold_a"]', "12")
    journey.page.select_option("#whatif-org", label=cast.branch_a.name)
    journey.page.click("#whatif-button")
    journey.page.wait_for_selector("#whatif-result")
    assert "1 人等次或名次变化" in journey.page.inner_text("#whatif-result")
    assert journey.page.input_value('input[name="dim-duty-threshold_a"]') == "12"
    journey.screenshot("points-scheme-whatif")
    journey.assert_clean()


def test_member_opens_the_source_of_a_point(journey, cast):
    year = date.today().year
    scheme = services.seed_default_scheme(organization=cast.committee, year=year)
    services.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=scheme.indicators.get(code="task"),
        points="2",
        on=date.today(),
        reason="防汛抢险",
    )
    journey.login(cast.member_a)
    journey.goto("/points/mine/")
    journey.page.locator("a.entry-source").first.click()
    journey.page.wait_for_selector("#entry-reason")
    assert journey.page.inner_text("#entry-reason") == "防汛抢险"
    journey.screenshot("points-entry-source")
    journey.assert_clean()
