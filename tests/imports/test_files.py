"""Unsafe uploads are refused with a Chinese message before any parser sees them (FILE-1..3)."""

import zipfile

import pytest

from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.files import check_upload, formula_cells
from tests.imports.sheets import HEADER, write_xlsx


def _refusal(path, name):
    with pytest.raises(ImportRefused) as exc:
        check_upload(path, name)
    return exc.value.message


def _minimal_zip(path, extra=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def test_a_real_workbook_passes(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER])
    assert check_upload(path, "名册.xlsx") == "xlsx"


def test_too_large_is_refused(tmp_path, settings):
    settings.RONGHE_UPLOAD_MAX_BYTES = 1024
    path = tmp_path / "big.csv"
    path.write_bytes(b"a," * 513)
    assert _refusal(path, "big.csv") == "文件过大：上限为 0 MB"


def test_an_exe_renamed_to_xlsx_is_refused(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    assert _refusal(path, "x.xlsx") == "文件不是电子表格（内容与 Excel 格式不符）"


def test_an_encrypted_workbook_is_refused(tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")
    )
    assert _refusal(path, "secret.xlsx") == "文件已加密，请取消密码保护后再导入"


def test_a_corrupt_zip_is_refused(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 50)
    assert _refusal(path, "broken.xlsx") == "文件已损坏，无法读取"


def test_xlsm_is_refused_by_name(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsm", [HEADER])
    assert _refusal(path, "m.xlsm") == "不接受含宏或二进制格式的工作簿，请另存为 .xlsx 后再导入"


def test_a_vba_project_inside_an_xlsx_is_refused(tmp_path):
    path = _minimal_zip(tmp_path / "v.xlsx", {"xl/vbaProject.bin": b"\x00" * 10})
    assert _refusal(path, "v.xlsx") == "不接受含宏的工作簿，请另存为不含宏的 .xlsx 后再导入"


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    path = _minimal_zip(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": b"0" * (8 * 1024 * 1024)})
    assert _refusal(path, "bomb.xlsx") == "文件结构异常（压缩比过高，疑似压缩炸弹），已拒绝"


def test_too_many_entries_are_refused(tmp_path, settings):
    settings.RONGHE_IMPORT_MAX_ENTRIES = 5
    path = _minimal_zip(tmp_path / "many.xlsx", {f"xl/x{i}.xml": "<a/>" for i in range(5)})
    assert _refusal(path, "many.xlsx") == "文件结构异常（压缩包内文件过多），已拒绝"


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hi")
    assert _refusal(path, "plain.xlsx") == "文件不是有效的 Excel 工作簿"


def test_other_extensions_are_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("姓名")
    assert _refusal(path, "a.txt") == "只接受 .xlsx 或 .csv 文件"


def test_binary_csv_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\x00\x01\x02abc")
    assert _refusal(path, "a.csv") == "文件不是电子表格（内容与 CSV 格式不符）"


def test_formula_cells_are_found_in_the_sheet_xml(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [HEADER, ['=A1&"x"', "男"]], title=None)
    assert formula_cells(path) == {(2, 0)}
