"""Roster import: the member columns, row validation, the preview pass and the commit pass.

Both passes stream the file (core.imports.reading) and validate each row the same way; the commit
pass writes valid rows in batches inside one transaction. Members are keyed by the blind index of
their 公民身份号码, so importing the same file again updates and never duplicates.
"""

from __future__ import annotations

import functools
import json
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import python_calamine as pc
import xlsxwriter
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tasks import task

from ronghe.core import audit, crypto
from ronghe.core.bulk import BackgroundCopy, bulk_load, larger_page_cache
from ronghe.core.idnumbers import (
    SHANGHAI,
    IdentifierError,
    mask_id_number,
    mask_phone,
    parse_id_number,
    parse_phone,
)
from ronghe.core.imports.errors import CellError, ImportRefused, RowError
from ronghe.core.imports.files import check_upload, formula_cells
from ronghe.core.imports.reading import Header, locate_header, open_rows
from ronghe.core.imports.values import clean_text, parse_date
from ronghe.core.models import ImportJob, ImportMode, ImportStatus
from ronghe.core.readcache import invalidate_home_summary
from ronghe.core.scope import paths_with, scoped
from ronghe.members.choices import Education, Gender, MemberStatus, Occupation
from ronghe.members.models import Member
from ronghe.members.services import EDITABLE_FIELDS, set_sensitive_numbers
from ronghe.orgs.models import Organization

BATCH = 2000
MEMBER_COLUMNS = [f for f in Member._meta.concrete_fields if not f.primary_key]

# Header names written by the national and provincial systems, then common aliases.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月", "出生时间"),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "身份证", "证件号码"),
    "native_place": ("籍贯",),
    "education": ("学历", "最高学历", "全日制学历"),
    "degree": ("学位", "最高学位"),
    "occupation": ("职业/人员类别", "职业", "工作岗位"),
    "work_position": ("工作单位及职务", "单位及职务", "工作单位"),
    "party_post": ("党内职务",),
    "joined_on": ("入党日期", "入党时间"),
    "full_on": ("转正日期", "转正时间"),
    "status": ("党员状态", "人员类别", "党员类别"),
    "organization": ("所在党组织", "所在党支部", "所在支部", "党组织名称"),
    "phone": ("手机号码", "手机号", "联系电话", "联系方式"),
    "work_started_on": ("参加工作时间", "参加工作日期"),
    "remarks": ("备注",),
}
REQUIRED = ("name", "id_number", "joined_on")
KEY_COLUMNS = ("name", "id_number", "joined_on", "full_on", "organization")
TEXT_LIMITS = {
    "name": 50,
    "ethnicity": 20,
    "native_place": 50,
    "degree": 20,
    "work_position": 100,
    "party_post": 50,
    "remarks": 1000,
}
EDUCATION_ALIASES = {
    "本科": Education.UNDERGRADUATE,
    "大学": Education.UNDERGRADUATE,
    "大专": Education.JUNIOR_COLLEGE,
    "专科": Education.JUNIOR_COLLEGE,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
    "中技": Education.TECHNICAL,
    "技校": Education.TECHNICAL,
    "职高": Education.HIGH_SCHOOL,
    "初中": Education.MIDDLE_SCHOOL,
    "小学": Education.MIDDLE_SCHOOL,
}
STATUS_BY_LABEL = {label: value for value, label in MemberStatus.choices}
# Fields set from the file when their column is present.
PLAIN_FIELDS = EDITABLE_FIELDS


@dataclass
class MemberRow:
    number: int
    id_number: str
    index: str
    values: dict[str, Any]
    organization: Organization | None  # None: the row names no organization
    phone: str | None  # None: no phone column


@dataclass
class Outcome:
    """What a pass found or did. `invalid` lists every bad cell, in row order."""

    total: int = 0
    valid: int = 0
    invalid: list[RowError] = field(default_factory=list)
    invalid_rows: int = 0
    created: int = 0
    updated: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"valid": self.valid, "invalid": [e.as_dict() for e in self.invalid]}


def _norm_name(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


class OrgIndex:
    """Organizations of the target subtree by name, and the importer's writable paths."""

    def __init__(self, target: Organization, user: Any) -> None:
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


@functools.cache
def _lookup(choices: Any) -> tuple[frozenset[str], dict[str, str]]:
    """An enum's values and label → value map, built once (Choices.values rebuilds a list per call)."""
    return frozenset(choices.values), {label: value for value, label in choices.choices}


def _choice(text: str, choices: Any, aliases: dict[str, str], what: str) -> str:
    values, by_label = _lookup(choices)
    if text in values:
        return text
    if text in by_label:
        return by_label[text]
    if text in aliases:
        return aliases[text]
    allowed = "、".join(choices.values)
    raise CellError(f"{what}“{text}”无法识别，应为：{allowed}")


DATE_FIELDS = ("birth_date", "joined_on", "full_on", "work_started_on")
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
        id_number, index, info = "", "", None
        if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
            fail("id_number", "身份证号列必须为文本格式")
        else:
            try:
                info = parse_id_number(clean_text(raw_id), today=self.today)
                id_number = info.number
                index = self.cipher.blind_index(id_number, "id_number")
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
            self.memo("gender", cell("gender"), _gender_text)[0] if self.col["gender"] is not None else ""
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

        for name, parse in (("education", _education), ("occupation", _occupation)):
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
        return MemberRow(number, id_number, index, values, organization, phone), []

    def _organization(self, raw: object) -> Organization | None:
        text = clean_text(raw)
        return self.orgs.resolve(text) if text else None


GENDERS = frozenset(Gender.values)
STATUSES = frozenset(MemberStatus.values)


def _gender_text(raw: object) -> str:
    return clean_text(raw).removesuffix("性")


def _education(raw: object) -> str:
    text = clean_text(raw)
    return _choice(text, Education, EDUCATION_ALIASES, "学历") if text else ""


def _occupation(raw: object) -> str:
    text = clean_text(raw)
    return _choice(text, Occupation, {}, "职业/人员类别") if text else ""


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


def _existing(indexes: list[str]) -> dict[str, Member]:
    """Members already registered under these ID indexes (usually none), by index.

    One parameter asks the unique index first (an array on PostgreSQL, a JSON list on SQLite):
    composing and planning an IN list of a batch's values cost ten times the lookup itself, and
    most batches find nobody."""
    table = connection.ops.quote_name(Member._meta.db_table)
    if connection.vendor == "postgresql":
        sql, param = f"SELECT id_number_index FROM {table} WHERE id_number_index = ANY(%s)", indexes
    else:
        sql = (
            f"SELECT id_number_index FROM {table} WHERE id_number_index IN (SELECT value FROM json_each(%s))"
        )
        param = json.dumps(indexes)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        indexes = [found for (found,) in cursor.fetchall()]
    if not indexes:
        return {}
    members = Member.objects.select_related("organization").filter(id_number_index__in=indexes)
    return {m.id_number_index: m for m in members}


def _check_against_roster(
    batch: list[MemberRow], orgs: OrgIndex, header: Header
) -> tuple[list[tuple[MemberRow, Member | None]], list[RowError]]:
    """Match a batch to existing members by ID index; refuse people registered outside the scope."""
    existing = _existing([row.index for row in batch])
    ok: list[tuple[MemberRow, Member | None]] = []
    errors: list[RowError] = []
    label = header.labels
    for row in batch:
        member = existing.get(row.index)
        if member is None:
            ok.append((row, None))
            continue
        if not orgs.in_scope(member.organization.path) or not member.organization.path.startswith(
            orgs.target.path
        ):
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
                    f"该党员现在“{member.organization.name}”，调整所在党组织请办理组织关系转接",
                )
            )
        elif "status" in header.columns and row.values["status"] != member.status:
            errors.append(
                RowError(
                    row.number,
                    label["status"],
                    f"与系统中的党员状态“{member.get_status_display()}”不一致，状态变化请通过状态变更办理",
                )
            )
        else:
            ok.append((row, member))
    return ok, errors


def iterate(
    path: Path,
    kind: str,
    target: Organization,
    user: Any,
    on_row: Callable[[Header, int, list[object], list[RowError]], None] | None = None,
) -> Iterator[tuple[Header, list[tuple[MemberRow, Member | None]], list[RowError], int]]:
    """Stream the file; yield (header, valid rows with their existing member, errors, rows read) per batch."""
    rows = open_rows(path, kind)
    header = locate_header(rows, ALIASES, REQUIRED)
    formulas = formula_cells(path) if kind == "xlsx" else set()
    orgs = OrgIndex(target, user)
    parse = RowParser(header, orgs, formulas)
    seen: dict[str, int] = {}
    batch: list[MemberRow] = []
    batch_errors: list[RowError] = []
    raw: dict[int, list[object]] = {}
    count = 0

    def flush() -> tuple[list[tuple[MemberRow, Member | None]], list[RowError]]:
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
    user: Any,
    progress: Callable[[int], None] | None = None,
    rejected_path: Path | None = None,
) -> Outcome:
    """Validate every row without writing; optionally write the rejected rows with reasons (.xlsx)."""
    outcome = Outcome()
    writer = RejectedWriter(rejected_path) if rejected_path else None
    try:
        for _header, ok, errors, count in iterate(
            path, kind, target, user, on_row=writer.add if writer else None
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


def commit(
    *,
    path: Path,
    kind: str,
    target: Organization,
    user: Any,
    valid_only: bool,
    original_name: str,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Write the rows in one transaction. All-or-nothing unless `valid_only`; audited as member.import.

    Commits run one at a time (a PostgreSQL transaction lock), so two imports naming the same people
    cannot both insert them: the later one finds the earlier one's rows and updates them (FILE-10).
    A unique-index conflict with a member registered meanwhile by hand refuses the whole import."""
    try:
        return _commit(
            path=path,
            kind=kind,
            target=target,
            user=user,
            valid_only=valid_only,
            original_name=original_name,
            progress=progress,
        )
    except IntegrityError as exc:
        raise ImportRefused("导入期间有相同公民身份号码的党员被登记，本次未导入任何数据，请重新导入") from exc


IMPORT_LOCK = 0x52484D49  # "RHMI": the advisory lock key of member-import commits


def _serialize_commits() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def _commit(
    *,
    path: Path,
    kind: str,
    target: Organization,
    user: Any,
    valid_only: bool,
    original_name: str,
    progress: Callable[[int], None] | None,
) -> Outcome:
    outcome = Outcome()
    with transaction.atomic():
        _serialize_commits()
        with _copier() as copier:
            for header, ok, errors, count in iterate(path, kind, target, user):
                outcome.total = count
                outcome.invalid.extend(errors)
                outcome.invalid_rows += len({e.row for e in errors})
                if not outcome.invalid or valid_only:
                    created, updated = _write(ok, header, target, copier)
                    outcome.created += created
                    outcome.updated += updated
                outcome.valid += len(ok)
                if progress is not None:
                    progress(count)
        if outcome.invalid and not valid_only:
            transaction.set_rollback(True)
            outcome.created = outcome.updated = 0
            return outcome
        audit.record(
            "member.import",
            actor=user,
            object_type="orgs.organization",
            object_id=str(target.code),
            object_repr=target.name,
            org_path=target.path,
            changes={
                "file": original_name,
                "mode": "valid_only" if valid_only else "atomic",
                "created": outcome.created,
                "updated": outcome.updated,
                "rejected": outcome.invalid_rows,
            },
        )
        # COPY bypasses the model signals: drop the cached counts and summaries here.
        invalidate_home_summary()
    return outcome


def _copier() -> AbstractContextManager[BackgroundCopy | None]:
    """New members go through a background COPY on PostgreSQL (the server writes one batch while
    the next is validated); elsewhere `_write` inserts them itself (SQLite with a larger page cache)."""
    if connection.vendor == "postgresql":
        return BackgroundCopy(Member, [f.name for f in MEMBER_COLUMNS])
    if connection.vendor == "sqlite":
        return larger_page_cache()
    return nullcontext()


def _write(
    rows: list[tuple[MemberRow, Member | None]],
    header: Header,
    target: Organization,
    copier: BackgroundCopy | None = None,
) -> tuple[int, int]:
    present = [f for f in PLAIN_FIELDS if f in header.columns or f in ("gender", "birth_date")]
    present_status = "status" in header.columns
    new = [row for row, member in rows if member is None]
    changed: list[Member] = []
    for row, member in rows:
        if member is not None:
            for name in present:
                if name in row.values:
                    setattr(member, name, row.values[name])
            if row.phone is not None:
                set_sensitive_numbers(member, phone=row.phone)
            changed.append(member)
    if new and copier is not None:
        copier.send(list(_new_member_rows(new, present, target)))
    elif new:
        bulk_load(Member, [f.name for f in MEMBER_COLUMNS], _new_member_rows(new, present, target))
    if changed:
        fields = [*present, "phone_encrypted", "phone_masked", "updated_at"]
        if present_status:
            fields.append("status")
        Member.objects.bulk_update(changed, fields, batch_size=BATCH)
    return len(new), len(changed)


def _new_member_rows(rows: list[MemberRow], present: list[str], target: Organization) -> Iterator[list[Any]]:
    """Raw column values of new members, in MEMBER_COLUMNS order, as `Member(...).save()` would write
    them (field defaults, `set_sensitive_numbers`, auto dates), without building model instances."""
    cipher = crypto.BatchCipher()
    now = timezone.now()
    position = {f.attname: i for i, f in enumerate(MEMBER_COLUMNS)}
    template: list[Any] = []
    for f in MEMBER_COLUMNS:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            template.append(now)
        else:
            template.append(None if f.has_default() and callable(f.default) else f.get_default())
    fresh = [
        (position[f.attname], f.default) for f in MEMBER_COLUMNS if f.has_default() and callable(f.default)
    ]
    copied = [(position[name], name) for name in present]
    at_status, at_org = position["status"], position["organization_id"]
    at_id, at_index, at_id_mask = (
        position["id_number_encrypted"],
        position["id_number_index"],
        position["id_number_masked"],
    )
    at_phone, at_phone_mask = position["phone_encrypted"], position["phone_masked"]
    for row in rows:
        values = template.copy()
        for at, default in fresh:
            values[at] = default()
        for at, name in copied:
            if name in row.values:
                values[at] = row.values[name]
        values[at_status] = row.values["status"]
        values[at_org] = (row.organization or target).pk
        values[at_id] = cipher.encrypt(row.id_number, "id_number")
        values[at_index] = row.index
        values[at_id_mask] = mask_id_number(row.id_number)
        if row.phone:
            values[at_phone] = cipher.encrypt(row.phone, "phone")
            values[at_phone_mask] = mask_phone(row.phone)
        yield values


class RejectedWriter:
    """The rejected rows as .xlsx: the file's own header plus 错误原因, values written as text."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.workbook: Any = None
        self.sheet: Any = None
        self.row = 0

    def add(self, header: Header, number: int, cells: list[object], errors: list[RowError]) -> None:
        if self.workbook is None:
            self.workbook = xlsxwriter.Workbook(
                str(self.path),
                {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
            )
            self.sheet = self.workbook.add_worksheet("错误行")
            self.sheet.write_string(0, 0, "原行号")
            self.sheet.write_string(0, 1, "错误原因")
            for col, value in enumerate(header.cells, start=2):
                self.sheet.write_string(0, col, _as_text(value))
            self.row = 1
        self.sheet.write_number(self.row, 0, number)
        self.sheet.write_string(self.row, 1, "；".join(f"{e.column}：{e.message}" for e in errors))
        for col, value in enumerate(cells, start=2):
            self.sheet.write_string(self.row, col, _as_text(value))
        self.row += 1

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


# --- background jobs -------------------------------------------------------------------------

PROGRESS_EVERY = 1000


def storage_dir() -> Path:
    """Uploads and rejected-row files live outside the web root, under generated names."""
    directory = Path(settings.DATA_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def start_import(*, upload: Any, target: Organization, user: Any) -> ImportJob:
    """Store the upload under a generated name and queue the preview pass; ImportRefused if unsafe."""
    stored = f"{uuid.uuid4().hex}.upload"
    path = storage_dir() / stored
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    job = ImportJob(
        kind="members",
        organization=target,
        created_by=user,
        original_name=Path(upload.name or "").name[:255],
        stored_name=stored,
    )
    try:
        job.file_kind = check_upload(path, job.original_name)
    except ImportRefused:
        path.unlink(missing_ok=True)
        raise
    job.save()
    run_member_import.enqueue(job.pk, "preview")
    return job


def row_estimate(path: Path, kind: str) -> int:
    """Rows in the file for the progress bar (CSV lines, or the sheet's height)."""
    try:
        if kind == "csv":
            with path.open("rb") as fh:
                return sum(1 for _ in fh)
        return int(pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).height)
    except (pc.CalamineError, pc.PasswordError, pc.XmlError, pc.ZipError, OSError, ValueError):
        return 0  # the preview pass reports why the file cannot be read


def request_commit(*, job: ImportJob, valid_only: bool) -> None:
    """Queue the commit pass for a previewed job."""
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED).update(
        status=ImportStatus.COMMITTING,
        mode=ImportMode.VALID_ONLY if valid_only else ImportMode.ATOMIC,
        processed_rows=0,
    )
    if updated:
        run_member_import.enqueue(job.pk, "commit")


def _progress(job_id: int) -> Callable[[int], None]:
    last = [0]

    def report(count: int) -> None:
        if count - last[0] >= PROGRESS_EVERY:
            ImportJob.objects.filter(pk=job_id).update(processed_rows=count)
            last[0] = count

    return report


@task()
def run_member_import(job_id: int, phase: str) -> None:
    """The background half of an import: the preview pass or the commit pass of one job."""
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    path = storage_dir() / job.stored_name
    try:
        if phase == "preview":
            ImportJob.objects.filter(pk=job.pk).update(total_rows=row_estimate(path, job.file_kind))
            rejected = f"{uuid.uuid4().hex}.xlsx"
            outcome = preview(
                path=path,
                kind=job.file_kind,
                target=job.organization,
                user=job.created_by,
                progress=_progress(job.pk),
                rejected_path=storage_dir() / rejected,
            )
            job.status = ImportStatus.VALIDATED
            job.rejected_name = rejected if outcome.invalid else ""
        else:
            outcome = commit(
                path=path,
                kind=job.file_kind,
                target=job.organization,
                user=job.created_by,
                valid_only=job.mode == ImportMode.VALID_ONLY,
                original_name=job.original_name,
                progress=_progress(job.pk),
            )
            if outcome.invalid and job.mode == ImportMode.ATOMIC:
                job.status = ImportStatus.VALIDATED
                job.message = f"有 {outcome.invalid_rows} 行存在错误，按“全部导入”方式未导入任何数据"
            else:
                job.status = ImportStatus.COMMITTED
                job.created_count, job.updated_count = outcome.created, outcome.updated
                job.message = ""
                path.unlink(missing_ok=True)
                job.stored_name = ""
    except ImportRefused as exc:
        path.unlink(missing_ok=True)
        job.status, job.message, job.stored_name = ImportStatus.REFUSED, exc.message, ""
        outcome = Outcome()
    job.total_rows = outcome.total or job.total_rows
    job.processed_rows = outcome.total
    job.valid_count = outcome.valid
    job.invalid_count = outcome.invalid_rows
    job.errors = [e.as_dict() for e in outcome.invalid]
    job.save()


def rejected_path(job: ImportJob) -> Path | None:
    if not job.rejected_name:
        return None
    path = storage_dir() / job.rejected_name
    return path if path.exists() else None


def imported_members(job: ImportJob, user: Any) -> Any:
    """Members of the job's organization subtree touched since the job started (for the result page)."""
    return scoped(
        Member.objects.select_related("organization").filter(
            organization__path__startswith=job.organization.path, updated_at__gte=job.created_at
        ),
        user,
        "members.view",
    )
