"""The 党费 commands: the payroll import from the command line and the monthly run."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal as D

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from ronghe.dues.models import DuesBase, DuesRecord

pytestmark = pytest.mark.django_db


def _file(tmp_path, rows):
    path = tmp_path / "工资表.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    book.close()
    return path


def test_import_payroll_json_and_write(cast, tmp_path):
    path = _file(
        tmp_path, [["姓名", "岗位工资", "薪级工资", "补贴X", "个人所得税"], ["张甲", 3000, 1000, 500, 100]]
    )
    out = io.StringIO()
    call_command(
        "import_payroll",
        str(path),
        "--org",
        str(cast.org_a.code),
        "--from",
        "2026-01",
        "--map",
        "补贴X=living_allowance",
        "--dry-run",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue()) == {"valid": 1, "invalid": []}
    assert not DuesBase.objects.exists()
    call_command(
        "import_payroll",
        str(path),
        "--org",
        str(cast.org_a.code),
        "--from",
        "2026-01",
        "--map",
        "补贴X=living_allowance",
        stdout=io.StringIO(),
    )
    assert DuesBase.objects.get().base == D("4400.00")


def test_import_payroll_bad_rows_write_nothing(cast, tmp_path):
    path = _file(tmp_path, [["姓名", "岗位工资"], ["张甲", -1], ["李乙", 100]])  # 李乙 is in B
    out = io.StringIO()
    call_command(
        "import_payroll", str(path), "--org", str(cast.org_a.code), "--from", "2026-01", "--json", stdout=out
    )
    assert json.loads(out.getvalue()) == {
        "valid": 0,
        "invalid": [
            {
                "row": 2,
                "column": "岗位工资",
                "message": "金额不能为负数",
            },
            {"row": 3, "column": "姓名", "message": "本组织内没有该姓名的党员"},
        ],
    }
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command(
            "import_payroll",
            str(path),
            "--org",
            str(cast.org_a.code),
            "--from",
            "2026-01",
            stdout=io.StringIO(),
        )
    assert not DuesBase.objects.exists()


def test_month_run_command(cast):
    out = io.StringIO()
    call_command("dues_month_run", "--org", str(cast.committee.code), "--period", "2026-01", stdout=out)
    assert "新生成 2 条" in out.getvalue()
    assert DuesRecord.objects.filter(period=date(2026, 1, 1)).count() == 2
    with pytest.raises(CommandError, match="--period 应为月份"):
        call_command(
            "dues_month_run", "--org", str(cast.committee.code), "--period", "2026", stdout=io.StringIO()
        )
