"""Roster rows: parse and validate each row of a file, check it against the roster, and the
preview pass that does only that.

Both passes stream the file (core.imports.reading) and validate each row the same way. Members are
keyed by the blind index of their 公民身份号码, so importing the same file again updates and never
duplicates.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connection

from ronghe.accounts.models import User
from ronghe.core import crypto, dbfeatures
from ronghe.core.idnumbers import SHANGHAI, IdentifierError, parse_id_number, parse_phone
from ronghe.core.imports.errors import CellError, RowError
from ronghe.core.imports.files import formula_cells
from ronghe.core.imports.jobs import Outcome
from ronghe.core.imports.reading import Header, open_mapped
from ronghe.core.imports.rejected import RejectedWriter
from ronghe.core.imports.values import clean_text, parse_date
from ronghe.core.scope import paths_with
from ronghe.members.choices import MemberStatus
from ronghe.members.imports.columns import (
    ALIASES,
    DATE_FIELDS,
    GENDERS,
    KEY_COLUMNS,
    SPEC,
    STATUS_BY_LABEL,
    STATUSES,
    TEXT_LIMITS,
    parse_education,
    parse_gender,
    parse_occupation,
)
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

BATCH = 2000  # rows validated, checked against the roster and written together


@dataclass
class MemberRow:
    number: int
    id_number: str
    index: str
    values: dict[str, Any]
    organization: Organization | None  # None: the row names no organization
    phone: str | None  # None: no phone column


class Registered(NamedTuple):
    """What the import checks of a member already registered under a row's ID number: plain values read
    without building model instances (a re-import of 100,000 rows matches every one)."""

    pk: int
    organization_id: int
    path: str
    organization_name: str
    status: str

    @property
    def status_label(self) -> str:
        return str(MemberStatus(self.status).label)


def _norm_name(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


class OrgIndex:
    """Organizations of the target subtree by name, and the importer's writable paths."""

    def __init__(self, target: Organization, user: User | None) -> None:
        self.target = target
        self.by_name: dict[str, list[Organization]] = {}
        for org in Organization.objects.filter(path__startswith=target.path, is_active=True):
            self.by_name.setdefault(_norm_name(org.name), []).append(org)
        self.scope_paths = paths_with(user, "members.import") if user is not None else [target.path]

    def in_scope(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.scope_paths)

    def resolve(self, name: str) -> Organization:
        found = self.by_name.get(_norm_name(name), [])
        if len(found) == 1:
            if not self.in_scope(found[0].path):
                raise CellError(f"党组织“{name}”不在您的管理范围内")
            return found[0]
        if len(found) > 1:
            raise CellError(f"“{self.target.name}”下有多个名为“{name}”的党组织，请在系统中区分名称后再导入")
        elsewhere = Organization.objects.filter(name=name).only("path").first()
        if elsewhere is not None and not self.in_scope(elsewhere.path):
            raise CellError(f"党组织“{name}”不在您的管理范围内")
        if elsewhere is not None:
            raise CellError(f"党组织“{name}”不在导入目标“{self.target.name}”之下")
        raise CellError(f"未找到名为“{name}”的党组织")


# Columns whose cells repeat down a roster (dates, enums, places, organization names): each distinct
# cell is parsed once per file. Names, ID and phone numbers and remarks are parsed every time.
MEMO_LIMIT = 50_000  # distinct cells remembered per column before the memo starts again


class RowParser:
    """Validate rows of one file: every bad cell becomes a RowError naming the file's column header.

    Built once per file: column positions, labels and "today" are looked up once, a cell value seen
    before in the same column reuses its parsed value or error message, and the ID blind index
    comes from one `BatchCipher`.
    """

    def __init__(
        self,
        header: Header,
        orgs: OrgIndex,
        formulas: set[tuple[int, int]],
        cipher: crypto.BatchCipher | None = None,
    ) -> None:
        self.header = header
        self.orgs = orgs
        self.formulas = formulas
        self.cipher = cipher or crypto.BatchCipher()
        self.today = _today()
        columns = header.columns
        self.col: dict[str, int | None] = {name: columns.get(name) for name in ALIASES}
        self.label = {name: header.labels.get(name, ALIASES[name][0]) for name in ALIASES}
        self.formula_cols = [(n, columns[n]) for n in KEY_COLUMNS if n in columns] if formulas else []
        self.texts = [(n, columns[n], limit_) for n, limit_ in TEXT_LIMITS.items() if n in columns]
        self.dates = [(n, columns[n]) for n in DATE_FIELDS if n in columns]
        self.memos: dict[str, dict[tuple[type, object], tuple[Any, str | None]]] = {}

    def memo(self, column: str, raw: object, parse: Callable[[object], Any]) -> tuple[Any, str | None]:
        """(parsed value, None) or (None, error message) for a cell, parsed once per distinct value."""
        memo = self.memos.setdefault(column, {})
        key = (raw.__class__, raw)  # 1, 1.0 and True are equal keys, but not the same cell
        found = memo.get(key)
        if found is None:
            try:
                found = (parse(raw), None)
            except CellError as exc:
                found = (None, str(exc))
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[key] = found
        return found

    def __call__(self, number: int, cells: list[object]) -> tuple[MemberRow | None, list[RowError]]:
        errors: list[RowError] = []
        values: dict[str, Any] = {}
        label = self.label
        size = len(cells)

        def cell(name: str) -> object:
            index = self.col[name]
            return cells[index] if index is not None and index < size else None

        def fail(name: str, message: str) -> None:
            errors.append(RowError(number, label[name], message))

        for name, index in self.formula_cols:
            if (number, index) in self.formulas:
                fail(name, "该单元格是公式，此列必须直接填写数值或文字")
        if errors:
            return None, errors

        for name, index, limit_ in self.texts:
            raw = cells[index] if index < size else None
            if name in ("name", "remarks"):
                text = clean_text(raw)
            else:
                text = self.memo(name, raw, clean_text)[0]
            if len(text) > limit_:
                fail(name, f"内容过长，最多 {limit_} 个字")
            values[name] = text
        if not values.get("name"):
            fail("name", "姓名不能为空")
        if "ethnicity" in values and not values["ethnicity"]:
            values["ethnicity"] = "汉族"

        raw_id = cell("id_number")
        id_number, blind, info = "", "", None
        if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
            fail("id_number", "身份证号列必须为文本格式")
        else:
            try:
                info = parse_id_number(clean_text(raw_id), today=self.today)
                id_number = info.number
                blind = self.cipher.blind_index(id_number, "id_number")
            except IdentifierError as exc:
                fail("id_number", str(exc))

        for name, column in self.dates:
            parsed, message = self.memo(name, cells[column] if column < size else None, parse_date)
            if message is None:
                values[name] = parsed
            else:
                fail(name, message)
        if "joined_on" in values and values["joined_on"] is None:
            fail("joined_on", "入党日期不能为空")
        joined, full = values.get("joined_on"), values.get("full_on")
        if joined and joined > self.today:
            fail("joined_on", "入党日期不能晚于今天")
        if joined and full and full < joined:
            fail("full_on", "转正日期不能早于入党日期")

        gender_text = (
            self.memo("gender", cell("gender"), parse_gender)[0] if self.col["gender"] is not None else ""
        )
        if gender_text and gender_text not in GENDERS:
            fail("gender", "性别应为“男”或“女”")
        if info is not None:
            if gender_text in GENDERS and gender_text != info.sex:
                fail("gender", "性别与公民身份号码不一致")
            values["gender"] = info.sex
            born = values.get("birth_date")
            if born and born != info.birth_date:
                fail("birth_date", "出生日期与公民身份号码不一致")
            values["birth_date"] = info.birth_date
            if joined and _years_between(info.birth_date, joined) < 18:
                fail("joined_on", "入党时未满18周岁，请核对入党日期")

        for name, parse in (("education", parse_education), ("occupation", parse_occupation)):
            if self.col[name] is not None:
                parsed, message = self.memo(name, cell(name), parse)
                if message is None:
                    values[name] = parsed
                else:
                    fail(name, message)

        status_text = (
            self.memo("status", cell("status"), clean_text)[0] if self.col["status"] is not None else ""
        )
        if status_text:
            status = STATUS_BY_LABEL.get(status_text) or (status_text if status_text in STATUSES else None)
            if status is None:
                fail("status", "党员状态应为“正式党员”或“预备党员”")
            elif status == MemberStatus.PROBATIONARY and full:
                fail("status", "预备党员不应填写转正日期")
            values["status"] = status
        else:
            values["status"] = MemberStatus.FULL if full else MemberStatus.PROBATIONARY

        phone: str | None = None
        if self.col["phone"] is not None:
            text = clean_text(cell("phone"))
            try:
                phone = parse_phone(text) if text else ""
            except IdentifierError as exc:
                fail("phone", str(exc))

        organization = None
        if self.col["organization"] is not None:
            organization, message = self.memo("organization", cell("organization"), self._organization)
            if message is not None:
                fail("organization", message)

        if errors:
            return None, errors
        return MemberRow(number, id_number, blind, values, organization, phone), []

    def _organization(self, raw: object) -> Organization | None:
        text = clean_text(raw)
        return self.orgs.resolve(text) if text else None


def parse_row(
    number: int, cells: list[object], header: Header, orgs: OrgIndex, formulas: set[tuple[int, int]]
) -> tuple[MemberRow | None, list[RowError]]:
    """Validate one row (a one-off RowParser; `iterate` keeps one per file)."""
    return RowParser(header, orgs, formulas)(number, cells)


def _today() -> date:
    return datetime.now(SHANGHAI).date()


def _years_between(start: date, end: date) -> int:
    """Whole years from `start` to `end` (age on `end` for a birth date `start`)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _existing(indexes: list[str]) -> dict[str, Registered]:
    """Members already registered under these ID indexes (usually none), by index, in one statement.

    One parameter carries the batch's indexes (an array on PostgreSQL, a JSON list on SQLite):
    composing and planning an IN list of a batch's values cost ten times the lookup itself."""
    if not indexes:
        return {}
    fields = (
        "id_number_index",
        "pk",
        "organization_id",
        "organization__path",
        "organization__name",
        "status",
    )
    param: list[str] | str
    if dbfeatures.enabled("array_param"):
        where, param = "= ANY(%s)", indexes
    elif connection.vendor == "sqlite":
        where, param = "IN (SELECT value FROM json_each(%s))", json.dumps(indexes)
    else:  # the generic path: an IN list
        found = Member.objects.filter(id_number_index__in=indexes).values_list(*fields)
        return {row[0]: Registered(*row[1:]) for row in found if row[0] is not None}
    q = connection.ops.quote_name
    member, org = Member._meta.db_table, Organization._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id_number_index, m.id, m.organization_id, o.path, o.name, m.status "
            f"FROM {q(member)} m JOIN {q(org)} o ON o.id = m.organization_id "
            f"WHERE m.id_number_index {where}",
            [param],
        )
        return {row[0]: Registered(*row[1:]) for row in cursor.fetchall()}


def _check_against_roster(
    batch: list[MemberRow], orgs: OrgIndex, header: Header
) -> tuple[list[tuple[MemberRow, Registered | None]], list[RowError]]:
    """Match a batch to existing members by ID index; refuse people registered outside the scope."""
    # mid-rotation a member may still hold the index under the previous MAC key: ask for both
    lookups = (
        {row.index: crypto.blind_indexes(row.id_number, "id_number") for row in batch}
        if crypto.mac_moving()
        else {row.index: [row.index] for row in batch}
    )
    existing = _existing([index for indexes in lookups.values() for index in indexes])
    ok: list[tuple[MemberRow, Registered | None]] = []
    errors: list[RowError] = []
    label = header.labels
    for row in batch:
        member = next((existing[i] for i in lookups[row.index] if i in existing), None)
        if member is None:
            ok.append((row, None))
            continue
        if not orgs.in_scope(member.path) or not member.path.startswith(orgs.target.path):
            errors.append(
                RowError(
                    row.number,
                    label["id_number"],
                    "该公民身份号码已登记在导入范围以外的党组织，请先办理组织关系转接",
                )
            )
        elif row.organization is not None and row.organization.pk != member.organization_id:
            errors.append(
                RowError(
                    row.number,
                    label.get("organization", "所在党组织"),
                    f"该党员现在“{member.organization_name}”，调整所在党组织请办理组织关系转接",
                )
            )
        elif "status" in header.columns and row.values["status"] != member.status:
            errors.append(
                RowError(
                    row.number,
                    label["status"],
                    f"与系统中的党员状态“{member.status_label}”不一致，状态变化请通过状态变更办理",
                )
            )
        else:
            ok.append((row, member))
    return ok, errors


def iterate(
    path: Path,
    kind: str,
    target: Organization,
    user: User | None,
    on_row: Callable[[Header, int, list[object], list[RowError]], None] | None = None,
    columns: Mapping[str, object] | None = None,
) -> Iterator[tuple[Header, list[tuple[MemberRow, Registered | None]], list[RowError], int]]:
    """Stream the file; yield (header, valid rows with their existing member, errors, rows read) per batch.

    `columns` is the mapping the user confirmed (`ColumnMap.as_json`); without it the automatic rules
    alone read the header (core.imports.mapping)."""
    header, rows = open_mapped(path, kind, SPEC, columns)
    formulas = formula_cells(path) if kind == "xlsx" else set()
    orgs = OrgIndex(target, user)
    parse = RowParser(header, orgs, formulas)
    seen: dict[str, int] = {}
    batch: list[MemberRow] = []
    batch_errors: list[RowError] = []
    raw: dict[int, list[object]] = {}
    count = 0

    def flush() -> tuple[list[tuple[MemberRow, Registered | None]], list[RowError]]:
        ok, errors = _check_against_roster(batch, orgs, header) if batch else ([], [])
        all_errors = sorted(batch_errors + errors, key=lambda e: e.row)
        if on_row is not None:
            by_row: dict[int, list[RowError]] = {}
            for e in all_errors:
                by_row.setdefault(e.row, []).append(e)
            for number in sorted(by_row):
                on_row(header, number, raw[number], by_row[number])
        return ok, all_errors

    for number, cells in rows:
        count += 1
        row, errors = parse(number, cells)
        if row is not None:
            first = seen.get(row.index)
            if first is not None:
                errors = [RowError(number, header.labels["id_number"], f"与第 {first} 行的公民身份号码重复")]
                row = None
            else:
                seen[row.index] = number
        if row is not None:
            batch.append(row)
        else:
            batch_errors.extend(errors)
        if on_row is not None:
            raw[number] = cells
        if len(batch) + len({e.row for e in batch_errors}) >= BATCH:
            ok, all_errors = flush()
            yield header, ok, all_errors, count
            batch, batch_errors, raw = [], [], {}
    ok, all_errors = flush()
    yield header, ok, all_errors, count


def preview(
    *,
    path: Path,
    kind: str,
    target: Organization,
    user: User | None,
    progress: Callable[[int], None] | None = None,
    rejected_path: Path | None = None,
    columns: Mapping[str, object] | None = None,
) -> Outcome:
    """Validate every row without writing; optionally write the rejected rows with reasons (.xlsx)."""
    outcome = Outcome()
    writer = RejectedWriter(rejected_path) if rejected_path else None
    try:
        for _header, ok, errors, count in iterate(
            path, kind, target, user, on_row=writer.add if writer else None, columns=columns
        ):
            outcome.total = count
            outcome.valid += len(ok)
            outcome.invalid.extend(errors)
            outcome.invalid_rows += len({e.row for e in errors})
            if progress is not None:
                progress(count)
    finally:
        if writer is not None:
            writer.close()
    return outcome
