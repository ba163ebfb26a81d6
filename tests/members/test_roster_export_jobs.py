"""A big roster is built in the background (issue 16 item 12): an organization's masked roster past
RONGHE_EXPORT_BACKGROUND_ROWS members asks first, is queued on POST and downloaded from 我的导出;
a small one, and any roster with full ID numbers, downloads at once."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from ronghe.core.models import AuditEntry, ExportJob
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _big(cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.RONGHE_EXPORT_BACKGROUND_ROWS = 3
    for i in range(3):
        MemberFactory(name=f"名册{i}", organization=cast.branch_a)  # with 张甲: 4 members, over 3


def _url(cast, **extra):
    query = {"organization": str(cast.branch_a.code), "download": "1", **extra}
    return reverse("member_io:export") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_a_big_roster_asks_then_is_queued_and_downloaded_from_its_job_page(client_for, cast):
    client = client_for(cast.secretary_a)
    # when the secretary asks for the branch's roster
    ask = client.get(_url(cast))
    # then the page asks before queuing, and nothing is queued by the link
    assert ask.status_code == 200 and "数据较多（约 4 行），将在后台生成" in ask.content.decode()
    assert not ExportJob.objects.exists()
    # when they confirm
    queued = client.post(_url(cast))
    job = ExportJob.objects.get()
    assert queued["Location"] == reverse("exports:job-detail", kwargs={"code": job.code})
    assert (job.kind, job.title, job.total_rows) == ("members.roster", "甲局第一党支部_党员名册.xlsx", 4)
    # then the file from 我的导出 is the masked roster, and its download is audited as a roster export
    download = client.get(reverse("exports:job-download", kwargs={"code": job.code}))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content)))
    sheet = rows.get_sheet_by_name("党员名册").to_python()
    assert sorted(r[0] for r in sheet[1:]) == ["名册0", "名册1", "名册2", "张甲"]
    assert cast.member_a_record.id_number_masked in {str(c) for r in sheet[1:] for c in r}
    assert AuditEntry.objects.filter(event="member.export", actor=cast.secretary_a).count() == 1


def test_a_roster_with_full_numbers_is_never_queued(client_for, cast):
    response = client_for(cast.committee_admin).get(_url(cast, full="on"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert not ExportJob.objects.exists()


def test_a_small_roster_downloads_at_once(client_for, cast, settings):
    settings.RONGHE_EXPORT_BACKGROUND_ROWS = 4
    response = client_for(cast.secretary_a).get(_url(cast))
    assert response["Content-Type"].startswith("application/vnd.openxml")
    assert not ExportJob.objects.exists()


def test_a_plain_member_and_an_outsider_queue_nothing(client_for, cast):
    assert client_for(cast.member_a).post(_url(cast)).status_code == 403
    assert client_for(cast.outsider_b).post(_url(cast)).status_code in (400, 404)
    assert not ExportJob.objects.exists()
