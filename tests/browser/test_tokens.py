"""Browser journey: the security administrator finds a member's API token and revokes it, at both widths."""

from __future__ import annotations

import pytest

from ronghe.accounts.choices import Role
from ronghe.accounts.models import ApiToken
from ronghe.accounts.services import issue_token
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.browser


def test_security_admin_revokes_a_token(journey, cast):
    # given
    secadmin = UserFactory(username="secadmin", display_name="安全管理员")
    grant(secadmin, Role.SECURITY_ADMIN, cast.committee)
    token = issue_token(user=cast.member_a).token
    issue_token(user=cast.secretary_a)
    journey.login(secadmin)
    # when
    journey.goto("/accounts/tokens/")
    page = journey.page
    assert page.text_content("main h1") == "接口令牌"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    journey.screenshot("token-list")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#token-{token.pk}-row button", has_text="吊销").click()
    page.wait_for_selector(".alert-success")
    # then
    assert "已吊销 mem_a 的令牌" in page.inner_text("main")
    assert page.locator(f"#token-{token.pk}-row").inner_text().count("已吊销") == 1
    journey.screenshot("token-revoked")
    journey.assert_clean()
    token.refresh_from_db()
    assert (token.revoked, token.revoked_reason) == (True, "manual")
    assert ApiToken.objects.filter(revoked=False).count() == 1
