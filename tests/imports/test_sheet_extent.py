"""Issue 17 finding 2: a tiny workbook whose one cell sits far away made calamine allocate the
whole rectangle (512 GB for XFD1048576) and killed the worker. The sheet's declared dimension and
real cell extent are checked from the XML before calamine ever opens the file."""

import types
import zipfile

import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile

from ronghe.core.imports import jobs, reading
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.files import check_upload
from ronghe.core.models import ImportJob
from ronghe.members import imports as member_imports
from tests.imports.sheets import HEADER, write_xlsx


def _workbook(path, sheet_data, dimension=None, extra=None):
    """A hand-written .xlsx of one sheet: about a kilobyte, whatever cell it names."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "xl/workbook.xml",
            '<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        zf.writestr(
            "xl/worksheets/sheet1.xml", f"<worksheet>{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
        )
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def _refusal(path, name="名册.xlsx"):
    with pytest.raises(ImportRefused) as exc:
        check_upload(path, name)
    return exc.value.message


@pytest.fixture
def no_calamine(monkeypatch):
    """Fail the test if anything asks calamine to open a workbook."""

    class Refuse:
        @staticmethod
        def from_path(*args, **kwargs):
            raise AssertionError("calamine must not read this file")

        from_filelike = from_path

    stub = types.SimpleNamespace(**{n: getattr(python_calamine, n) for n in dir(python_calamine)})
    stub.CalamineWorkbook = Refuse
    stub.load_workbook = Refuse.from_path
    monkeypatch.setattr(reading, "pc", stub)
    monkeypatch.setattr(jobs, "pc", stub)


@pytest.mark.django_db
def test_a_far_cell_in_a_tiny_file_is_refused_before_calamine_reads_it(cast, tmp_path, no_calamine):
    # given: 1 KB, one cell at the last cell Excel has
    path = _workbook(tmp_path / "far.xlsx", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    assert path.stat().st_size < 2048
    upload = SimpleUploadedFile("名册.xlsx", path.read_bytes())

    # when / then
    with pytest.raises(ImportRefused) as exc:
        member_imports.start_import(upload=upload, target=cast.org_a, user=cast.secretary_a)
    assert "列数过多" in exc.value.message and "16384" in exc.value.message
    assert not ImportJob.objects.exists()


def test_a_cell_at_zz200000_is_refused(tmp_path, no_calamine):
    path = _workbook(
        tmp_path / "zz.xlsx",
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="200000"><c r="ZZ200000"><v>1</v></c></row>',
    )
    assert "列数过多（用到第 702 列）" in _refusal(path)


def test_a_far_declared_dimension_is_refused(tmp_path, no_calamine):
    path = _workbook(
        tmp_path / "dim.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>', dimension="A1:XFD1048576"
    )
    assert "工作表声明的范围" in _refusal(path)


def test_too_many_rows_are_refused_by_the_last_row_number(tmp_path, settings, no_calamine):
    settings.RONGHE_IMPORT_MAX_ROWS = 1000
    settings.RONGHE_IMPORT_SPARE_ROWS = 100
    path = _workbook(
        tmp_path / "rows.xlsx",
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="5000"><c r="B5000"><v>1</v></c></row>',
    )
    assert "行数过多（用到第 5000 行）" in _refusal(path)


def test_cells_without_a_reference_are_counted_where_they_land(tmp_path, no_calamine):
    # `r` may be left out: each cell then follows the previous one of its row
    cells = "<c><v>1</v></c>" * 150
    path = _workbook(tmp_path / "implied.xlsx", f"<row>{cells}</row>")
    assert "用到第 150 列" in _refusal(path)


def test_rows_without_a_reference_follow_the_previous_row(tmp_path, settings, no_calamine):
    settings.RONGHE_IMPORT_MAX_ROWS = 10
    settings.RONGHE_IMPORT_SPARE_ROWS = 0
    rows = '<row r="5"><c r="A5"><v>1</v></c></row>' + "<row><c><v>1</v></c></row>" * 6
    assert "用到第 11 行" in _refusal(_workbook(tmp_path / "rows.xlsx", rows))


def test_a_large_rectangle_is_refused_by_its_cell_count(tmp_path, settings, no_calamine):
    settings.RONGHE_IMPORT_MAX_CELLS = 1000
    path = _workbook(
        tmp_path / "area.xlsx", '<row r="1"><c r="A1"/></row><row r="200"><c r="Z200"><v>1</v></c></row>'
    )
    assert "表格范围过大（200 行 × 26 列）" in _refusal(path)


def test_opendocument_parts_in_an_xlsx_are_refused(tmp_path, no_calamine):
    path = _workbook(tmp_path / "mixed.xlsx", "", extra={"content.xml": "<office:document-content/>"})
    assert "混有其他格式" in _refusal(path)


def test_xls_is_refused_with_a_way_out(tmp_path, no_calamine):
    path = tmp_path / "a.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    assert _refusal(path, "名册.xls") == "不接受旧版 .xls 文件，请在 Excel 或 WPS 中“另存为” .xlsx 后再导入"


def test_an_ordinary_roster_passes_and_is_read(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, ["张三", "男"]])
    assert check_upload(path, "名册.xlsx") == "xlsx"
    rows = list(reading.open_rows(path, "xlsx"))
    assert rows[-1][1][:2] == ["张三", "男"]


def test_a_far_cell_after_a_megabyte_of_ordinary_rows_is_found(tmp_path, no_calamine):
    # the sheet XML is read a megabyte at a time: the far cell sits in a later chunk
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i * 7919 % 100003}</v></c></row>' for i in range(1, 40_000))
    rows += '<row r="40000"><c r="A40000"><v>1</v></c><c r="XFD40000"><v>1</v></c></row>'
    path = _workbook(tmp_path / "long.xlsx", rows)
    assert "用到第 16384 列" in _refusal(path)


def test_prefixed_tags_are_followed_too(tmp_path, no_calamine):
    path = _workbook(
        tmp_path / "ns.xlsx", '<x:row r="1"><x:c r="A1"/><x:c r="ZZ1"><x:v>1</x:v></x:c></x:row>'
    )
    assert "用到第 702 列" in _refusal(path)


def test_an_ordinary_wide_sheet_within_the_limits_passes(tmp_path, no_calamine):
    cells = "".join(f'<c r="{col}2"><v>1</v></c>' for col in ("A", "Z", "AA", "CV"))
    path = _workbook(tmp_path / "wide.xlsx", f'<row r="2">{cells}</row>', dimension="A1:CV2")
    assert check_upload(path, "名册.xlsx") == "xlsx"
