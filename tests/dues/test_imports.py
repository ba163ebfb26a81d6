"""Payroll import: items counted or excluded per §4.1, the organization's "税后" reading, column
mapping, and a file with any bad row writes nothing."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ronghe.dues.models import DuesBase, DuesSetting
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _xlsx(rows):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    book.close()
    return SimpleUploadedFile("工资表.xlsx", buffer.getvalue())


HEADER = (
    ["2026年1月工资表"],
    ["姓名", "职务工资", "级别工资", "津贴A", "取暖费", "个人所得税", "养老保险", "住房公积金"],
)


def _post(client, cast, rows, dry_run=False, mapping="津贴A=work_allowance"):
    data = {"file": _xlsx(rows), "effective_from": "2026-01", "mapping": mapping}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(f"{reverse('dues:import')}?org={cast.org_a.code}", data)


def test_import_computes_bases_with_reading_b_by_default(client_for, cast):
    MemberFactory(name="王丙", organization=cast.branch_a)
    rows = [
        *HEADER,
        ["张甲", 2000, 1500, 1000, 300, 100, 400, 500],
        ["王丙", 1800, 1000, 800, 0, 0, 300, 400],
    ]
    r = _post(client_for(cast.secretary_a), cast, rows)
    assert r.status_code == 200, r.content.decode()
    bases = dict(DuesBase.objects.values_list("member__name", "base"))
    assert bases == {"张甲": D("3500.00"), "王丙": D("2900.00")}  # 4500−100−400−500; 3600−300−400


def test_import_reading_a_deducts_tax_only(client_for, cast):
    DuesSetting.objects.create(organization=cast.committee, tax_reading="tax_only")
    rows = [*HEADER, ["张甲", 2000, 1500, 1000, 300, 100, 400, 500]]
    _post(client_for(cast.secretary_a), cast, rows)
    assert DuesBase.objects.get().base == D("4400.00")


def test_dry_run_writes_nothing(client_for, cast):
    r = _post(
        client_for(cast.secretary_a),
        cast,
        [*HEADER, ["张甲", 2000, 1500, 1000, 300, 100, 400, 500]],
        dry_run=True,
    )
    assert "可导入 1 行" in r.content.decode()
    assert not DuesBase.objects.exists()


def test_bad_rows_are_listed_and_nothing_is_written(client_for, cast):
    rows = [
        *HEADER,
        ["张甲", 2000, 1500, 1000, 300, 100, 400, 500],
        ["无名氏", 1, 1, 1, 0, 0, 0, 0],
        ["张甲", "两千", 1, 1, 0, 0, 0, 0],
        ["张甲", -5, 1, 1, 0, 0, 0, 0],
    ]
    r = _post(client_for(cast.secretary_a), cast, rows)
    body = r.content.decode()
    assert r.status_code == 422
    assert "本组织内没有该姓名的党员" in body
    assert "金额须为数字" in body
    assert "金额不能为负数" in body
    assert not DuesBase.objects.exists()


def test_unknown_mapping_code_is_refused(client_for, cast):
    r = _post(client_for(cast.secretary_a), cast, [*HEADER], mapping="津贴A=bonus_x")
    assert r.status_code == 422 and "未知的工资项目代码“bonus_x”" in r.content.decode()


def test_import_needs_the_permission_in_scope(client_for, cast):
    r = _post(client_for(cast.outsider_b), cast, [*HEADER, ["张甲", 2000, 1500, 1000, 300, 100, 400, 500]])
    assert r.status_code == 404
    assert not DuesBase.objects.exists()


def test_a_payroll_from_a_month_already_paid_owes_the_difference(client_for, cast):
    # given: 张甲's January paid at 15.00 (a base of 3000.00 then)
    from datetime import date

    from ronghe.core.models import AuditEntry
    from ronghe.dues.models import DuesRecord

    DuesRecord.objects.create(
        member=cast.member_a_record,
        organization=cast.branch_a,
        period=date(2026, 1, 1),
        category="in_service",
        base=D("3000.00"),
        rate=D("0.005"),
        amount_due=D("15.00"),
        state="paid",
        paid_amount=D("15.00"),
        paid_on=date(2026, 1, 5),
        timing="regular",
    )
    # when: January's payroll is imported late: 3500.00 → 1% = 35.00
    r = _post(client_for(cast.secretary_a), cast, [*HEADER, ["张甲", 2000, 1500, 1000, 300, 100, 400, 500]])
    assert r.status_code == 200
    # then
    record = DuesRecord.objects.get()
    assert (record.amount_due, record.paid_amount, record.difference_owed) == (
        D("35.00"),
        D("15.00"),
        D("20.00"),
    )
    assert AuditEntry.objects.get(event="dues.payroll_import").changes["difference_months"] == 1
