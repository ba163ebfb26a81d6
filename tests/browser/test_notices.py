"""Browser journey of 通知公告 (issue 16 item 7) at desktop and phone width: the 工委 publishes a notice
with a file; a member sees it unread on the home page, opens it and downloads the file; the publisher
reminds the unread and sees the receipt. Rules and refusals: tests/notices/test_notices.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from ronghe.notices.models import NoticeRead

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n" + b"0" * 64


def test_committee_publishes_with_a_file_and_a_member_reads_it(journey, cast, tmp_path):
    (tmp_path / "活动安排.pdf").write_bytes(PDF)
    page = journey.page
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        # the 工委 publishes to subtree A with the arrangement attached
        journey.login(cast.committee_admin)
        journey.goto("/notices/create/")
        page.select_option("#id_organization", label=cast.org_a.name)
        page.fill("#id_title", "关于开展十二月主题党日的通知")
        page.fill("#id_body", "请各支部按附件安排开展。")
        page.set_input_files("#id_file", str(tmp_path / "活动安排.pdf"))
        journey.screenshot("notices-publish-form")
        journey.assert_clean()
        with page.expect_navigation():
            page.click("#notice-submit")
        assert page.inner_text("#notice-title") == "关于开展十二月主题党日的通知"
        assert "活动安排.pdf" in page.inner_text("#notice-attachments")
        # nobody has read it yet: the publisher reminds the unread
        assert page.inner_text("#notice-unread") == "1"
        with page.expect_navigation():
            page.click("#notice-remind")
        assert "已提醒 1 名未读人员" in page.inner_text("main")
        journey.screenshot("notices-published")

        # a member in A sees it unread on the home page, opens it and downloads the file
        page.context.clear_cookies()
        journey.login(cast.member_a)
        journey.goto("/")
        assert page.inner_text("#home-notice-list li >> nth=0").startswith("催阅")
        page.get_by_role("link", name="关于开展十二月主题党日的通知").click()
        page.wait_for_selector("#notice-attachments")
        journey.screenshot("notices-member-reads")
        with page.expect_download() as download:
            page.get_by_role("link", name="活动安排.pdf").click()
        assert download.value.suggested_filename == "活动安排.pdf"
        assert Path(download.value.path()).read_bytes() == PDF
        journey.assert_clean()
        assert NoticeRead.objects.filter(user=cast.member_a).count() == 1

        # the publisher sees 张甲's receipt
        page.context.clear_cookies()
        journey.login(cast.committee_admin)
        journey.goto("/notices/")
        page.get_by_role("link", name="关于开展十二月主题党日的通知").first.click()
        page.wait_for_selector("#notice-receipts")
        assert (page.inner_text("#notice-read"), page.inner_text("#notice-unread")) == ("1", "0")
        journey.screenshot("notices-receipts")
        journey.assert_clean()
