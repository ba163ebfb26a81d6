"""Units register rows: parse and validate each row, check names and credit codes against the register,
and the preview pass. Units are keyed by name: importing the same file again updates, never duplicates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ronghe.accounts.models import User
from ronghe.core.imports.errors import CellError, RowError
from ronghe.core.imports.jobs import Outcome
from ronghe.core.imports.reading import Header, locate_header, open_rows
from ronghe.core.imports.rejected import RejectedWriter
from ronghe.core.imports.values import clean_text
from ronghe.orgs import rules
from ronghe.orgs.imports.columns import ALIASES, LIMITS, REQUIRED, parse_kind, parse_staff
from ronghe.orgs.models import Organization, Unit


@dataclass
class UnitRow:
    number: int
    values: dict[str, Any]
    unit: Unit | None  # the registered unit of that name, or None: a new one


def _parse(number: int, cells: list[object], header: Header) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []

    def cell(name: str) -> object:
        index = header.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def label(name: str) -> str:
        return header.labels.get(name, ALIASES[name][0])

    for name, limit in LIMITS.items():
        if name in header.columns:
            values[name] = clean_text(cell(name))
            if len(values[name]) > limit:
                errors.append(RowError(number, label(name), f"内容过长，最多 {limit} 个字"))
    if not values.get("name"):
        errors.append(RowError(number, label("name"), "单位名称不能为空"))
    for name, parse in (("kind", parse_kind), ("staff_count", parse_staff)):
        if name in header.columns:
            try:
                values[name] = parse(cell(name))
            except CellError as exc:
                errors.append(RowError(number, label(name), str(exc)))
    if "credit_code" in header.columns:
        check = rules.check_credit_code(clean_text(cell("credit_code")))
        if check.problem:
            errors.append(RowError(number, label("credit_code"), check.problem))
        elif check.check_mismatch:
            errors.append(
                RowError(
                    number,
                    label("credit_code"),
                    f"校验位不符：按 GB 32100 计算第18位应为“{check.expected}”；如确认与证照一致，请在单位页面登记",
                )
            )
        values["credit_code"] = check.code
    return values, errors


def iterate(
    path: Path, kind: str
) -> Iterator[tuple[Header, int, list[object], list[UnitRow], list[RowError]]]:
    """Every row checked, against the register and the rows above it: (header, number, cells, ok, errors)."""
    rows = open_rows(path, kind)
    header = locate_header(rows, ALIASES, REQUIRED)
    by_name = {u.name: u for u in Unit.objects.all()}
    codes = {u.credit_code: u.name for u in by_name.values() if u.credit_code}
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    for number, cells in rows:
        values, errors = _parse(number, cells, header)
        name, code = values.get("name", ""), values.get("credit_code", "")
        if name and name in seen_names:
            errors.append(
                RowError(number, header.labels["name"], f"与第 {seen_names[name]} 行的单位名称重复")
            )
        if code and code in seen_codes:
            errors.append(
                RowError(number, header.labels["credit_code"], f"与第 {seen_codes[code]} 行的代码重复")
            )
        elif code and codes.get(code, name) != name:
            errors.append(RowError(number, header.labels["credit_code"], f"该代码已登记为“{codes[code]}”"))
        if name:
            seen_names.setdefault(name, number)
        if code:
            seen_codes.setdefault(code, number)
        ok = [] if errors else [UnitRow(number, values, by_name.get(name))]
        yield header, number, cells, ok, errors


def preview(
    *,
    path: Path,
    kind: str,
    target: Organization,
    user: User | None,
    progress: Callable[[int], None] | None = None,
    rejected_path: Path | None = None,
) -> Outcome:
    """Validate every row without writing; the rejected rows with their reasons go to a file."""
    outcome = Outcome()
    writer = RejectedWriter(rejected_path) if rejected_path else None
    try:
        for header, number, cells, ok, errors in iterate(path, kind):
            outcome.total += 1
            outcome.valid += len(ok)
            if errors:
                outcome.invalid.extend(errors)
                outcome.invalid_rows += 1
                if writer is not None:
                    writer.add(header, number, cells, errors)
            if progress is not None:
                progress(outcome.total)
    finally:
        if writer is not None:
            writer.close()
    return outcome
