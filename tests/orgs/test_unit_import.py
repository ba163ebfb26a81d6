"""The units register through Excel: import (preview, refusals, commit by name) and export."""

import io

import pytest
import python_calamine as pc
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ronghe.core.models import AuditEntry, ImportJob
from ronghe.orgs.models import Unit

pytestmark = pytest.mark.django_db


def _xlsx(rows):
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet()
    for i, row in enumerate(rows):
        ws.write_row(i, 0, row)
    wb.close()
    return SimpleUploadedFile("单位名录.xlsx", buffer.getvalue())


HEADER = ["单位名称", "简称", "单位类别", "统一社会信用代码", "在编人数"]


def test_import_previews_refuses_bad_rows_and_commits_the_valid_ones(client_for, cast, settings, tmp_path):
    settings.RONGHE_DATA_DIR = tmp_path
    client = client_for(cast.committee_admin)
    upload = _xlsx(
        [
            HEADER,
            ["甲局", "甲", "党政机关", "91110000600037341L", 66],  # registered: updated
            ["丙局", "丙", "事业单位", "", 20],  # new
            ["丁局", "丁", "单位", "", 5],  # unknown kind
            ["戊局", "戊", "其他", "91110000600037341K", 5],  # wrong check character
        ]
    )
    response = client.post(reverse("orgs:unit-import"), {"file": upload})
    job = ImportJob.objects.get(kind="units")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.valid_count, job.invalid_count) == ("validated", 2, 2)
    messages = [e["message"] for e in job.errors]
    assert messages == [
        "单位类别“单位”无法识别，应为：党政机关、事业单位、国有企业、群团组织、其他",
        "校验位不符：按 GB 32100 计算第18位应为“L”；如确认与证照一致，请在单位页面登记",
    ]
    assert not Unit.objects.filter(name="丙局").exists()
    # commit the valid rows
    client.post(reverse("orgs:unit-import-commit", args=[job.code]), {"mode": "valid_only"})
    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count) == ("committed", 1, 1)
    unit_a = Unit.objects.get(pk=cast.unit_a.pk)
    assert (unit_a.credit_code, unit_a.staff_count, unit_a.kind) == (
        "91110000600037341L",
        66,
        "party_government",
    )
    assert Unit.objects.get(name="丙局").kind == "institution"
    assert not Unit.objects.filter(name__in=["丁局", "戊局"]).exists()
    assert AuditEntry.objects.filter(event="org.unit_import").count() == 1


def test_unit_staff_cannot_import(client_for, cast, settings, tmp_path):
    settings.RONGHE_DATA_DIR = tmp_path
    response = client_for(cast.secretary_a).post(
        reverse("orgs:unit-import"), {"file": _xlsx([HEADER, ["新局"]])}
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_export_lists_the_units_in_scope(client_for, cast):
    Unit.objects.filter(pk=cast.unit_a.pk).update(credit_code="91110000600037341L")
    response = client_for(cast.secretary_a).get(reverse("orgs:unit-export"))
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:5] == HEADER
    assert [row[0] for row in sheet[1:]] == ["甲局"]
    assert sheet[1][3] == "91110000600037341L"
