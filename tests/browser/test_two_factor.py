"""Browser journey (AUTH-8): an administrator binds an authenticator after the password, keeps the
recovery codes, and signs in again with a code, at both widths."""

from __future__ import annotations

import time

import pyotp
import pytest

from ronghe.accounts.choices import Role
from ronghe.accounts.models import OtpDevice, RecoveryCode
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.browser


def test_admin_enrols_and_signs_in_with_a_code(journey, cast):
    # given: a security administrator without an authenticator
    secadmin = UserFactory(username="secadmin", display_name="安全管理员")
    grant(secadmin, Role.SECURITY_ADMIN, cast.committee)
    page = journey.page
    # when: the password alone leads to the enrolment page, and no further
    journey.login_with_form("secadmin")
    assert page.url.endswith("/accounts/otp/setup/")
    assert page.text_content("h1") == "绑定动态口令"
    assert page.locator("#otp-qr svg").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    journey.screenshot("otp-setup")
    journey.goto("/accounts/roles/")
    assert page.url.endswith("/accounts/otp/setup/")
    secret = page.text_content("#otp-secret").strip()
    totp = pyotp.TOTP(secret)
    # a wrong code is announced on the field
    page.fill("#id_code", "000000" if totp.now() != "000000" else "111111")
    with page.expect_navigation():
        page.click("#otp-setup-button")
    error = page.locator(".invalid-feedback, [role=alert]").first
    assert "验证码不正确" in error.inner_text()
    journey.screenshot("otp-setup-wrong-code")
    journey.problems.clear()  # the 422 of the refused code, provoked on purpose
    # the right code binds it and shows the recovery codes once
    page.fill("#id_code", totp.now())
    with page.expect_navigation():
        page.click("#otp-setup-button")
    assert page.text_content("h1") == "动态口令已绑定"
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    journey.screenshot("otp-recovery-codes")
    with page.expect_navigation():
        page.click("#recovery-continue")
    journey.assert_clean()
    # then: the next login asks for a code (the next time step: a used one is refused)
    journey.page.context.clear_cookies()
    journey.login_with_form("secadmin")
    assert page.url.endswith("/accounts/otp/")
    assert page.text_content("h1") == "动态口令验证"
    journey.screenshot("otp-verify")
    page.fill("#id_code", totp.at(time.time(), counter_offset=1))
    with page.expect_navigation():
        page.click("#otp-verify-button")
    journey.goto("/accounts/otp/devices/")
    assert page.text_content("main h1") == "动态口令"
    journey.screenshot("otp-devices")
    journey.assert_clean()
    assert OtpDevice.objects.get(user=secadmin).confirmed_at is not None
    assert RecoveryCode.objects.filter(user=secadmin).count() == 10
