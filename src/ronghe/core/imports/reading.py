"""Stream the rows of an uploaded spreadsheet and find its header row.

.xlsx goes through python-calamine (after `files.check_extent`): the sheet is read natively and `iter_rows` hands rows to
Python one at a time, so a 100,000-row workbook is never a Python list. Merged cells give every
covered cell the value of their top-left cell. .csv is read line by line (UTF-8 or GB18030).
"""

from __future__ import annotations

import csv
import itertools
import threading
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import python_calamine as pc

from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.files import csv_encoding, max_rows
from ronghe.core.imports.mapping import (
    SAMPLE_ROWS,
    ColumnMap,
    ColumnSpec,
    check_complete,
    from_json,
    guess,
    known_names,
    refuse_undecided,
)
from ronghe.core.imports.values import clean_text, normalize_header

Row = tuple[int, list[object]]  # (row number as the user sees it, cell values)

# calamine loads a whole sheet even to read its head. A caller that reads the head and then the whole
# file in the same process (`ronghe import_members`) asks to keep the loaded sheet: the next read of
# the same file takes it, once. One entry, so at most one sheet is held.
_kept: dict[tuple[str, int, int], pc.CalamineSheet] = {}
_kept_lock = threading.Lock()


def _load_sheet(path: Path, keep: bool) -> pc.CalamineSheet:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _kept_lock:
        sheet = _kept.pop(key, None)
    if sheet is None:
        sheet = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    if keep:
        with _kept_lock:
            _kept.clear()
            _kept[key] = sheet
    return sheet


def open_rows(path: Path, kind: str, *, keep: bool = False) -> Generator[Row, None, None]:
    """Yield the non-empty rows of the first sheet; raise ImportRefused if the file cannot be read.
    `keep`: hand the loaded sheet to the next read of this file (see `_kept`)."""
    limit = max_rows()
    source = _csv_rows(path) if kind == "csv" else _sheet_rows(path, keep)
    count = 0
    for number, values in source:
        if not any(v not in (None, "") for v in values):
            continue
        count += 1
        if count > limit:
            raise ImportRefused(f"行数超过上限 {limit} 行，请拆分文件后再导入")
        yield number, values


def _sheet_rows(path: Path, keep: bool = False) -> Iterator[Row]:
    try:
        sheet = _load_sheet(path, keep)
        merged = sheet.merged_cell_ranges or []
        first_row = sheet.start[0] if sheet.start else 0
        first_col = sheet.start[1] if sheet.start else 0
        anchors_at, covered_at = _merged_maps(merged, first_col)
        anchors: dict[tuple[int, int], object] = {}
        for offset, cells in enumerate(sheet.iter_rows()):
            r = first_row + offset
            values: list[object] = list(cells)
            for c0 in anchors_at.get(r, ()):
                anchors[(r, c0)] = values[c0] if 0 <= c0 < len(values) else None
            for anchor, cc in covered_at.pop(r, ()):
                if 0 <= cc < len(values) and values[cc] in (None, ""):
                    values[cc] = anchors.get(anchor)
            yield r + 1, values
    except pc.PasswordError as exc:
        raise ImportRefused("文件已加密，请取消密码保护后再导入") from exc
    except (pc.CalamineError, pc.XmlError, pc.ZipError, ValueError, OSError) as exc:
        raise ImportRefused("文件已损坏或格式不正确，无法读取") from exc


def _merged_maps(
    merged: Iterable[tuple[tuple[int, int], tuple[int, int]]], first_col: int
) -> tuple[dict[int, list[int]], dict[int, list[tuple[tuple[int, int], int]]]]:
    """Row → anchor columns on it, and row → (anchor, column) of the cells merged into an anchor."""
    anchors_at: dict[int, list[int]] = {}
    covered_at: dict[int, list[tuple[tuple[int, int], int]]] = {}
    for (r0, c0), (r1, c1) in merged:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
            continue
        anchor = (r0, c0 - first_col)
        anchors_at.setdefault(r0, []).append(anchor[1])
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered_at.setdefault(r, []).append((anchor, c - first_col))
    return anchors_at, covered_at


def _csv_rows(path: Path) -> Iterator[Row]:
    with path.open("rb") as raw:
        encoding = csv_encoding(raw.read(64 * 1024))
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            for number, values in enumerate(csv.reader(fh), start=1):
                yield number, list(values)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportRefused("CSV 文件已损坏或编码不一致，无法读取") from exc


@dataclass(frozen=True)
class Header:
    row: int  # header row number
    columns: dict[str, int]  # field → column index
    labels: dict[str, str]  # field → header text as written in the file
    cells: list[object]  # the header row as read


def locate_header(
    rows: Iterator[Row], aliases: dict[str, tuple[str, ...]], required: Iterable[str], scan: int = 20
) -> Header:
    """Consume rows until one names all `required` fields (title rows above it are skipped)."""
    lookup = {normalize_header(a): field for field, names in aliases.items() for a in names}
    required = list(required)
    for _ in range(scan):
        try:
            number, values = next(rows)
        except StopIteration:
            break
        columns: dict[str, int] = {}
        labels: dict[str, str] = {}
        for index, value in enumerate(values):
            field = lookup.get(normalize_header(value))
            if field and field not in columns:
                columns[field] = index
                labels[field] = clean_text(value)
        if all(f in columns for f in required):
            return Header(number, columns, labels, list(values))
    names = "、".join(aliases[f][0] for f in required)
    raise ImportRefused(f"未找到表头：表格前 {scan} 行中没有同时包含“{names}”的一行")


@dataclass(frozen=True)
class Head:
    """The header row of a file and the rows under it that the column mapping samples."""

    row: int
    cells: list[object]
    samples: list[list[object]]


def split_head(
    rows: Iterator[Row], known: Iterable[str], *, scan: int = 20, samples: int = SAMPLE_ROWS
) -> tuple[Head, Iterator[Row]]:
    """The header row among the first `scan` rows and a sample under it; the rows after the header.

    The header is the row with the most cells naming a known column (`known`, normalised headers),
    the first of equals; when no row names one, the widest row (a file with headers of its own,
    for the user to map). ImportRefused for a file with no rows."""
    head = list(itertools.islice(rows, scan))
    if not head:
        raise ImportRefused("文件中没有数据")
    names = set(known)

    def score(row: Row) -> tuple[int, int]:
        values = row[1]
        return (
            sum(1 for v in values if normalize_header(v) in names),
            sum(1 for v in values if clean_text(v)),
        )

    at = max(range(len(head)), key=lambda i: score(head[i]))  # max keeps the first of equals
    number, cells = head[at]
    after = head[at + 1 :]
    after += itertools.islice(rows, max(0, samples - len(after)))
    rest = itertools.chain(after, rows)
    return Head(number, list(cells), [values for _, values in after[:samples]]), rest


def header_from(head: Head, fields: dict[str, int]) -> Header:
    """The Header the row parsers use, from a confirmed mapping (field → column index)."""
    labels = {f: clean_text(head.cells[i]) if i < len(head.cells) else "" for f, i in fields.items()}
    return Header(head.row, dict(fields), labels, list(head.cells))


def recognised(head: Head, known: Iterable[str]) -> bool:
    """Whether any cell of the header row names a known column."""
    names = set(known)
    return any(normalize_header(v) in names for v in head.cells)


def read_columns(
    path: Path, kind: str, spec: ColumnSpec, extra: Iterable[object] = (), *, keep: bool = False
) -> tuple[Head, ColumnMap]:
    """The header and samples of a file and its automatic mapping (`mapping.guess`); `extra` are
    more header names that mark the header row (those the user named in `--map`). `keep` when the
    whole file is read next in this process."""
    rows = open_rows(path, kind, keep=keep)
    try:
        head, _rest = split_head(rows, known_names(spec, extra))
    finally:
        rows.close()  # release the sheet: only its head was wanted
    return head, guess(head.row, head.cells, head.samples, spec)


def open_mapped(
    path: Path, kind: str, spec: ColumnSpec, columns: Mapping[str, object] | None
) -> tuple[Header, Iterator[Row]]:
    """The header and the data rows of a file, read with a confirmed mapping (`ColumnMap.as_json`)
    or, without one, by the automatic rules alone, which refuse a file with columns in doubt."""
    rows = open_rows(path, kind)
    if columns is not None:
        wanted = columns.get("header_row")
        for number, cells in rows:
            if number == wanted:
                confirmed = from_json(columns, cells, spec)
                check_complete(confirmed, spec)
                return header_from(Head(number, list(cells), []), confirmed.field_columns()), rows
        raise ImportRefused("文件中找不到确认过的表头行，请重新上传")
    head, rest = split_head(rows, known_names(spec))
    if not recognised(head, known_names(spec)):
        names = "、".join(spec.label(f) for f in spec.required)
        raise ImportRefused(f"未找到表头：表格前 20 行中没有同时包含“{names}”的一行")
    automatic = guess(head.row, head.cells, head.samples, spec)
    refuse_undecided(automatic, spec)
    return header_from(head, automatic.field_columns()), rest
