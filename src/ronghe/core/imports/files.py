"""Refuse what is not a safe spreadsheet before any parser sees it (security.md FILE-1..4).

Checks, in order: size, extension allowlist (.xlsx .csv; .xlsm and .xls refused), magic bytes
matching the extension, encrypted OLE packages, and for .xlsx a pre-scan of the ZIP central
directory (entry count, total declared size, per-entry ratio, a workbook part, no VBA project, no
OpenDocument or binary parts calamine could fall back to) and of the sheets' extent: the declared
`<dimension ref>` and the real position of every cell, streamed from the sheet XML, must stay within
the rows and columns a roster can have. calamine allocates the sheet's whole rectangle, so one cell
at XFD1048576 in a 1.6 KB file would ask for 512 GB: it is refused here, before calamine opens it.
.xls (BIFF) is refused: its cell records sit in an OLE container this module does not walk.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO

from django.conf import settings

from ronghe.core.imports.errors import ImportRefused

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ALLOWED = (".xlsx", ".csv")
XLS_REFUSED = "不接受旧版 .xls 文件，请在 Excel 或 WPS 中“另存为” .xlsx 后再导入"
RATIO_MIN_SIZE = 1024 * 1024  # small parts compress very well and are harmless


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    return limit("RONGHE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


def max_rows() -> int:
    """Data rows an import takes (RONGHE_IMPORT_MAX_ROWS)."""
    return limit("RONGHE_IMPORT_MAX_ROWS", 200_000)


def max_sheet_rows() -> int:
    """The last row number a sheet may use: the row limit plus room for title rows and blank lines."""
    return max_rows() + limit("RONGHE_IMPORT_SPARE_ROWS", 1_000)


def max_columns() -> int:
    return limit("RONGHE_IMPORT_MAX_COLUMNS", 100)


def max_cells() -> int:
    """Rows × columns of the rectangle calamine allocates (about 32 bytes each)."""
    return limit("RONGHE_IMPORT_MAX_CELLS", 10_000_000)


def check_upload(path: Path, original_name: str) -> str:
    """Return the file kind ("xlsx" or "csv") or raise ImportRefused with a Chinese message."""
    size = path.stat().st_size
    if size > max_bytes():
        raise ImportRefused(f"文件过大：上限为 {max_bytes() // (1024 * 1024)} MB")
    if size == 0:
        raise ImportRefused("文件是空的")
    suffix = Path(original_name or "").suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb"):
        raise ImportRefused("不接受含宏或二进制格式的工作簿，请另存为 .xlsx 后再导入")
    if suffix == ".xls":
        raise ImportRefused(XLS_REFUSED)
    if suffix not in ALLOWED:
        raise ImportRefused("只接受 .xlsx 或 .csv 文件")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise ImportRefused("文件已加密，请取消密码保护后再导入")
        raise ImportRefused("文件内容与扩展名不符，不是有效的电子表格")
    if head.startswith(ZIP_MAGIC):
        if suffix != ".xlsx":
            raise ImportRefused("文件内容与扩展名不符，不是有效的电子表格")
        _scan_zip(path)
        check_extent(path)
        return "xlsx"
    if suffix == ".csv":
        _check_text(path)
        return "csv"
    raise ImportRefused("文件不是电子表格（内容与 Excel 格式不符）")


def _is_encrypted_ole(path: Path) -> bool:
    """An encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream."""
    marker = "EncryptedPackage".encode("utf-16-le")
    with path.open("rb") as fh:
        chunk = fh.read(1024 * 1024)
    return marker in chunk


def _scan_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused("文件已损坏，无法读取") from exc
    if len(infos) > limit("RONGHE_IMPORT_MAX_ENTRIES", 10_000):
        raise ImportRefused("文件结构异常（压缩包内文件过多），已拒绝")
    total = 0
    names = set()
    for info in infos:
        names.add(info.filename)
        total += info.file_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > limit("RONGHE_IMPORT_MAX_RATIO", 100) * max(
            info.compress_size, 1
        ):
            raise ImportRefused("文件结构异常（压缩比过高，疑似压缩炸弹），已拒绝")
    if total > limit("RONGHE_IMPORT_MAX_UNCOMPRESSED", 200 * 1024 * 1024):
        raise ImportRefused("文件解压后过大，已拒绝")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ImportRefused("不接受含宏的工作簿，请另存为不含宏的 .xlsx 后再导入")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportRefused("文件不是有效的 Excel 工作簿")
    # calamine falls back to other formats when the workbook part does not parse: refuse them here
    if "content.xml" in names or "xl/workbook.bin" in names:
        raise ImportRefused("文件结构异常（混有其他格式的内容），请用 Excel 另存为 .xlsx 后再导入")


def _check_text(path: Path) -> None:
    with path.open("rb") as fh:
        sample = fh.read(64 * 1024)
    if b"\x00" in sample:
        raise ImportRefused("文件不是电子表格（内容与 CSV 格式不符）")
    csv_encoding(sample)


def csv_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, as Excel in Chinese Windows saves CSV."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError as exc:
            # a multi-byte character cut at the sample's end is fine
            if exc.start >= len(sample) - 4:
                return encoding
            continue
        return encoding
    raise ImportRefused("CSV 文件编码无法识别，请保存为 UTF-8 或 GBK 编码")


_SHEET_RE = re.compile(rb'<sheet\b[^>]*\br:id="([^"]+)"')
_REL_RE = re.compile(rb"<Relationship\b[^>]*>")
_FORMULA_RE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*<(?:\w+:)?f[\s>/]')


def column_index(letters: str) -> int:
    """Column letters → 0-based index (A → 0, AA → 26)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def formula_cells(path: Path) -> set[tuple[int, int]]:
    """(row number, column index) of every formula cell of the first sheet, streamed from its XML."""
    found: set[tuple[int, int]] = set()
    with zipfile.ZipFile(path) as zf:
        target = _first_sheet_part(zf)
        if target is None:
            return found
        with zf.open(target) as fh:
            tail = b""
            while True:
                chunk = fh.read(1024 * 1024)
                if not chunk:
                    break
                data = tail + chunk
                # Most sheets have no formula: two byte searches rule a chunk out far faster than
                # the cell pattern (a formula element is <f …> or <x:f …>).
                if b"<f" in data or b":f" in data:
                    for match in _FORMULA_RE.finditer(data):
                        found.add((int(match.group(2)), column_index(match.group(1).decode())))
                tail = data[-512:]
    return found


def _first_sheet_part(zf: zipfile.ZipFile) -> str | None:
    workbook = zf.read("xl/workbook.xml")
    match = _SHEET_RE.search(workbook)
    names = set(zf.namelist())
    if match and "xl/_rels/workbook.xml.rels" in names:
        rid = match.group(1)
        for rel in _REL_RE.findall(zf.read("xl/_rels/workbook.xml.rels")):
            if f'Id="{rid.decode()}"'.encode() in rel:
                target = re.search(rb'Target="([^"]+)"', rel)
                if target:
                    part = target.group(1).decode().lstrip("/")
                    part = part if part.startswith("xl/") else "xl/" + part
                    if part in names:
                        return part
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return sheets[0] if sheets else None


# --- the sheets' extent -----------------------------------------------------------------------

_DIMENSION_RE = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
# Excel, WPS, openpyxl and xlsxwriter write `<c r="A1"` and `<row r="1"`: these literal-prefixed
# patterns are searched at C speed; anything else is followed tag by tag (`_check_sheet_exact`).
_CELL_COLUMNS_RE = re.compile(rb'<c r="([A-Z]{1,3})')
_CELL_ROWS_RE = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"')
_ROW_NUMBERS_RE = re.compile(rb'<row r="(\d{1,7})"')
_TAG_RE = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_ROW_TAG_RE = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
_CELL_REF_RE = re.compile(rb"<(?:[\w.-]+:)?c\s[^>]*?\br\s*=\s*[\"']([A-Z]{1,3})(\d{1,7})[\"']")
_ROW_REF_RE = re.compile(rb"<(?:[\w.-]+:)?row\s[^>]*?\br\s*=\s*[\"'](\d{1,7})[\"']")
_TAG_RE = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_ATTR_R_RE = re.compile(rb"\br\s*=\s*[\"']([^\"']*)[\"']")
_REF_RE = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,7})")
CHUNK = 1024 * 1024
LONG_TAG = 64 * 1024


def check_extent(path: Path) -> None:
    """Refuse a workbook whose sheets reach beyond the rows and columns a roster can have.

    Reads only the sheet XML, a chunk at a time (never the whole part): first each `<dimension ref>`,
    then the position of every cell (its `r`, or the position implied by the cells and rows before
    it when `r` is left out). Must run before calamine opens the file."""
    try:
        with zipfile.ZipFile(path) as zf:
            for part in _sheet_parts(zf):
                with zf.open(part) as fh:
                    _check_sheet(fh)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError) as exc:
        raise ImportRefused("文件已损坏，无法读取") from exc


def _sheet_parts(zf: zipfile.ZipFile) -> list[str]:
    """Every worksheet part: the workbook's first sheet (as its relationships name it) and all of
    xl/worksheets/ (calamine is asked for the first sheet; the others are checked as well)."""
    names = set(zf.namelist())
    parts = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    first = _first_sheet_part(zf)
    if first is not None and first not in parts:
        parts.insert(0, first)
    return parts


def _too_large(rows: int, columns: int) -> str | None:
    if columns > max_columns():
        return f"表格列数过多（用到第 {columns} 列），名册最多 {max_columns()} 列"
    if rows > max_sheet_rows():
        return f"表格行数过多（用到第 {rows} 行），名册最多 {max_rows()} 行，请删除多余内容或拆分文件"
    if rows * columns > max_cells():
        return f"表格范围过大（{rows} 行 × {columns} 列），请删除多余的行列或拆分文件"
    return None


def _refuse_extent(rows: int, columns: int, declared: bool) -> None:
    problem = _too_large(rows, columns)
    if problem:
        where = "工作表声明的范围" if declared else "工作表中有单元格位于很远的位置"
        raise ImportRefused(f"{problem}（{where}），已拒绝。请复制有效数据到新表格后再导入")


def _check_sheet(fh: IO[bytes]) -> None:
    """Stream one sheet part; the fast path reads explicit refs with C-level regex searches, and a
    part with cells or rows lacking `r` is re-read tag by tag to follow the implied positions."""
    read = fh.read
    max_row = max_col = 0
    implied = False
    dimension_seen = False
    leftover = b""
    while True:
        chunk = read(CHUNK)
        data = leftover + chunk
        if not chunk:
            body, leftover = data, b""
        else:
            cut = data.rfind(b"<")
            body, leftover = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
            if len(leftover) > LONG_TAG:
                end = leftover.find(b">")
                if end < 0:
                    raise ImportRefused("文件结构异常（工作表内容无法解析），已拒绝")
                body, leftover = body + leftover[: end + 1], b""
        if not dimension_seen and b"dimension" in body:
            found = _DIMENSION_RE.search(body)
            if found:
                dimension_seen = True
                _check_dimension(found.group(1).decode("ascii", "replace"))
        columns = set(_CELL_COLUMNS_RE.findall(body))
        cell_refs = _CELL_ROWS_RE.findall(body)
        cell_rows = set(cell_refs)
        row_numbers = set(_ROW_NUMBERS_RE.findall(body))
        if not implied:
            cells = sum(body.count(t) for t in (b"<c ", b"<c>", b"<c/>"))
            rows = sum(body.count(t) for t in (b"<row ", b"<row>", b"<row/>"))
            if (
                cells != body.count(b'<c r="')
                or cells != len(cell_refs)
                or rows != body.count(b'<row r="')
                or b":c " in body
                or b":row " in body
            ):
                implied = True  # cells or rows without `r`, or written otherwise: followed tag by tag below
        if columns:
            max_col = max(max_col, max(column_index(c.decode()) + 1 for c in columns))
        for numbers in (cell_rows, row_numbers):
            if numbers:
                max_row = max(max_row, max(int(n) for n in numbers))
        _refuse_extent(max_row, max_col, declared=False)
        if not chunk:
            break
    if implied:
        fh.seek(0)
        _check_sheet_exact(fh)


def _check_dimension(ref: str) -> None:
    last = ref.strip().split(":")[-1].upper()
    match = _REF_RE.fullmatch(last)
    if match is None:
        if last:
            raise ImportRefused("文件结构异常（工作表范围无法识别），已拒绝")
        return
    _refuse_extent(int(match.group(2)), column_index(match.group(1)) + 1, declared=True)


def _check_sheet_exact(fh: IO[bytes]) -> None:
    """Follow every `<row>` and `<c>` tag as calamine does: a row without `r` follows the previous
    row, a cell without `r` the previous cell of its row."""
    read = fh.read
    row = col = 0  # 1-based; 0 = before the first
    max_row = max_col = 0
    leftover = b""
    while True:
        chunk = read(CHUNK)
        data = leftover + chunk
        if chunk:
            cut = data.rfind(b"<")
            body, leftover = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
            if len(leftover) > LONG_TAG:
                end = leftover.find(b">")
                if end < 0:
                    raise ImportRefused("文件结构异常（工作表内容无法解析），已拒绝")
                body, leftover = body + leftover[: end + 1], b""
        else:
            body, leftover = data, b""
        for match in _TAG_RE.finditer(body):
            attr = _ATTR_R_RE.search(match.group(2))
            if match.group(1) == b"row":
                row = int(attr.group(1)) if attr and attr.group(1).isdigit() else row + 1
                col = 0
            else:
                if attr:
                    ref = _REF_RE.fullmatch(attr.group(1).decode("ascii", "replace").upper())
                    if ref is None:
                        raise ImportRefused("文件结构异常（单元格位置无法识别），已拒绝")
                    row, col = int(ref.group(2)), column_index(ref.group(1)) + 1
                else:
                    col += 1
            max_row, max_col = max(max_row, row), max(max_col, col)
        _refuse_extent(max_row, max_col, declared=False)
        if not chunk:
            break
