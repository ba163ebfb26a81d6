"""Login → home (counts and the ECharts chart) → logout, at desktop and phone width."""

import pytest
from django.utils import timezone

from ronghe.core.models import AuditEntry
from ronghe.orglife.models import Meeting

pytestmark = pytest.mark.browser


def test_login_home_logout(journey, cast):
    # given: a meeting this month in A
    Meeting.objects.create(
        organization=cast.branch_a, kind="theme_day", title="主题党日", held_at=timezone.now()
    )
    page = journey.page
    # when: the secretary signs in through the form
    journey.goto("/")
    assert "/accounts/login/" in page.url
    journey.screenshot("login")
    journey.login_with_form("sec_a")
    # then: home shows the real counts of subtree A and a rendered chart
    assert page.url == journey.url("/")
    assert page.text_content("#stat-orgs") == "2"
    assert page.text_content("#stat-members") == "1"
    assert page.text_content("#stat-meetings") == "1"
    page.wait_for_selector("#age-chart canvas, #age-chart svg", state="attached")
    journey.screenshot("home")
    journey.assert_clean()
    # when: the secretary logs out (on a phone the logout button sits in the top bar as well)
    with page.expect_navigation():
        page.click("#logout-button")
    # then
    assert "/accounts/login/" in page.url
    assert AuditEntry.objects.filter(event="auth.login", actor_username="sec_a").count() == 1
    assert AuditEntry.objects.filter(event="auth.logout", actor_username="sec_a").count() == 1
    assert journey.goto("/").url.startswith(journey.url("/accounts/login/"))


def test_wrong_password_stays_on_login_with_message(journey, cast):
    journey.login_with_form("sec_a", "wrong-password")
    assert "用户名或密码错误" in journey.page.text_content("form")
    journey.screenshot("login-failed")


def test_navigation_and_wide_table_on_phone(journey, cast):
    from ronghe.core import audit

    for i in range(3):
        audit.record("member.update", username=f"sec_a{i}", object_type="members.member", object_id=str(i))
    journey.login(cast.auditor)
    journey.goto("/audit/")
    page = journey.page
    # the page itself never scrolls sideways; a wide table scrolls inside its own box
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= page.viewport_size["width"]
    table_box = page.eval_on_selector(".table-responsive", "el => [el.scrollWidth, el.clientWidth]")
    journey.screenshot("audit-list")
    if journey.viewport == "phone":
        assert table_box[0] > table_box[1]  # the table is wider than the phone and scrolls in its box
        # and the box takes the keyboard focus, so the arrow keys scroll it
        assert page.get_attribute(".table-responsive", "tabindex") == "0"
        assert not page.is_visible("#sidenav .nav-link")
        assert page.get_attribute("#sidenav-toggle", "aria-expanded") == "false"
        page.click("#sidenav-toggle")
        page.wait_for_selector("#sidenav.show")
        assert page.is_visible("#sidenav .nav-link")
        page.wait_for_function(
            "document.getElementById('sidenav-toggle').getAttribute('aria-expanded') === 'true'"
        )
        journey.screenshot("audit-list-nav-open")
    else:
        assert page.is_visible("#sidenav .nav-link")
    journey.assert_clean()
