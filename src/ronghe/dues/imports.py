"""Payroll import: a unit's 工资表 → each member's 党费 base, through core/imports (safe upload checks,
streamed rows, header location) and the base rule of `dues.rules` (counted vs excluded items, the
organization's "税后" reading).

Columns: 姓名 (required), 公民身份号码 (optional; matches by the blind index when given), 人员类别
(optional: 在职/退休/离休/农民…; default 在职), and any payroll item columns — recognised by their
usual headers (`rules.PAYROLL_ITEMS` aliases) or mapped by the user ("表头=项目代码"). A payroll is a
unit's size (hundreds of rows), so it is checked and written in the request: a file with any bad row
writes nothing (the preview lists every bad cell with its row and column).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ronghe.core import audit, crypto
from ronghe.core.errors import DomainError
from ronghe.core.idnumbers import parse_id_number
from ronghe.core.imports.errors import ImportRefused, RowError
from ronghe.core.imports.files import check_upload
from ronghe.core.imports.reading import locate_header, open_rows
from ronghe.core.imports.values import clean_text, normalize_header
from ronghe.core.scope import require_at
from ronghe.core.types import Actor
from ronghe.dues import rules, services
from ronghe.dues.choices import Category
from ronghe.dues.models import DuesBase, DuesRecord
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

CATEGORY_WORDS = {
    "在职": Category.IN_SERVICE,
    "退休": Category.RETIRED,
    "离退休": Category.RETIRED,
    "离休": Category.LIXIU,
    "农民": Category.FARMER,
    "学生": Category.REDUCED,
    "下岗": Category.REDUCED,
    "失业": Category.REDUCED,
    "低保": Category.REDUCED,
}
BASE_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("公民身份号码", "身份证号", "身份证号码"),
    "category": ("人员类别", "类别", "党员类别"),
}


@dataclass
class PayrollRow:
    row: int
    member: Member
    category: str
    items: dict[str, Decimal]
    base: Decimal
    reading: str


@dataclass
class PayrollOutcome:
    total: int = 0
    valid: list[PayrollRow] = field(default_factory=list)
    invalid: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # header as written → item label
    written: int = 0

    def as_json(self) -> dict[str, object]:
        return {"valid": len(self.valid), "invalid": [e.as_dict() for e in self.invalid]}


def parse_mapping(text: str) -> dict[str, str]:
    """User column mapping, one "表头=项目代码" per line; an unknown item code is refused."""
    out: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise DomainError(f"列对应第{number}行应写成“表头=项目代码”", field="mapping")
        header, code = (p.strip() for p in line.split("=", 1))
        if code not in rules.ITEMS_BY_CODE:
            raise DomainError(f"列对应第{number}行：未知的工资项目代码“{code}”", field="mapping")
        out[normalize_header(header)] = code
    return out


def _aliases(mapping: dict[str, str]) -> dict[str, tuple[str, ...]]:
    aliases = dict(BASE_ALIASES)
    for item in rules.PAYROLL_ITEMS:
        aliases[item.code] = (item.label, *item.aliases)
    for header, code in mapping.items():
        aliases[code] = (header, *aliases.get(code, ()))
    return aliases


def _amount(value: object) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    text = clean_text(value) if not isinstance(value, float) else repr(value)
    return rules.parse_amount(text, field="item")


def read_payroll(
    path: Path, file_kind: str, organization: Organization, mapping: dict[str, str]
) -> PayrollOutcome:
    """Check every row: the member (in the organization's subtree), the category, every item amount."""
    rows = open_rows(path, file_kind)
    aliases = _aliases(mapping)
    header = locate_header(rows, aliases, ["name"])
    item_columns = {code: index for code, index in header.columns.items() if code in rules.ITEMS_BY_CODE}
    if not item_columns:
        raise ImportRefused("表头中没有可识别的工资项目列，请在“列对应”中写明表头与工资项目代码")
    outcome = PayrollOutcome(
        columns={header.labels[c]: rules.ITEMS_BY_CODE[c].label for c in item_columns},
    )
    members = Member.objects.filter(
        organization__path__startswith=organization.path, status__in=ACTIVE_STATUSES
    )
    by_name: dict[str, list[Member]] = {}
    for m in members.select_related("organization"):
        by_name.setdefault(m.name, []).append(m)
    readings = services.settings_by_path({m.organization.path for ms in by_name.values() for m in ms})
    for number, values in rows:
        outcome.total += 1

        def cell(name: str, values: list[object] = values) -> object:
            index = header.columns.get(name)
            return values[index] if index is not None and index < len(values) else None

        errors: list[RowError] = []
        name = clean_text(cell("name"))
        member: Member | None = None
        raw_id = clean_text(cell("id_number"))
        if raw_id:
            try:
                digests = crypto.blind_indexes(parse_id_number(raw_id).number, "id_number")
            except (DomainError, ValueError) as exc:
                errors.append(RowError(number, header.labels.get("id_number", "公民身份号码"), str(exc)))
            else:
                member = next(
                    (m for ms in by_name.values() for m in ms if m.id_number_index in digests), None
                )
                if member is None:
                    errors.append(
                        RowError(number, header.labels["id_number"], "本组织内没有该公民身份号码的党员")
                    )
        elif not name:
            errors.append(RowError(number, header.labels["name"], "姓名不能为空"))
        else:
            found = by_name.get(name, [])
            if len(found) == 1:
                member = found[0]
            else:
                errors.append(
                    RowError(
                        number,
                        header.labels["name"],
                        "本组织内没有该姓名的党员"
                        if not found
                        else "本组织内有同名党员，请加“公民身份号码”列",
                    )
                )
        category = Category.IN_SERVICE
        word = clean_text(cell("category"))
        if word:
            match = next((c for w, c in CATEGORY_WORDS.items() if w in word), None)
            if match is None:
                errors.append(
                    RowError(
                        number,
                        header.labels["category"],
                        "人员类别应为在职、退休、离休、农民、学生、下岗失业或低保",
                    )
                )
            else:
                category = match
        items: dict[str, Decimal] = {}
        for code, index in item_columns.items():
            value = values[index] if index < len(values) else None
            try:
                items[code] = _amount(value)
            except DomainError as exc:
                errors.append(RowError(number, header.labels[code], exc.message))
        if errors or member is None:
            outcome.invalid.extend(errors)
            continue
        reading = readings[member.organization.path].tax_reading
        breakdown = rules.calculate_base(items, reading)
        outcome.valid.append(PayrollRow(number, member, category, items, breakdown.base, reading))
    return outcome


def import_payroll(
    *,
    actor: Actor,
    organization: Organization,
    upload: UploadedFile[bytes],
    effective_from: date,
    mapping_text: str = "",
    dry_run: bool = True,
) -> PayrollOutcome:
    """Check (and unless `dry_run`, write) the bases of an uploaded payroll file. Any bad row: nothing written."""
    require_at(actor, "dues.import", organization.path)
    mapping = parse_mapping(mapping_text)
    name = Path(upload.name or "").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "payroll.upload"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        return import_payroll_file(
            actor=actor,
            organization=organization,
            path=path,
            original_name=name,
            effective_from=effective_from,
            mapping=mapping,
            dry_run=dry_run,
        )


def import_payroll_file(
    *,
    actor: Actor | None,
    organization: Organization,
    path: Path,
    original_name: str,
    effective_from: date,
    mapping: dict[str, str],
    dry_run: bool = True,
) -> PayrollOutcome:
    """The file's passes (the page and `ronghe import_payroll` both call this); `actor` None is the system
    acting from the command line for the whole organization."""
    if actor is not None:
        require_at(actor, "dues.import", organization.path)
    file_kind = check_upload(path, original_name)
    outcome = read_payroll(path, file_kind, organization, mapping)
    if dry_run or outcome.invalid:
        return outcome
    period = rules.first_of_month(effective_from)
    with transaction.atomic():
        for row in outcome.valid:
            DuesBase.objects.update_or_create(
                member=row.member,
                effective_from=period,
                defaults={
                    "category": row.category,
                    "base": row.base,
                    "items": {k: str(v) for k, v in row.items.items()},
                    "tax_reading": row.reading,
                    "source": "import",
                    "created_by_id": actor.pk if actor is not None else None,
                },
            )
        outcome.written = len(outcome.valid)
        # a payroll from a past month (a backdated rise) reprices the months already recorded since
        differences = 0
        tables: dict[date, rules.RateTableData] = {}
        recorded = set(  # (by subtree, not a list of ids: a 100k-row payroll would pass the SQL limits)
            DuesRecord.objects.filter(
                member__organization__path__startswith=organization.path, period__gte=period
            )
            .values_list("member_id", flat=True)
            .distinct()
        )
        for row in outcome.valid:
            if row.member.pk in recorded:
                differences += len(services.reprice(member=row.member, since=period, tables=tables)[1])
        audit.record(
            "dues.payroll_import",
            actor=actor,
            obj=organization,
            changes={
                "rows": outcome.written,
                "from": period.isoformat(),
                "file": original_name,
                "difference_months": differences,
            },
        )
    return outcome
