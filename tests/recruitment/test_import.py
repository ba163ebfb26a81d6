"""`ronghe import_recruitment` and the import page: every §3 rule a row breaks is a row error naming it."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
import time_machine
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from ronghe.core.models import ImportJob
from ronghe.recruitment.choices import Stage
from ronghe.recruitment.imports.columns import TEMPLATE_HEADER
from ronghe.recruitment.models import RecruitmentCase
from tests.factories import MemberFactory, valid_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 2), tick=False):
        yield


def workbook(rows: list[dict[str, object]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for col, name in enumerate(TEMPLATE_HEADER):
        sheet.write_string(0, col, name)
    for r, row in enumerate(rows, start=1):
        for col, name in enumerate(TEMPLATE_HEADER):
            if name in row:
                sheet.write_string(r, col, str(row[name]))
    book.close()
    return buffer.getvalue()


def good_rows(cast) -> list[dict[str, object]]:  # noqa: ANN001
    MemberFactory(name="王介绍", organization=cast.branch_a)
    return [
        {"姓名": "周申请", "公民身份号码": valid_id_number(date(2001, 1, 5)), "申请入党日期": "2026-02-10"},
        {
            "姓名": "吴积极",
            "公民身份号码": valid_id_number(date(1998, 3, 5), "女"),
            "申请入党日期": "2024-03-01",
            "谈话日期": "2024-03-15",
            "确定积极分子日期": "2024-09-02",
            "积极分子备案日期": "2024-09-10",
            "培养联系人": "张甲",
            "积极分子公示开始": "2024-09-03",
            "积极分子公示结束": "2024-09-09",
        },
        {
            "姓名": "郑发展",
            "公民身份号码": valid_id_number(date(1995, 7, 5)),
            "申请入党日期": "2023-03-01",
            "谈话日期": "2023-03-20",
            "确定积极分子日期": "2023-06-01",
            "积极分子备案日期": "2023-06-10",
            "培养联系人": "张甲",
            "积极分子公示开始": "2023-06-02",
            "积极分子公示结束": "2023-06-08",
            "确定发展对象日期": "2024-06-03",
            "发展对象备案日期": "2024-06-12",
            "入党介绍人": "张甲、王介绍",
            "发展对象公示开始": "2024-06-04",
            "发展对象公示结束": "2024-06-11",
        },
    ]


def write(tmp_path: Path, rows) -> Path:  # noqa: ANN001
    path = tmp_path / "发展党员.xlsx"
    path.write_bytes(workbook(rows))
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_recruitment", *args, stdout=out)
    return out.getvalue()


def test_dry_run_json_reports_each_broken_rule(cast, tmp_path):
    rows = good_rows(cast)
    rows.append(
        {
            "姓名": "钱太早",
            "公民身份号码": valid_id_number(date(2000, 1, 1)),
            "申请入党日期": "2025-01-01",
            "谈话日期": "2025-01-10",
            "确定积极分子日期": "2025-02-01",
            "积极分子备案日期": "2025-02-05",
            "培养联系人": "张甲",
            "积极分子公示开始": "2025-02-05",
            "积极分子公示结束": "2025-02-11",
            "确定发展对象日期": "2025-12-01",
            "发展对象备案日期": "2025-12-05",
            "入党介绍人": "张甲",
            "发展对象公示开始": "2025-12-02",
            "发展对象公示结束": "2025-12-04",
        }
    )
    path = write(tmp_path, rows)
    # when
    result = json.loads(run(str(path), "--org", str(cast.branch_a.code), "--dry-run", "--json"))
    # then
    assert result == {
        "valid": 3,
        "invalid": [
            {
                "row": 5,
                "column": "确定发展对象日期",
                "message": "经过一年以上培养教育方可确定为发展对象（细则第十三条）：自确定为入党积极分子 2025-02-01 起，最早 2026-02-01",
            },
            {
                "row": 5,
                "column": "入党介绍人",
                "message": "入党介绍人为2名正式党员（细则第十四条）：现为 1 名",
            },
            {
                "row": 5,
                "column": "发展对象公示开始",
                "message": "确定发展对象公示不少于5个工作日（本地规定）：2025-12-02 至 2025-12-04 仅 3 个工作日",
            },
        ],
    }
    assert not RecruitmentCase.objects.exists()


def test_an_error_writes_nothing_then_valid_only_writes_the_rest(cast, tmp_path):
    rows = good_rows(cast) + [
        {"姓名": "少年", "公民身份号码": valid_id_number(date(2009, 1, 1)), "申请入党日期": "2026-01-01"}
    ]
    path = write(tmp_path, rows)
    with pytest.raises(CommandError, match="有 1 行存在错误，未导入任何数据"):
        run(str(path), "--org", str(cast.branch_a.code))
    assert not RecruitmentCase.objects.exists()
    out = run(str(path), "--org", str(cast.branch_a.code), "--valid-only")
    assert "导入完成：新增 3 人，跳过错误 1 行" in out
    stages = dict(RecruitmentCase.objects.values_list("name", "stage"))
    assert stages == {"周申请": Stage.APPLICANT, "吴积极": Stage.ACTIVIST, "郑发展": Stage.CANDIDATE}
    case = RecruitmentCase.objects.get(name="郑发展")
    assert sorted(case.introducers.values_list("name", flat=True)) == ["张甲", "王介绍"]
    assert sorted(case.steps.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 7, 8, 9]


def test_bad_cells_name_their_column(cast, tmp_path):
    path = write(
        tmp_path,
        [
            {
                "姓名": "甲",
                "公民身份号码": "110105200001011234",
                "申请入党日期": "2026年13月1日",
                "培养联系人": "不存在",
            }
        ],
    )
    result = json.loads(run(str(path), "--org", str(cast.branch_a.code), "--dry-run", "--json"))
    assert result["valid"] == 0
    assert {(e["column"], e["message"]) for e in result["invalid"]} == {
        ("公民身份号码", "公民身份号码校验码错误，请核对是否输错"),
        ("申请入党日期", "日期“2026年13月1日”不存在"),
        ("培养联系人", "培养联系人：本组织内没有名为“不存在”的党员"),
    }


def test_import_page_previews_and_commits(client_for, cast):
    rows = good_rows(cast)
    client = client_for(cast.secretary_a)
    upload = SimpleUploadedFile("名单.xlsx", workbook(rows))
    response = client.post(reverse("recruitment:import"), {"organization": cast.branch_a.pk, "file": upload})
    job = ImportJob.objects.get(kind="recruitment")
    assert response.status_code == 302 and job.valid_count == 3 and job.invalid_count == 0
    assert (
        '有效 <strong id="valid-count">3</strong> 行'
        in client.get(reverse("recruitment:import-job", args=[job.code])).content.decode()
    )
    client.post(reverse("recruitment:import-commit", args=[job.code]), {"mode": "atomic"})
    assert RecruitmentCase.objects.count() == 3


def test_import_page_permissions(client_for, cast):
    upload = SimpleUploadedFile("名单.xlsx", workbook([]))
    assert (
        client_for(cast.member_a)
        .post(reverse("recruitment:import"), {"organization": cast.branch_a.pk, "file": upload})
        .status_code
        == 403
    )
    response = client_for(cast.outsider_b).post(
        reverse("recruitment:import"), {"organization": cast.branch_a.pk, "file": upload}
    )
    assert response.status_code == 422
    assert not ImportJob.objects.exists()
