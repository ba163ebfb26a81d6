"""Issue 17 finding 7 / FILE-7: exported text cells that start like a formula (= + - @, a tab or a
carriage return) get a leading apostrophe, in the roster export (points and orglife exports: their
own view tests)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from ronghe.core.spreadsheets import safe_cells, safe_text
from ronghe.members.exports import ROSTER_COLUMNS
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

RISKY = ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", RISKY)
def test_formula_like_text_gets_an_apostrophe(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["张三", "2024-01-01", "110105************", "138****5678", "", "'already"])
def test_ordinary_text_is_unchanged(text):
    assert safe_text(text) == text


def test_numbers_stay_numbers():
    assert safe_cells([-2.5, "-2.5", None, 3]) == [-2.5, "'-2.5", None, 3]


def test_roster_export_escapes_formula_like_cells(client_for, cast):
    for i, text in enumerate(RISKY):
        MemberFactory(name=f"公式{i}", organization=cast.branch_a, remarks=text, work_position=text)
    response = client_for(cast.secretary_a).get(reverse("member_io:export"), {"download": "1"})
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0).to_python()
    remarks, position = ROSTER_COLUMNS.index("备注"), ROSTER_COLUMNS.index("工作单位及职务")
    exported = {row[0]: (row[remarks], row[position]) for row in rows[1:]}
    for i, text in enumerate(RISKY):
        assert exported[f"公式{i}"] == ("'" + text, "'" + text)


def test_rejected_rows_file_escapes_formula_like_cells(tmp_path):
    # given a rejected row whose cells (as the user typed them) start like formulas
    from ronghe.core.imports.errors import RowError
    from ronghe.core.imports.reading import Header
    from ronghe.core.imports.rejected import RejectedWriter

    header = Header(row=1, columns={"name": 0, "remarks": 1}, labels={}, cells=["姓名", "=备注"])
    writer = RejectedWriter(tmp_path / "rejected.xlsx")
    # when the rejected-rows file is written
    writer.add(header, 2, ['=HYPERLINK("http://x","y")', "@SUM(A1)"], [RowError(2, "姓名", "格式不对")])
    writer.close()
    # then every text cell that starts like a formula reads back with its apostrophe
    rows = CalamineWorkbook.from_path(str(tmp_path / "rejected.xlsx")).get_sheet_by_index(0).to_python()
    assert rows[0][2:4] == ["姓名", "'=备注"]
    assert rows[1][2:4] == ['\'=HYPERLINK("http://x","y")', "'@SUM(A1)"]
