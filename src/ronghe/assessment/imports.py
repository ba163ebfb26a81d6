"""KPI results from an Excel sheet (for business systems without the API): 单位, 指标代码, 期间, 完成值
and optionally 来源系统. Read through core/imports (safe upload checks, header location); a sheet is a
county's KPIs of a period (hundreds of rows), so it is checked and written in the request, and a sheet
with any bad row writes nothing. Each row's idempotency key is derived from its content, so importing
the same sheet twice stores each result once."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ronghe.assessment import kpis, rules, services
from ronghe.assessment.models import KpiDefinition
from ronghe.core.errors import DomainError
from ronghe.core.imports.errors import RowError
from ronghe.core.imports.files import check_upload
from ronghe.core.imports.reading import locate_header, open_rows
from ronghe.core.imports.values import clean_text
from ronghe.core.scope import has_perm_at
from ronghe.core.types import Actor
from ronghe.orgs.models import Unit

ALIASES: dict[str, tuple[str, ...]] = {
    "unit": ("单位", "单位名称", "统一社会信用代码"),
    "kpi": ("指标代码",),
    "period": ("期间",),
    "value": ("完成值",),
    "source": ("来源系统",),
}
HEADERS = ["单位", "指标代码", "期间", "完成值", "来源系统"]


@dataclass
class Row:
    row: int
    unit: Unit
    kpi: str
    period: str
    value: Decimal
    source: str


@dataclass
class Outcome:
    total: int = 0
    valid: list[Row] = field(default_factory=list)
    invalid: list[RowError] = field(default_factory=list)
    created: int = 0


def _units() -> dict[str, Unit]:
    out: dict[str, Unit] = {}
    for unit in Unit.objects.all():
        out[unit.name] = unit
        if unit.credit_code:
            out[unit.credit_code.upper()] = unit
    return out


def read(actor: Actor, path: Path, file_kind: str) -> Outcome:
    rows = open_rows(path, file_kind)
    header = locate_header(rows, ALIASES, ["unit", "kpi", "period", "value"])
    units = _units()
    kpis = {(k.unit_id, k.year, k.code): k for k in KpiDefinition.objects.select_related("organization")}
    outcome = Outcome()
    for number, values in rows:
        outcome.total += 1

        def cell(name: str, values: list[object] = values) -> object:
            index = header.columns.get(name)
            return values[index] if index is not None and index < len(values) else None

        errors: list[RowError] = []

        def bad(name: str, message: str, errors: list[RowError] = errors, number: int = number) -> None:
            errors.append(RowError(number, header.labels.get(name, name), message))

        unit = units.get(clean_text(cell("unit")).upper()) or units.get(clean_text(cell("unit")))
        if unit is None:
            bad("unit", f"找不到单位“{clean_text(cell('unit'))}”")
        period = clean_text(cell("period"))
        if problem := rules.period_problem(period):
            bad("period", problem)
        raw = cell("value")
        value = None
        try:
            value = Decimal(repr(raw) if isinstance(raw, float) else clean_text(raw))
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            bad("value", "完成值应为数字")
        code = clean_text(cell("kpi"))
        kpi = kpis.get((unit.pk, int(period[:4]), code)) if unit is not None and not errors else None
        if unit is not None and not errors and kpi is None:
            bad("kpi", f"单位“{unit.name}”{period[:4]} 年没有代码为“{code}”的业务指标")
        if kpi is not None and not has_perm_at(actor, services.REPORT, kpi.organization.path):
            bad("unit", f"您没有报送“{unit.name if unit else ''}”完成值的权限")
        if errors:
            outcome.invalid.extend(errors)
            continue
        assert unit is not None and value is not None
        outcome.valid.append(
            Row(number, unit, code, period, value, clean_text(cell("source")) or "Excel 导入")
        )
    return outcome


def import_results(*, actor: Actor, upload: UploadedFile[bytes], dry_run: bool = True) -> Outcome:
    """Check (and unless `dry_run`, store) the results of an uploaded sheet. Any bad row: nothing stored."""
    name = Path(upload.name or "").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kpi.upload"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        outcome = read(actor, path, check_upload(path, name))
    if dry_run or outcome.invalid or not outcome.valid:
        return outcome
    with transaction.atomic():
        for row in outcome.valid:
            digest = hashlib.sha256(f"{row.unit.pk}|{row.kpi}|{row.period}|{row.value}".encode()).hexdigest()[
                :32
            ]
            try:
                _, created = kpis.record_result(
                    actor=actor,
                    unit_code=str(row.unit.code),
                    kpi_code=row.kpi,
                    period=row.period,
                    value=row.value,
                    source_system=row.source[:50],
                    idempotency_key=f"excel-{digest}",
                )
            except DomainError as exc:  # a finalized year, found only now: the whole sheet is refused
                raise DomainError(f"第 {row.row} 行：{exc.message}", field="file") from None
            outcome.created += created
    return outcome
