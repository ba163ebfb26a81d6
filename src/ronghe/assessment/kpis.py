"""Business KPIs (目标任务) per unit and year, and their results: from business systems through the API
(idempotent on a key), an Excel sheet (`imports.py`) or by hand."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from ronghe.assessment import rules
from ronghe.assessment.choices import CampaignState, Direction
from ronghe.assessment.models import Entry, KpiDefinition, KpiResult
from ronghe.assessment.services import FINALIZED, MANAGE, REPORT, _dec, main_organizations
from ronghe.core import audit
from ronghe.core.errors import Conflict, DomainError, InvalidInput
from ronghe.core.models import AuditEntry
from ronghe.core.scope import require_at
from ronghe.core.scoring import levels
from ronghe.core.types import Actor
from ronghe.orgs.models import Unit


def _unit_org(unit: Unit) -> tuple[int, str]:
    """(id, path) of the organization answering for the unit; refused when it has none."""
    mains = main_organizations([unit.pk])
    if unit.pk not in mains:
        raise DomainError(f"单位“{unit.name}”没有关联的党组织", field="unit")
    return mains[unit.pk]


def define_kpi(*, actor: Actor, unit: Unit, year: int, data: Mapping[str, Any]) -> KpiDefinition:
    """Add or change a unit's KPI for a year (by its code)."""
    org_id, org_path = _unit_org(unit)
    require_at(actor, MANAGE, org_path)
    labels = {
        "code": "指标代码",
        "name": "指标名称",
        "target": "目标值",
        "weight": "权重",
        "direction": "方向",
    }
    errors: dict[str, list[str]] = {}
    code = str(data.get("code") or "").strip()
    name = str(data.get("name") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", code):
        errors["code"] = ["应为 1–40 位字母、数字、点、下划线或连字符"]
    if not name:
        errors["name"] = ["请填写指标名称"]
    target = weight = None
    try:
        target = _dec(data.get("target"), "target", "目标值")
    except InvalidInput as exc:
        errors |= exc.errors
    try:
        weight = _dec(data.get("weight"), "weight", "权重")
        if weight <= 0:
            errors["weight"] = ["权重应大于 0"]
    except InvalidInput as exc:
        errors |= exc.errors
    direction = str(data.get("direction") or Direction.HIGHER)
    if direction not in Direction.values:
        errors["direction"] = ["方向应为“越高越好”或“越低越好”"]
    if errors:
        raise InvalidInput(errors, labels)
    _require_year_open(unit, year)
    assert target is not None and weight is not None
    with transaction.atomic():
        kpi, created = KpiDefinition.objects.update_or_create(
            unit=unit,
            year=year,
            code=code,
            defaults={
                "organization_id": org_id,
                "name": name,
                "target": target,
                "weight": weight,
                "direction": direction,
                "measure": str(data.get("measure") or "").strip()[:20],
            },
        )
        audit.record(
            "assessment.kpi_define" if created else "assessment.kpi_update",
            actor=actor,
            obj=kpi,
            changes={"code": code, "target": target, "weight": weight, "direction": direction},
        )
    return kpi


def _require_year_open(unit: Unit, year: int) -> None:
    if Entry.objects.filter(unit=unit, campaign__year=year, campaign__state=CampaignState.FINALIZED).exists():
        raise DomainError(f"{year} 年度{FINALIZED}", code="finalized")


@dataclass(frozen=True)
class Report:
    """One KPI result as a business system sends it."""

    unit: str
    kpi: str
    period: str
    value: object
    source_system: str
    idempotency_key: str


@dataclass(frozen=True)
class _Parsed:
    key: str
    kpi: str
    period: str
    year: int
    source: str
    value: Decimal


def _parse(report: Report) -> _Parsed:
    """The report's own fields checked (no lookups); refused with the field named."""
    key = (report.idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise DomainError("请提供幂等键（idempotency_key，1–100 个字符）", field="idempotency_key")
    source = (report.source_system or "").strip()
    if not source or len(source) > 50:
        raise DomainError("请填写来源系统（1–50 个字符）", field="source_system")
    value = report.value
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise DomainError("完成值应为数字", field="value")
    number = _dec(value, "value", "完成值")
    period = (report.period or "").strip()
    if problem := rules.period_problem(period):
        raise DomainError(problem, field="period")
    return _Parsed(key, (report.kpi or "").strip(), period, int(period[:4]), source, number)


def record_result(
    *,
    actor: Actor,
    unit_code: str,
    kpi_code: str,
    period: str,
    value: object,
    source_system: str,
    idempotency_key: str,
) -> tuple[KpiResult, bool]:
    """Store one KPI result sent by a business system: (result, created). The same idempotency key
    again with the same content returns the stored result; with different content it is refused (409)."""
    return record_results(
        actor=actor,
        reports=[Report(unit_code, kpi_code, period, value, source_system, idempotency_key)],
        single=True,
    )[0]


# A batch from a business system holds at most this many results (the API's limit too).
BATCH_LIMIT = 1000


def record_results(
    *, actor: Actor, reports: Sequence[Report], single: bool = False
) -> list[tuple[KpiResult, bool]]:
    """Store a batch of KPI results, all or nothing: [(result, created)] in the reports' order.

    Every report is checked first (its fields, its unit and KPI, the caller's right to report for
    the unit, the year still open, its idempotency key); any refusal refuses the batch, each
    report's problem named by its number ("第 3 条：…"), and nothing is written. A key already
    stored (or repeated in the batch) with the same content gives that result (created False),
    with other content a conflict (409). Constant number of queries for the whole batch.
    """
    if not reports:
        raise DomainError("没有要保存的完成值", field="items")
    if len(reports) > BATCH_LIMIT:
        raise DomainError(f"一次最多报送 {BATCH_LIMIT} 条完成值（本次 {len(reports)} 条）", field="items")
    problems: dict[str, list[str]] = {}

    def refuse(i: int, exc: DomainError) -> None:
        if single:
            raise exc
        problems.setdefault(f"第 {i + 1} 条", []).append(exc.message)

    parsed: list[_Parsed | None] = []
    for i, report in enumerate(reports):
        try:
            parsed.append(_parse(report))
        except DomainError as exc:
            refuse(i, exc)
            parsed.append(None)
    units = find_units([r.unit for r in reports])
    wanted = {
        (units[r.unit].pk, p.year, p.kpi)
        for r, p in zip(reports, parsed, strict=True)
        if p and r.unit in units
    }
    # The KPIs with whether their unit's assessment of that year is final, in one statement (a
    # business system sends one result per request: each statement is paid per result).
    finalized = Entry.objects.filter(
        unit_id=OuterRef("unit_id"), campaign__year=OuterRef("year"), campaign__state=CampaignState.FINALIZED
    )
    kpis: dict[tuple[int, int, str], KpiDefinition] = {
        (k.unit_id, k.year, k.code): k
        for k in KpiDefinition.objects.select_related("organization")
        .filter(unit_id__in={u for u, _y, _c in wanted}, year__in={y for _u, y, _c in wanted})
        .annotate(finalized=Exists(finalized))
        .order_by()
        if (k.unit_id, k.year, k.code) in wanted
    }
    closed = {(k.unit_id, k.year) for k in kpis.values() if getattr(k, "finalized", False)}
    allowed: set[str] = set()
    found: list[tuple[KpiDefinition, _Parsed] | None] = []
    for i, (report, p) in enumerate(zip(reports, parsed, strict=True)):
        found.append(None)
        if p is None:
            continue
        unit = units.get(report.unit)
        if unit is None:
            refuse(
                i, DomainError(f"找不到单位“{report.unit.strip()}”（请使用统一社会信用代码）", field="unit")
            )
            continue
        kpi = kpis.get((unit.pk, p.year, p.kpi))
        if kpi is None:
            refuse(i, DomainError(f"单位“{unit.name}”{p.year} 年没有代码为“{p.kpi}”的业务指标", field="kpi"))
            continue
        if kpi.organization.path not in allowed:  # no right for a unit refuses the whole batch
            require_at(actor, REPORT, kpi.organization.path)
            allowed.add(kpi.organization.path)
        found[i] = (kpi, p)
    # One result per request (a business system's usual call): its key is looked up only when the
    # insert below fails on it (a retry) or its year is final (a retry still gets its result), so
    # a first delivery is one SELECT fewer. A batch looks its keys up first (a refusal is per item).
    first_delivery = single and not any(f is not None and (f[0].unit_id, f[0].year) in closed for f in found)
    stored = (
        {}
        if first_delivery
        else {
            r.idempotency_key: r
            for r in KpiResult.objects.filter(idempotency_key__in=[f[1].key for f in found if f is not None])
            .select_related("definition")
            .order_by()
        }
    )
    out: list[tuple[KpiResult, bool] | None] = []
    new: dict[str, KpiResult] = {}
    for i, f in enumerate(found):
        out.append(None)
        if f is None:
            continue
        kpi, p = f
        try:
            if (earlier := stored.get(p.key) or new.get(p.key)) is not None:
                out[i] = (_same_or_conflict(earlier, kpi, p.period, p.value), False)
                continue
            if (kpi.unit_id, kpi.year) in closed:
                raise DomainError(f"{kpi.year} 年度{FINALIZED}", code="finalized")
        except Conflict:
            raise  # a key reused with other content: 409 for the batch, nothing written
        except DomainError as exc:
            refuse(i, exc)
            continue
        result = KpiResult(
            definition=kpi,
            period=p.period,
            value=p.value,
            source_system=p.source,
            idempotency_key=p.key,
            received_by_id=actor.pk,
        )
        new[p.key] = result
        out[i] = (result, True)
    if problems:
        raise InvalidInput(problems)
    if new:
        try:
            with transaction.atomic():
                KpiResult.objects.bulk_create(list(new.values()))
                audit.append(_audit_rows(actor, list(new.values()), single))
        except IntegrityError:
            # The key is stored already (a retry, or one racing us): answer as if this came second.
            if single:
                key = next(iter(new))
                earlier = KpiResult.objects.select_related("definition").filter(idempotency_key=key).first()
                if earlier is None:  # not the key: some other constraint refused the row
                    raise
                kpi = new[key].definition
                return [(_same_or_conflict(earlier, kpi, new[key].period, new[key].value), False)]
            raise Conflict("部分幂等键正由另一请求同时提交：请稍后用相同的幂等键重新报送本批") from None
    return [o for o in out if o is not None]


def _same_or_conflict(existing: KpiResult, kpi: KpiDefinition, period: str, value: Decimal) -> KpiResult:
    if existing.definition_id == kpi.pk and existing.period == period and existing.value == value:
        return existing
    raise Conflict(
        f"幂等键“{existing.idempotency_key}”已用于另一条完成值"
        f"（{existing.definition.code} {existing.period}：{levels.plain(existing.value)}），不能改写；"
        "新的完成值请使用新的幂等键",
    )


def _audit_rows(actor: Actor, results: list[KpiResult], single: bool) -> list[AuditEntry]:
    """One audit row per KPI of a batch, listing its results (one result: its fields, as ever)."""
    if single:
        r = results[0]
        changes = {"period": r.period, "value": r.value, "source": r.source_system, "key": r.idempotency_key}
        return [audit.entry("assessment.kpi_result", actor=actor, obj=r.definition, changes=changes)]
    by_kpi: dict[int, list[KpiResult]] = {}
    for r in results:
        by_kpi.setdefault(r.definition_id, []).append(r)
    return [
        audit.entry(
            "assessment.kpi_result",
            actor=actor,
            obj=rows[0].definition,
            changes={
                "count": len(rows),
                "source": rows[0].source_system,
                "results": [[r.period, r.value, r.idempotency_key] for r in rows],
            },
        )
        for rows in by_kpi.values()
    ]


def find_unit(code: str) -> Unit:
    unit = find_units([code]).get(code)
    if unit is None:
        raise DomainError(f"找不到单位“{(code or '').strip()}”（请使用统一社会信用代码）", field="unit")
    return unit


def find_units(codes: Sequence[str]) -> dict[str, Unit]:
    """The units named by 统一社会信用代码 (or platform code), keyed by the code as given; unknown ones
    left out. One query."""
    wanted = {c: (c or "").strip() for c in codes}
    uuids: dict[str, uuid.UUID] = {}
    for given, c in wanted.items():
        if c:
            with contextlib.suppress(ValueError):  # not a platform code (a credit code, or neither)
                uuids[given] = uuid.UUID(c)
    # Both kinds of code in one statement; a credit code match wins over a platform code match.
    credits = {c.upper() for c in wanted.values() if c}
    match = (
        Q(credit_code__in=credits) | Q(code__in=set(uuids.values())) if uuids else Q(credit_code__in=credits)
    )
    found = list(Unit.objects.filter(match).order_by())
    by_credit = {u.credit_code: u for u in found if u.credit_code in credits}
    by_code = {u.code: u for u in found}
    out: dict[str, Unit] = {}
    for given, c in wanted.items():
        unit = by_credit.get(c.upper()) if c else None
        if unit is None and given in uuids:
            unit = by_code.get(uuids[given])
        if unit is not None:
            out[given] = unit
    return out
