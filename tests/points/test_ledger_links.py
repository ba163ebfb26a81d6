"""The county ledger loses no 查看来源 at Excel's 65,530-hyperlinks-per-sheet limit: past it the
address is written as text, and the sheet says so (issue 16.12)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from ronghe.points import exports, services
from ronghe.points.models import PointsEntry
from tests.points.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(YEAR, 11, 24))


def test_links_past_the_sheet_limit_are_written_as_text_and_explained(
    client_for, cast, scheme, ind, monkeypatch
):
    for day in (1, 2, 3):
        services.adjust_points(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            indicator=ind("task"),
            points="1",
            on=date(YEAR, 2, day),
            reason=f"第{day}次",
        )
    monkeypatch.setattr(exports, "LINKS_PER_SHEET", 1)
    response = client_for(cast.secretary_a).get(
        reverse("points:ledger-export", kwargs={"code": cast.branch_a.code}), {"year": YEAR}
    )
    detail = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("积分明细").to_python()
    )
    codes = list(PointsEntry.objects.order_by("occurred_on", "id").values_list("code", flat=True))
    assert detail[1][8] == "查看来源"  # a hyperlink, as before
    # every later row still carries its source, as the address itself
    assert [row[8] for row in detail[2:4]] == [
        f"http://testserver/points/entries/{code}/" for code in codes[1:3]
    ]
    assert any("最多保存 1 个超链接" in str(cell) for row in detail[4:] for cell in row)


def test_rows_past_a_sheets_limit_go_on_in_a_continued_sheet_with_their_own_links(
    client_for, cast, scheme, ind, monkeypatch
):
    # given: five entries, sheets of two data rows, one hyperlink a sheet
    from ronghe.core import spreadsheets

    for day in (1, 2, 3, 4, 5):
        services.adjust_points(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            indicator=ind("task"),
            points="1",
            on=date(YEAR, 3, day),
            reason=f"第{day}次",
        )
    monkeypatch.setattr(spreadsheets, "ROWS_PER_SHEET", 2)
    monkeypatch.setattr(exports, "LINKS_PER_SHEET", 1)

    # when
    response = client_for(cast.secretary_a).post(
        reverse("points:ledger-export", kwargs={"code": cast.branch_a.code}) + f"?year={YEAR}"
    )

    # then: every entry is in the file, two a sheet, each sheet's first row a link again
    wb = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert wb.sheet_names == ["年度积分", "积分明细", "积分明细（续2）", "积分明细（续3）"]
    sheets = [wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names[1:]]
    assert [row[7] for sheet in sheets for row in sheet[1:3] if row[7].startswith("第")] == [
        f"第{day}次" for day in (1, 2, 3, 4, 5)
    ]
    assert [sheet[1][8] for sheet in sheets] == ["查看来源"] * 3
    assert sheets[0][2][8].startswith("http://testserver/points/entries/")
    first_notes = [str(cell) for row in sheets[0][3:] for cell in row if cell]
    assert any("以下记录接“积分明细（续2）”工作表" in n for n in first_notes)
    assert any("最多保存 1 个超链接" in n for n in first_notes)
    assert sheets[0][0] == sheets[2][0]  # the header repeated
