"""Import and export pages: success, 403 for a plain member, 404 outside scope, Chinese messages."""

import io
import re
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from ronghe.core.models import AuditEntry, ImportJob
from ronghe.members.models import Member
from ronghe.members.services import reveal_id_number
from tests.factories import MemberFactory, valid_id_number
from tests.imports.pages import upload
from tests.imports.sheets import HEADER, write_xlsx

pytestmark = pytest.mark.django_db
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, cast, path, org=None):
    return upload(client, org or cast.org_a, path)


def _roster(tmp_path, bad=True):
    rows = [
        HEADER,
        [
            "孙一",
            "男",
            valid_id_number(date(1981, 2, 3), "男"),
            None,
            "",
            "",
            "2019-07-01",
            "2020-07-01",
            "甲局第一党支部",
            "",
        ],
        ["孙二", "女", valid_id_number(date(1983, 2, 3), "女"), None, "", "", "2018-07-01", "", "", ""],
    ]
    if bad:
        rows.append(["孙三", "男", "123", None, "", "", "明年", "", "", ""])
    return write_xlsx(tmp_path / "花名册.xlsx", rows)


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_upload_previews_errors_then_valid_only_commit(client_for, cast, tmp_path):
    client = client_for(cast.secretary_a)
    response = _upload(client, cast, _roster(tmp_path))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("member_io:import-columns", kwargs={"code": job.code})
    page = client.get(reverse("member_io:import-job", kwargs={"code": job.code})).content.decode()
    assert "第 5 行" in page and "公民身份号码应为18位，前17位为数字，最后一位为数字或X" in page
    assert "日期格式无法识别" in page
    assert (job.valid_count, job.invalid_count, job.status) == (2, 1, "validated")
    # all-or-nothing is refused while rows are bad
    client.post(reverse("member_io:import-commit", kwargs={"code": job.code}), {"mode": "atomic"})
    assert not Member.objects.filter(name__startswith="孙").exists()
    # valid rows only
    client.post(reverse("member_io:import-commit", kwargs={"code": job.code}), {"mode": "valid_only"})
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("committed", 2)
    assert set(Member.objects.filter(name__startswith="孙").values_list("name", flat=True)) == {
        "孙一",
        "孙二",
    }
    result = client.get(reverse("member_io:import-job", kwargs={"code": job.code})).content.decode()
    assert "导入完成：新增 2 人" in result and "孙一" in result
    # the rejected rows hold full ID numbers: a secretary without reveal rights cannot download them
    assert "download-rejected-denied" in result
    download = client.get(reverse("member_io:import-rejected", kwargs={"code": job.code}))
    assert download.status_code == 403


def test_the_uploader_with_reveal_rights_downloads_the_rejected_rows(client_for, cast, tmp_path):
    client = client_for(cast.committee_admin)
    _upload(client, cast, _roster(tmp_path))
    job = ImportJob.objects.get()
    page = client.get(reverse("member_io:import-job", kwargs={"code": job.code})).content.decode()
    assert 'id="download-rejected"' in page
    download = client.get(reverse("member_io:import-rejected", kwargs={"code": job.code}))
    assert "filename*=utf-8''" in download["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(_body(download))) as zf:
        strings = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "孙三" in strings and "入党日期" in strings and "孙一" not in strings


def test_a_clean_file_commits_all_or_nothing(client_for, cast, tmp_path):
    client = client_for(cast.secretary_a)
    _upload(client, cast, _roster(tmp_path, bad=False))
    job = ImportJob.objects.get()
    client.post(reverse("member_io:import-commit", kwargs={"code": job.code}), {"mode": "atomic"})
    job.refresh_from_db()
    assert (job.status, job.mode, job.created_count) == ("committed", "atomic", 2)
    assert AuditEntry.objects.get(event="member.import").changes["created"] == 2


def test_refused_file_shows_the_message_and_stores_nothing(client_for, cast, tmp_path):
    path = tmp_path / "virus.xlsx"
    path.write_bytes(b"MZ" + b"\x00" * 100)
    response = _upload(client_for(cast.secretary_a), cast, path)
    assert response.status_code == 400
    assert "文件不是电子表格（内容与 Excel 格式不符）" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_missing_file_gets_a_message(client_for, cast):
    response = client_for(cast.secretary_a).post(
        reverse("member_io:import"), {"organization": str(cast.org_a.code)}
    )
    assert response.status_code == 400
    assert "请选择要导入的文件" in response.content.decode()


def test_an_org_outside_scope_cannot_be_chosen(client_for, cast, tmp_path):
    response = _upload(client_for(cast.secretary_a), cast, _roster(tmp_path), org=cast.org_b)
    assert response.status_code == 400
    assert "请选择您管理范围内的党组织" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_plain_member_gets_403_and_outsider_404(client_for, cast, tmp_path):
    client = client_for(cast.secretary_a)
    _upload(client, cast, _roster(tmp_path))
    job = ImportJob.objects.get()
    assert client_for(cast.member_a).get(reverse("member_io:import")).status_code == 403
    outsider = client_for(cast.outsider_b)
    assert outsider.get(reverse("member_io:import-job", kwargs={"code": job.code})).status_code == 404
    commit = outsider.post(
        reverse("member_io:import-commit", kwargs={"code": job.code}), {"mode": "valid_only"}
    )
    assert commit.status_code == 404
    job.refresh_from_db()
    assert job.status == "validated"


def test_progress_fragment_for_htmx(client_for, cast):
    job = ImportJob.objects.create(
        kind="members",
        organization=cast.org_a,
        original_name="a.xlsx",
        status="validating",
        total_rows=100000,
        processed_rows=25000,
        created_by=cast.secretary_a,
    )
    response = client_for(cast.secretary_a).get(
        reverse("member_io:import-job", kwargs={"code": job.code}), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "已处理 25000 / 100000 行" in body
    assert 'hx-trigger="every 1s"' in body
    assert "<html" not in body


INJECTIONS = ['=HYPERLINK("http://x","点击")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def _export(client, **params):
    response = client.get(reverse("member_io:export"), {"download": "1", **params})
    assert response.status_code == 200, response.content[:500]
    return response, _body(response)


def _sheet_xml(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/"))


def test_export_never_writes_formulas(client_for, cast):
    for i, name in enumerate(INJECTIONS):
        MemberFactory(name=name, organization=cast.branch_a, remarks=name, birth_date=date(1980, 1, 1 + i))
    response, data = _export(client_for(cast.secretary_a))
    xml = _sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Type"] == XLSX_CT


def test_export_masks_ids_and_audits(client_for, cast):
    client = client_for(cast.secretary_a)
    _, data = _export(client)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        text = zf.read("xl/worksheets/sheet1.xml").decode()
    assert not re.search(r"\d{17}[\dX]", text)
    assert cast.member_a_record.id_number_masked in text
    assert cast.member_b_record.name not in text
    assert AuditEntry.objects.get(event="member.export").changes == {
        "format": "xlsx",
        "scope": [cast.org_a.path],
        "rows": 1,
        "full_numbers": False,
    }


def test_full_numbers_need_view_sensitive(client_for, cast):
    response = client_for(cast.secretary_a).get(reverse("member_io:export"), {"download": "1", "full": "on"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(event="member.export").exists()


def test_full_export_by_the_committee_admin(client_for, cast):
    _, data = _export(client_for(cast.committee_admin), full="on", organization=str(cast.org_a.code))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        text = zf.read("xl/worksheets/sheet1.xml").decode()
    assert reveal_id_number(cast.member_a_record) in text
    assert AuditEntry.objects.get(event="member.export").changes["full_numbers"] is True


def test_round_trip_export_then_import_gives_the_same_members(client_for, cast, tmp_path):
    # given a few members in branch A, exported with full numbers
    for i in range(3):
        MemberFactory(
            name=f"周{i}", organization=cast.branch_a, birth_date=date(1985, 1, 1 + i), education="研究生"
        )
    before = {
        m.id_number_index: (
            m.name,
            m.gender,
            m.birth_date,
            m.joined_on,
            m.full_on,
            m.status,
            m.organization_id,
            m.education,
        )
        for m in Member.objects.filter(organization__path__startswith=cast.org_a.path)
    }
    admin = client_for(cast.committee_admin)
    _, data = _export(admin, full="on", organization=str(cast.org_a.code))
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    # when importing the export into the same organization
    _upload(admin, cast, path)
    job = ImportJob.objects.get()
    assert (job.valid_count, job.invalid_count) == (4, 0), job.errors
    admin.post(reverse("member_io:import-commit", kwargs={"code": job.code}), {"mode": "atomic"})
    # then nothing is duplicated and every field is unchanged
    job.refresh_from_db()
    assert (job.created_count, job.updated_count) == (0, 4)
    after = {
        m.id_number_index: (
            m.name,
            m.gender,
            m.birth_date,
            m.joined_on,
            m.full_on,
            m.status,
            m.organization_id,
            m.education,
        )
        for m in Member.objects.filter(organization__path__startswith=cast.org_a.path)
    }
    assert after == before


def test_member_card_docx(client_for, cast):
    response = client_for(cast.secretary_a).get(
        reverse("member_io:member-card", kwargs={"code": cast.member_a_record.code})
    )
    document = Document(io.BytesIO(_body(response)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "张甲" in cells and cast.member_a_record.id_number_masked in cells
    assert AuditEntry.objects.get(event="member.export").object_id == str(cast.member_a_record.code)


def test_member_card_outside_scope_is_404(client_for, cast):
    response = client_for(cast.outsider_b).get(
        reverse("member_io:member-card", kwargs={"code": cast.member_a_record.code})
    )
    assert response.status_code == 404


def test_birthday_list_and_cards(client_for, cast):
    MemberFactory(name="吴八月", organization=cast.branch_a, joined_on=date(2001, 8, 15))
    client = client_for(cast.secretary_a)
    page = client.get(reverse("member_io:birthdays"), {"month": "7"}).content.decode()
    assert "张甲" in page and "吴八月" not in page and "李乙" not in page
    response = client.get(reverse("member_io:birthday-cards"), {"month": "7"})
    document = Document(io.BytesIO(_body(response)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "张甲同志：" in text and "吴八月" not in text
    assert "光荣加入中国共产党" in text


def test_birthday_cards_one_page_per_member(client_for, cast):
    MemberFactory(name="郑七月", organization=cast.branch_a, joined_on=date(2005, 7, 20))
    response = client_for(cast.secretary_a).get(reverse("member_io:birthday-cards"), {"month": "7"})
    document = Document(io.BytesIO(_body(response)))
    xml = document.element.xml
    assert xml.count('w:type="page"') == 1
    assert "郑七月同志：" in "\n".join(p.text for p in document.paragraphs)


def test_birthday_page_bad_month_message(client_for, cast):
    page = client_for(cast.secretary_a).get(reverse("member_io:birthdays"), {"month": "13"}).content.decode()
    assert "月份应为 1–12" in page
