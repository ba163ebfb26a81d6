"""Refuse what is not a safe spreadsheet before any parser sees it (security.md FILE-1..4).

Checks, in order: size, extension allowlist (.xlsx .xls .csv; .xlsm refused), magic bytes
matching the extension, encrypted OLE packages, and for .xlsx a pre-scan of the ZIP central
directory (entry count, total declared size, per-entry ratio, a workbook part, no VBA project).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from django.conf import settings

from ronghe.core.imports.errors import ImportRefused

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ALLOWED = (".xlsx", ".xls", ".csv")
RATIO_MIN_SIZE = 1024 * 1024  # small parts compress very well and are harmless


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    return limit("RONGHE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


def check_upload(path: Path, original_name: str) -> str:
    """Return the file kind ("xlsx", "xls" or "csv") or raise ImportRefused with a Chinese message."""
    size = path.stat().st_size
    if size > max_bytes():
        raise ImportRefused(f"文件过大：上限为 {max_bytes() // (1024 * 1024)} MB")
    if size == 0:
        raise ImportRefused("文件是空的")
    suffix = Path(original_name or "").suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb"):
        raise ImportRefused("不接受含宏或二进制格式的工作簿，请另存为 .xlsx 后再导入")
    if suffix not in ALLOWED:
        raise ImportRefused("只接受 .xlsx、.xls 或 .csv 文件")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise ImportRefused("文件已加密，请取消密码保护后再导入")
        if suffix != ".xls":
            raise ImportRefused("文件内容与扩展名不符，不是有效的电子表格")
        return "xls"
    if head.startswith(ZIP_MAGIC):
        if suffix != ".xlsx":
            raise ImportRefused("文件内容与扩展名不符，不是有效的电子表格")
        _scan_zip(path)
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
