"""Business KPIs (目标任务) per unit and year, and their results: from business systems through the API
(idempotent on a key), an Excel sheet (`imports.py`) or by hand."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from ronghe.assessment import rules
from ronghe.assessment.choices import CampaignState, Direction
from ronghe.assessment.models import Entry, KpiDefinition, KpiResult
from ronghe.assessment.services import FINALIZED, MANAGE, REPORT, _dec, main_organizations
from ronghe.core import audit
from ronghe.core.errors import Conflict, DomainError, InvalidInput
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
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise DomainError("请提供幂等键（idempotency_key，1–100 个字符）", field="idempotency_key")
    unit = find_unit(unit_code)
    kpi_code = (kpi_code or "").strip()
    period = (period or "").strip()
    source = (source_system or "").strip()
    if not source or len(source) > 50:
        raise DomainError("请填写来源系统（1–50 个字符）", field="source_system")
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise DomainError("完成值应为数字", field="value")
    number = _dec(value, "value", "完成值")
    year_text = period[:4]
    if problem := rules.period_problem(period):
        raise DomainError(problem, field="period")
    kpi = (
        KpiDefinition.objects.select_related("organization")
        .filter(unit=unit, year=int(year_text), code=kpi_code)
        .first()
    )
    if kpi is None:
        raise DomainError(f"单位“{unit.name}”{year_text} 年没有代码为“{kpi_code}”的业务指标", field="kpi")
    require_at(actor, REPORT, kpi.organization.path)
    existing = KpiResult.objects.filter(idempotency_key=key).select_related("definition").first()
    if existing is not None:
        return _same_or_conflict(existing, kpi, period, number), False
    _require_year_open(unit, kpi.year)
    try:
        with transaction.atomic():
            result = KpiResult.objects.create(
                definition=kpi,
                period=period,
                value=number,
                source_system=source,
                idempotency_key=key,
                received_by_id=actor.pk,
            )
            audit.record(
                "assessment.kpi_result",
                actor=actor,
                obj=kpi,
                changes={"period": period, "value": number, "source": source, "key": key},
            )
    except IntegrityError:
        # A retry raced us with the same key: answer as if it came second.
        existing = KpiResult.objects.select_related("definition").get(idempotency_key=key)
        return _same_or_conflict(existing, kpi, period, number), False
    return result, True


def _same_or_conflict(existing: KpiResult, kpi: KpiDefinition, period: str, value: Decimal) -> KpiResult:
    if existing.definition_id == kpi.pk and existing.period == period and existing.value == value:
        return existing
    raise Conflict(
        f"幂等键“{existing.idempotency_key}”已用于另一条完成值"
        f"（{existing.definition.code} {existing.period}：{levels.plain(existing.value)}），不能改写；"
        "新的完成值请使用新的幂等键",
    )


def find_unit(code: str) -> Unit:
    code = (code or "").strip()
    unit = Unit.objects.filter(credit_code=code.upper()).first() if code else None
    if unit is None and code:
        try:
            unit = Unit.objects.filter(code=uuid.UUID(code)).first()
        except ValueError:
            unit = None
    if unit is None:
        raise DomainError(f"找不到单位“{code}”（请使用统一社会信用代码）", field="unit")
    return unit
