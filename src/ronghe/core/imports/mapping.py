"""Column mapping: which field each column of an uploaded file is, decided before any row is checked.

Rules (issue 16 §11), pure functions over the header row and a sample of the rows under it:
- a header equal to a field's own label (its first name in the app's ALIASES) binds that field;
- otherwise a header equal to one of the field's aliases binds it, but never when another column
  carries the field's own label (身份证号 beside 公民身份号码 is not the ID number), and each field
  is bound to one column only (the first);
- a column whose sampled values clearly do not fit the field it was matched to (at least MIN_EVIDENCE
  non-empty samples, fewer than half of them fit) is not bound: the mapping asks the user instead of failing every row.
The user's choices (the mapping page, or `--map "列名=field"` on the command line) then override the
guess; `choose` refuses an unknown column or field and a field given to two columns.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.values import clean_text, normalize_header

SAMPLE_ROWS = 20  # rows under the header whose values are checked against the matched field
SHOWN_SAMPLES = 3  # values shown per column on the mapping page
MIN_EVIDENCE = 3  # non-empty samples needed before a column is doubted (one odd row is a row error)
IGNORED = ""  # a column not imported (不导入)


@dataclass(frozen=True)
class Check:
    """What a field's values look like: `what` names it in a message, `fits` says if one value does."""

    what: str
    fits: Callable[[object], bool]


@dataclass(frozen=True)
class ColumnSpec:
    """The columns an import kind knows: field → (own label, aliases …), the required fields, and
    the value checks of the fields that have one."""

    aliases: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    checks: Mapping[str, Check]

    def label(self, field: str) -> str:
        return self.aliases[field][0]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.aliases)


@dataclass(frozen=True)
class Column:
    """One column of the file and what it was understood as.

    `field` is the field it is imported as (IGNORED: not imported). `how` says why: "label", "alias",
    "remembered", "chosen" or "" (unmatched). A column in doubt (`doubt` is the reason, `suggested`
    the field its header matched) is not imported until someone decides."""

    index: int
    header: str
    field: str = IGNORED
    how: str = ""
    suggested: str = IGNORED
    doubt: str = ""

    @property
    def undecided(self) -> bool:
        return bool(self.doubt) and self.how not in ("remembered", "chosen")


@dataclass(frozen=True)
class ColumnMap:
    header_row: int  # the header's row number as the user sees it
    columns: tuple[Column, ...]

    def field_columns(self) -> dict[str, int]:
        """field → column index of the fields imported."""
        return {c.field: c.index for c in self.columns if c.field}

    def undecided(self) -> list[Column]:
        return [c for c in self.columns if c.undecided]

    def missing(self, spec: ColumnSpec) -> list[str]:
        """The required fields no column is imported as."""
        bound = self.field_columns()
        return [f for f in spec.required if f not in bound]

    def as_json(self) -> dict[str, object]:
        """What a job keeps of a confirmed mapping: the header row and the field of every column."""
        return {"header_row": self.header_row, "fields": [c.field for c in self.columns]}


def known_names(spec: ColumnSpec, extra: Iterable[object] = ()) -> set[str]:
    """Every header the spec recognises (own labels and aliases), normalised, and `extra`."""
    names = {normalize_header(a) for labels in spec.aliases.values() for a in labels}
    return names | {normalize_header(e) for e in extra}


def header_key(headers: Iterable[object]) -> str:
    """The key a remembered mapping is found under: the file's headers, normalised, in order."""
    text = "\x1f".join(normalize_header(h) for h in headers)
    return hashlib.sha256(text.encode()).hexdigest()


def match_headers(headers: Sequence[object], spec: ColumnSpec) -> list[tuple[str, str]]:
    """(field, how) per column by header alone: own labels first, then aliases of the fields whose
    own label no column carries; each field bound once (the first column)."""
    names = [normalize_header(h) for h in headers]
    own = {normalize_header(labels[0]): field for field, labels in spec.aliases.items()}
    alias = {normalize_header(a): field for field, labels in spec.aliases.items() for a in labels[1:]}
    result: list[tuple[str, str]] = [(IGNORED, "")] * len(names)
    bound: set[str] = set()
    for i, name in enumerate(names):
        field = own.get(name)
        if field and field not in bound:
            result[i] = (field, "label")
            bound.add(field)
    for i, name in enumerate(names):
        field = alias.get(name)
        if result[i][0] or not field or field in bound:
            continue
        result[i] = (field, "alias")
        bound.add(field)
    return result


def doubt_about(values: Iterable[object], check: Check) -> str:
    """ "" when the values may be `check.what`; else the reason, when fewer than half of the non-empty
    values fit (fewer than MIN_EVIDENCE non-empty values are no evidence and are not doubted)."""
    filled = [v for v in values if clean_text(v)]
    if len(filled) < MIN_EVIDENCE:
        return ""
    fitting = sum(1 for v in filled if check.fits(v))
    if fitting * 2 >= len(filled):
        return ""
    return f"抽查的 {len(filled)} 个值中只有 {fitting} 个像{check.what}"


def guess(
    header_row: int, headers: Sequence[object], samples: Sequence[Sequence[object]], spec: ColumnSpec
) -> ColumnMap:
    """The automatic mapping of a header row, its matches checked against the sample rows under it."""
    columns = []
    for index, (field, how) in enumerate(match_headers(headers, spec)):
        header = clean_text(headers[index])
        check = spec.checks.get(field)
        reason = doubt_about(_column(samples, index), check) if check else ""
        if reason:
            columns.append(Column(index, header, IGNORED, how, suggested=field, doubt=reason))
        else:
            columns.append(Column(index, header, field, how, suggested=field))
    return ColumnMap(header_row, tuple(columns))


def _column(rows: Sequence[Sequence[object]], index: int) -> list[object]:
    return [row[index] if index < len(row) else None for row in rows[:SAMPLE_ROWS]]


def samples_of(rows: Sequence[Sequence[object]], index: int) -> list[str]:
    """The first few non-empty values of a column, as text, for the mapping page."""
    found = [clean_text(v) for v in _column(rows, index) if clean_text(v)]
    return found[:SHOWN_SAMPLES]


_DIGITS = re.compile(r"\d{7,}")


def masked(sample: str) -> str:
    """A sample value for the mapping page with long digit runs masked (ID and phone numbers):
    enough to see what the column holds, not the number itself."""
    return _DIGITS.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 7) + m[0][-4:], sample)


def remembered(mapping: ColumnMap, fields: Sequence[str], spec: ColumnSpec) -> ColumnMap:
    """The guess with the fields confirmed last time for the same headers (unknown fields dropped)."""
    if len(fields) != len(mapping.columns):
        return mapping
    columns = tuple(
        replace(c, field=f, how="remembered") if f in spec.aliases or f == IGNORED else c
        for c, f in zip(mapping.columns, fields, strict=True)
    )
    return replace(mapping, columns=columns)


def choose(mapping: ColumnMap, choices: Mapping[int, str], spec: ColumnSpec) -> ColumnMap:
    """The mapping with the user's choices (column index → field, IGNORED for 不导入) applied.

    Raises ImportRefused (field "columns") for an unknown column or field, a field chosen for two
    columns, and required fields left without a column."""
    columns = list(mapping.columns)
    for index, field in choices.items():
        if not 0 <= index < len(columns):
            raise ImportRefused(f"文件中没有第 {index + 1} 列", field="columns")
        if field != IGNORED and field not in spec.aliases:
            raise ImportRefused(f"没有名为“{field}”的字段", field="columns")
        columns[index] = replace(columns[index], field=field, how="chosen")
    # a field chosen for one column leaves the column it was guessed for
    chosen = {c.field for c in columns if c.how == "chosen" and c.field}
    columns = [replace(c, field=IGNORED) if c.how != "chosen" and c.field in chosen else c for c in columns]
    result = replace(mapping, columns=tuple(columns))
    check_complete(result, spec)
    return result


def check_complete(mapping: ColumnMap, spec: ColumnSpec) -> None:
    """Refuse a mapping with a field on two columns, or a required field on none."""
    seen: dict[str, Column] = {}
    for column in mapping.columns:
        if not column.field:
            continue
        first = seen.setdefault(column.field, column)
        if first is not column:
            raise ImportRefused(
                f"“{spec.label(column.field)}”被指定给了两列：“{first.header}”和“{column.header}”",
                field="columns",
            )
    missing = mapping.missing(spec)
    if missing:
        names = "、".join(spec.label(f) for f in missing)
        raise ImportRefused(f"缺少必填列：{names}，请指定文件中对应的列", field="columns")


def parse_map_options(options: Iterable[str], headers: Sequence[object], spec: ColumnSpec) -> dict[int, str]:
    """`--map "列名=field"` options → column index → field. The field is its code (id_number) or
    its own label (公民身份号码); "不导入" or an empty field leaves the column out."""
    by_header: dict[str, int] = {}
    for index, header in enumerate(headers):
        by_header.setdefault(normalize_header(header), index)
    by_label = {normalize_header(labels[0]): field for field, labels in spec.aliases.items()}
    choices: dict[int, str] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name.strip():
            raise ImportRefused(f"--map 参数“{option}”格式不正确，应为“列名=字段”", field="columns")
        at = by_header.get(normalize_header(name))
        if at is None:
            raise ImportRefused(f"--map：文件表头中没有名为“{name.strip()}”的列", field="columns")
        value = value.strip()
        if value in ("", "不导入", "-"):
            field = IGNORED
        elif value in spec.aliases:
            field = value
        elif normalize_header(value) in by_label:
            field = by_label[normalize_header(value)]
        else:
            known = "、".join(spec.fields)
            raise ImportRefused(f"--map：没有名为“{value}”的字段，可用的字段有：{known}", field="columns")
        choices[at] = field
    return choices


def from_json(data: Mapping[str, object], headers: Sequence[object], spec: ColumnSpec) -> ColumnMap:
    """A job's confirmed mapping (`ColumnMap.as_json`) over the header row it was confirmed for."""
    fields = data.get("fields")
    row = data.get("header_row")
    if not isinstance(fields, list) or not isinstance(row, int):
        raise ImportRefused("导入任务的列对应关系无效，请重新上传")
    columns = tuple(
        Column(i, clean_text(headers[i]) if i < len(headers) else "", str(f), "chosen")
        for i, f in enumerate(fields)
    )
    return ColumnMap(row, columns)


def refuse_undecided(mapping: ColumnMap, spec: ColumnSpec) -> None:
    """The automatic rules alone (no one to ask): refuse columns in doubt and missing required ones."""
    for column in mapping.undecided():
        raise ImportRefused(
            f"“{column.header}”列按表头应为“{spec.label(column.suggested)}”，但{column.doubt}"
            f'（可用 --map "{column.header}=字段" 指定）',
            field="columns",
        )
    check_complete(mapping, spec)
