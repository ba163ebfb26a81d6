"""Scheme editing for every purpose: create, clone, edit, archive schemes, dimensions and indicators.

Each use-case checks, inside, that the actor holds the purpose's manage permission at the scheme's
organization (declared by the app that owns the purpose: `register_purpose` in its `ready()`), and that
only drafts are edited — an active scheme changes by a new version, so last year's results stay
reproducible from the version they were computed with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from ronghe.core import audit
from ronghe.core.scope import has_perm_at
from ronghe.core.scoring import levels, rules
from ronghe.core.scoring.choices import IndicatorKind, SchemeStatus
from ronghe.core.scoring.models import Dimension, Indicator, Scheme
from ronghe.core.scoring.services import SchemeError, clone_scheme
from ronghe.core.types import Actor, OrgNode


@dataclass(frozen=True)
class Purpose:
    permission: str  # held at the scheme's organization to edit it
    noun: str  # "积分方案", for messages


_PURPOSES: dict[str, Purpose] = {}

DRAFTS_ONLY = "只有草稿方案可以修改；请先复制为新版本"


def register_purpose(purpose: str, *, permission: str, noun: str) -> None:
    """Declare who may edit schemes of a purpose (called from the owning app's `ready()`)."""
    _PURPOSES[purpose] = Purpose(permission, noun)


def purpose_of(scheme: Scheme) -> Purpose:
    try:
        return _PURPOSES[scheme.purpose]
    except KeyError:
        raise PermissionDenied("该类方案尚未开放编辑") from None


def can_manage(actor: Actor, scheme: Scheme, organization: OrgNode | None = None) -> bool:
    """Whether `actor` may edit schemes of this purpose at `organization` (default: the scheme's)."""
    purpose = _PURPOSES.get(scheme.purpose)
    org = organization or scheme.organization
    return purpose is not None and has_perm_at(actor, purpose.permission, org.path)


def require_manage(actor: Actor, scheme: Scheme, organization: OrgNode | None = None) -> None:
    purpose = purpose_of(scheme)
    if not can_manage(actor, scheme, organization):
        raise PermissionDenied(f"您没有设置{purpose.noun}的权限")


def _editable(actor: Actor, scheme: Scheme) -> None:
    require_manage(actor, scheme)
    if not scheme.is_editable:
        raise SchemeError(DRAFTS_ONLY)


def _save_fields(
    actor: Actor,
    scheme: Scheme,
    obj: Scheme | Dimension,
    data: Mapping[str, Any],
    fields: list[str],
    event: str,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Set the given fields from `data`, save, and audit what changed on the scheme."""
    before = {f: str(getattr(obj, f)) for f in fields}
    with transaction.atomic():
        for f in fields:
            if f in data:
                setattr(obj, f, data[f])
        obj.save()
        after = {f: str(getattr(obj, f)) for f in fields}
        audit.record(event, actor=actor, obj=scheme, changes=audit.diff(before, after) | dict(extra or {}))


# ---------------------------------------------------------------- schemes


def copy_scheme(*, actor: Actor, scheme: Scheme, year: int, organization: OrgNode | None = None) -> Scheme:
    """Copy a scheme as a new draft for `year` at `organization` (a unit refining the 工委's scheme, or
    next year's version); the actor needs the manage permission where the copy will live."""
    require_manage(actor, scheme, organization or scheme.organization)
    return clone_scheme(scheme=scheme, year=year, actor=actor, organization=organization)


def update_scheme_settings(*, actor: Actor, scheme: Scheme, data: Mapping[str, Any]) -> Scheme:
    """Edit a draft's name, total floor/ceiling and whether units may refine it."""
    _editable(actor, scheme)
    fields = ["name", "floor", "ceiling", "allow_refine", "description"]
    floor, ceiling = data.get("floor", scheme.floor), data.get("ceiling", scheme.ceiling)
    if floor is not None and ceiling is not None and floor > ceiling:
        raise SchemeError("总分上限不能低于总分下限", field="ceiling")
    if "name" in data and not (data["name"] or "").strip():
        raise SchemeError("方案名称不能为空", field="name")
    _save_fields(actor, scheme, scheme, data, fields, "scoring.scheme_updated")
    return scheme


def archive_scheme(*, actor: Actor, scheme: Scheme) -> Scheme:
    """Retire a draft nobody will activate. An active version is archived when its successor is
    activated (`services.activate_scheme`), never by hand, so a year is never left without a scheme."""
    require_manage(actor, scheme)
    if scheme.status == SchemeStatus.ARCHIVED:
        raise SchemeError("该方案已归档")
    if scheme.status != SchemeStatus.DRAFT:
        raise SchemeError("启用中的方案不能归档；启用新版本时它会自动归档")
    with transaction.atomic():
        updated = Scheme.objects.filter(pk=scheme.pk, status=scheme.status).update(
            status=SchemeStatus.ARCHIVED
        )
        if updated != 1:
            raise SchemeError("该方案已被他人修改，请刷新后查看")
        audit.record(
            "scoring.scheme_archived",
            actor=actor,
            obj=scheme,
            changes={"status": [scheme.status, "archived"]},
        )
        scheme.status = SchemeStatus.ARCHIVED
    return scheme


# ---------------------------------------------------------------- dimensions


def update_dimension(*, actor: Actor, dimension: Dimension, data: Mapping[str, Any]) -> Dimension:
    """Edit a draft's dimension (name, base, weight in a subject's total, A/B lines; B must not
    exceed A, the weight is not negative). Fields not in `data` keep their values."""
    scheme = dimension.scheme
    _editable(actor, scheme)
    fields = ["name", "base", "weight", "threshold_a", "threshold_b"]
    if "name" in data and not (data["name"] or "").strip():
        raise SchemeError("维度名称不能为空", field="name")
    for f in ("base", "weight"):
        if f in data and data[f] is None:
            raise SchemeError(f"请填写维度{'基础分' if f == 'base' else '权重'}", field=f)
    if data.get("weight") is not None and data["weight"] < 0:
        raise SchemeError("维度权重不能为负数", field="weight")
    problems = rules.threshold_problems(
        threshold_a=data.get("threshold_a", dimension.threshold_a),
        threshold_b=data.get("threshold_b", dimension.threshold_b),
    )
    if problems:
        raise SchemeError(
            f"“{data.get('name') or dimension.name}”{problems['threshold_b']}", field="threshold_b"
        )
    _save_fields(
        actor, scheme, dimension, data, fields, "scoring.dimension_updated", {"code": dimension.code}
    )
    return dimension


# ---------------------------------------------------------------- indicators

INDICATOR_FIELDS = [
    "code",
    "name",
    "dimension",
    "kind",
    "points",
    "weight",
    "cap_month",
    "cap_quarter",
    "cap_year",
    "floor",
    "ceiling",
    "sources",
    "claimable",
]


# What an indicator gets when the purpose's form does not ask for it (stars count weight, not points).
INDICATOR_DEFAULTS: dict[str, Any] = {"points": rules.ZERO, "weight": Decimal("1")}


def indicator_kinds() -> dict[str, str]:
    return dict(IndicatorKind.choices)


def indicator_value_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """The engine's number rules (`rules.indicator_problems`) on an indicator's values; a number
    the purpose does not use (absent) is not checked. For the forms and the services alike."""
    return rules.indicator_problems(
        kind=values["kind"],
        points=values.get("points"),
        cap_month=values.get("cap_month"),
        cap_quarter=values.get("cap_quarter"),
        cap_year=values.get("cap_year"),
        floor=values.get("floor"),
        ceiling=values.get("ceiling"),
    )


def _check_indicator_values(scheme: Scheme, values: Mapping[str, Any], exclude_pk: int | None = None) -> None:
    problems = indicator_value_problems(values)
    if problems:
        field, message = next(iter(problems.items()))
        raise SchemeError(message, field=field)
    dimension = values["dimension"]
    if dimension is None or dimension.scheme_id != scheme.pk:
        raise SchemeError("所选维度不属于本方案", field="dimension")
    duplicate = Indicator.objects.filter(scheme=scheme, code=values["code"])
    if exclude_pk is not None:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if duplicate.exists():
        raise SchemeError(f"指标代码“{values['code']}”已在本方案中使用", field="code")
    if values.get("weight") is not None and values["weight"] < 0:
        raise SchemeError("指标权重不能为负数", field="weight")


def _refuse_if_ruled(scheme: Scheme, indicator: Indicator, doing: str) -> None:
    """The level rules must keep working (`levels.level_rule_problems`): an indicator they name
    (a star's criteria, a cap, a tie-breaker) is neither deleted nor recoded."""
    places = levels.uses_of(scheme.to_level_rules(), indicator.code)
    if places:
        raise SchemeError(
            f"指标“{indicator.name}”用于定级规则中的{'、'.join(places)}，不能{doing}；请先修改定级规则",
            field="code",
        )


def _indicator_text(indicator: Indicator) -> dict[str, str]:
    return {f: str(getattr(indicator, f)) for f in INDICATOR_FIELDS}


def create_indicator(*, actor: Actor, scheme: Scheme, data: Mapping[str, Any]) -> Indicator:
    """Add an indicator to a draft scheme (code unique within the scheme, numbers validated)."""
    _editable(actor, scheme)
    values = {f: data.get(f) for f in INDICATOR_FIELDS}
    for f, default in INDICATOR_DEFAULTS.items():
        if values[f] is None:
            values[f] = default
    values["sources"] = list(values["sources"] or [])
    values["claimable"] = bool(values["claimable"])
    _check_indicator_values(scheme, values)
    with transaction.atomic():
        last = scheme.indicators.order_by("-order").values_list("order", flat=True).first()
        indicator = Indicator.objects.create(scheme=scheme, order=(last or 0) + 1, **values)
        audit.record("scoring.indicator_created", actor=actor, obj=scheme, changes=_indicator_text(indicator))
    return indicator


def update_indicator(*, actor: Actor, indicator: Indicator, data: Mapping[str, Any]) -> Indicator:
    """Edit a draft scheme's indicator; active schemes are changed by a new version (clone)."""
    scheme = indicator.scheme
    _editable(actor, scheme)
    before = _indicator_text(indicator)
    values = {f: data[f] if f in data else getattr(indicator, f) for f in INDICATOR_FIELDS}
    for f, default in INDICATOR_DEFAULTS.items():
        if values[f] is None:
            values[f] = default
    _check_indicator_values(scheme, values, exclude_pk=indicator.pk)
    if values["code"] != indicator.code:
        _refuse_if_ruled(scheme, indicator, "修改代码")
    with transaction.atomic():
        for f, v in values.items():
            setattr(indicator, f, v)
        indicator.save()
        audit.record(
            "scoring.indicator_updated",
            actor=actor,
            obj=scheme,
            changes=audit.diff(before, _indicator_text(indicator)) | {"code": indicator.code},
        )
    return indicator


def delete_indicator(*, actor: Actor, indicator: Indicator) -> None:
    """Remove an indicator from a draft; refused while any record (a ledger entry, a claim, a score)
    refers to it — the database's protected foreign keys say so, whichever app holds the record."""
    scheme = indicator.scheme
    _editable(actor, scheme)
    _refuse_if_ruled(scheme, indicator, "删除")
    try:
        with transaction.atomic():
            audit.record(
                "scoring.indicator_deleted",
                actor=actor,
                obj=scheme,
                changes={"code": indicator.code, "name": indicator.name},
            )
            indicator.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise SchemeError(f"指标“{indicator.name}”已有积分记录或申报，不能删除") from exc


# ---------------------------------------------------------------- level rules (ratings, selections…)


def update_level_rules(*, actor: Actor, scheme: Scheme, level_rules: levels.LevelRules) -> Scheme:
    """Replace a draft's level rules (stars and their criteria, thresholds, caps, quotas, ties) after
    checking they work with the draft's indicators; the change is audited as before/after."""
    _editable(actor, scheme)
    problems = levels.level_rule_problems(scheme.to_rules(), level_rules)
    if problems:
        field, message = next(iter(problems.items()))
        raise SchemeError(message, field=field)
    before = scheme.level_rules
    with transaction.atomic():
        scheme.level_rules = level_rules.to_dict()
        scheme.save(update_fields=["level_rules", "updated_at"])
        audit.record(
            "scoring.level_rules_updated",
            actor=actor,
            obj=scheme,
            changes={"before": before, "after": scheme.level_rules},
        )
    return scheme
