"""通知公告: the 工委 or a unit publishes to a subtree; recipients see it on the home page, reads are
receipted and counted, the unread are listed for a reminder; the daily task's reminders appear too."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ronghe.core.evidence.models import Evidence
from ronghe.core.models import AuditEntry
from ronghe.notices.models import Notice, NoticeRead
from ronghe.orglife.models import Reminder

pytestmark = pytest.mark.django_db


def test_publish_read_and_count(cast, client_for):
    admin = client_for(cast.committee_admin)
    response = admin.post(
        reverse("notices:notice-create"),
        {"organization": cast.org_a.pk, "title": "关于召开组织生活会的通知", "body": "请于月底前召开。"},
    )
    notice = Notice.objects.get()
    assert response["Location"] == reverse("notices:notice-detail", kwargs={"code": notice.code})
    # the member in A sees it unread on the home page; B's people do not see it at all
    member = client_for(cast.member_a)
    home = member.get(reverse("home:home")).content.decode()
    assert 'id="home-notice-list"' in home and "关于召开组织生活会的通知" in home
    listed = member.get(reverse("notices:notice-list")).content.decode()
    assert "1 条未读" in listed
    api = member.get("/api/v1/notices").json()
    assert [(n["title"], n["is_read"]) for n in api] == [("关于召开组织生活会的通知", False)]
    member.get(reverse("notices:notice-detail", kwargs={"code": notice.code}))
    assert NoticeRead.objects.filter(notice=notice, user=cast.member_a).count() == 1
    assert "home-notice-list" not in member.get(reverse("home:home")).content.decode()
    outsider = client_for(cast.outsider_b)
    assert "关于召开组织生活会" not in outsider.get(reverse("notices:notice-list")).content.decode()
    assert outsider.get(reverse("notices:notice-detail", kwargs={"code": notice.code})).status_code == 404
    assert outsider.get(f"/api/v1/notices/{notice.code}").status_code == 404
    # the publisher sees the receipts: 1 read of the members reached
    detail = client_for(cast.committee_admin).get(
        reverse("notices:notice-detail", kwargs={"code": notice.code})
    )
    receipts = detail.context["receipts"]
    # 张甲 has read it; the publisher's own opening is not a member's receipt (已读 never exceeds 应读)
    assert (receipts.read, receipts.recipients, receipts.unread) == (1, 1, 0)
    assert "未读党员" not in detail.content.decode()


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(cast, client_for):
    admin = client_for(cast.committee_admin)
    response = admin.post(
        reverse("notices:notice-create"), {"organization": cast.org_a.pk, "title": "  ", "body": "正文"}
    )
    assert response.status_code == 400 and "请填写标题" in response.content.decode()
    assert not Notice.objects.exists()


def test_a_branch_secretary_reads_but_does_not_publish(cast, client_for):
    secretary = client_for(cast.secretary_a)
    assert secretary.get(reverse("notices:notice-create")).status_code == 403


def test_the_daily_tasks_reminders_appear_with_the_notices(cast, client_for):
    Reminder.objects.create(
        organization=cast.branch_a,
        kind="theme_day",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        state="due_soon",
        message="甲局第一党支部：11月主题党日将于 11月30日 到期，应 1 已 0",
    )
    page = client_for(cast.secretary_a).get(reverse("notices:notice-list")).content.decode()
    assert "11月主题党日将于 11月30日 到期" in page.split('id="notice-reminders"')[1]
    # a plain member is not shown the branch's organizational-life reminders
    assert (
        "notice-reminders"
        not in client_for(cast.member_a).get(reverse("notices:notice-list")).content.decode()
    )


PDF = b"%PDF-1.4\n" + b"0" * 64


def test_a_notice_carries_files_its_recipients_download(cast, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # given the 工委 publishes to subtree A with two files
    response = client_for(cast.committee_admin).post(
        reverse("notices:notice-create"),
        {
            "organization": cast.org_a.pk,
            "title": "关于开展主题党日的通知",
            "body": "安排见附件。",
            "file": [
                SimpleUploadedFile("活动安排.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("签到表.pdf", PDF, content_type="application/pdf"),
            ],
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    # when a plain member in A opens it
    member = client_for(cast.member_a)
    page = member.get(reverse("notices:notice-detail", kwargs={"code": notice.code})).content.decode()
    # then both files are listed and download for them (audited), though they have no role at the 工委
    files = page.split('id="notice-attachments"')[1].split("</ul>")[0]
    assert "活动安排.pdf" in files and "签到表.pdf" in files
    first = Evidence.objects.get(original_name="活动安排.pdf")
    url = reverse("notices:notice-attachment", kwargs={"code": notice.code, "file": first.code})
    assert url in files
    download = member.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEntry.objects.filter(event="evidence.download", actor=cast.member_a).count() == 1
    # and subtree B's people get 404 for the file as for the notice
    assert client_for(cast.outsider_b).get(url).status_code == 404


def test_a_refused_file_refuses_the_notice_and_nothing_is_kept(cast, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(cast.committee_admin).post(
        reverse("notices:notice-create"),
        {
            "organization": cast.org_a.pk,
            "title": "关于开展主题党日的通知",
            "body": "安排见附件。",
            "file": [
                SimpleUploadedFile("活动安排.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("名单.exe", b"MZ" + b"0" * 64),
            ],
        },
    )
    assert response.status_code == 400
    assert "附件类型不支持：只接受 JPG、PNG、PDF、DOCX、XLSX 文件" in response.content.decode()
    assert not Notice.objects.exists() and not Evidence.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_the_publisher_reminds_the_unread_and_their_home_page_says_so(cast, client_for):
    # given two notices to subtree A, the older one unread by 张甲
    admin = client_for(cast.committee_admin)
    for title in ("关于报送材料的通知", "关于召开组织生活会的通知"):
        admin.post(
            reverse("notices:notice-create"),
            {"organization": cast.org_a.pk, "title": title, "body": "请办理。"},
        )
    older = Notice.objects.get(title="关于报送材料的通知")
    remind = reverse("notices:notice-remind", kwargs={"code": older.code})
    # a plain member cannot remind, an outsider does not see the notice; nothing is flagged
    assert client_for(cast.member_a).post(remind).status_code == 403
    assert client_for(cast.outsider_b).post(remind).status_code in (403, 404)
    older.refresh_from_db()
    assert older.reminded_at is None
    # when the publisher reminds the unread
    response = client_for(cast.committee_admin).post(remind, follow=True)
    # then they are told how many, it is audited, and 张甲's home page lists it first, marked 催阅
    assert "已提醒 1 名未读人员" in response.content.decode()
    assert AuditEntry.objects.get(event="notices.remind").changes == {"unread": 1}
    home = client_for(cast.member_a).get(reverse("home:home")).content.decode()
    listed = home.split('id="home-notice-list"')[1].split("</ul>")[0]
    assert listed.index("关于报送材料的通知") < listed.index("关于召开组织生活会的通知")
    assert f'id="notice-{older.code}-reminded">催阅' in listed


def test_nobody_to_remind_once_everyone_has_read(cast, client_for):
    admin = client_for(cast.committee_admin)
    admin.post(
        reverse("notices:notice-create"), {"organization": cast.org_a.pk, "title": "通知", "body": "正文"}
    )
    notice = Notice.objects.get()
    client_for(cast.member_a).get(reverse("notices:notice-detail", kwargs={"code": notice.code}))
    response = client_for(cast.committee_admin).post(
        reverse("notices:notice-remind", kwargs={"code": notice.code}), follow=True
    )
    assert "所有应读人员都已阅读，无需提醒" in response.content.decode()
    notice.refresh_from_db()
    assert notice.reminded_at is None and not AuditEntry.objects.filter(event="notices.remind").exists()
