"""The 党费 settings per organization (held on the nearest ancestor) and the rate table in force."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from ronghe.core import audit
from ronghe.core.scope import require_at
from ronghe.core.types import Actor
from ronghe.dues import rules
from ronghe.dues.models import DuesSetting, RateTable
from ronghe.orgs.models import Organization, ancestor_paths


@dataclass(frozen=True)
class Settings:
    tax_reading: str
    rounding: rules.Rounding
    fixing: str
    lixiu: str
    organization: Organization | None  # where the setting is held (None: the defaults)


DEFAULT_SETTING = DuesSetting()


def settings_for(org: Organization) -> Settings:
    """The nearest ancestor's (or the organization's own) 党费 settings, else the defaults."""
    rows = {
        s.organization.path: s
        for s in DuesSetting.objects.select_related("organization").filter(
            organization__path__in=ancestor_paths(org.path)
        )
    }
    for path in reversed(ancestor_paths(org.path)):
        if path in rows:
            return _settings(rows[path], rows[path].organization)
    return _settings(DEFAULT_SETTING, None)


def settings_by_path(paths: Iterable[str]) -> dict[str, Settings]:
    """Settings for many organizations at once (one query)."""
    wanted = {a for p in paths for a in ancestor_paths(p)}
    rows = {
        s.organization.path: s
        for s in DuesSetting.objects.select_related("organization").filter(organization__path__in=wanted)
    }
    out: dict[str, Settings] = {}
    for path in set(paths):
        found = next((rows[a] for a in reversed(ancestor_paths(path)) if a in rows), None)
        out[path] = _settings(found, found.organization) if found else _settings(DEFAULT_SETTING, None)
    return out


def _settings(row: DuesSetting, org: Organization | None) -> Settings:
    return Settings(
        row.tax_reading,
        rules.Rounding(row.rounding_unit, row.rounding_mode),
        row.fixing,
        row.lixiu_standard,
        org,
    )


def rate_table_on(day: date) -> rules.RateTableData:
    """The rate table in force on `day` (the newest version not after it; the 2008 bands if none)."""
    row = RateTable.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if row is None:
        return rules.DEFAULT_TABLE
    return rules.RateTableData(
        version=row.version,
        in_service=rules.bands_from_json(row.in_service_bands),
        retired=rules.bands_from_json(row.retired_bands),
        farmer_min=row.farmer_min,
        farmer_max=row.farmer_max,
        reduced_amount=row.reduced_amount,
    )


SETTING_FIELDS = ("tax_reading", "rounding_unit", "rounding_mode", "fixing", "lixiu_standard")


def save_settings(*, actor: Actor, organization: Organization, values: dict[str, str]) -> DuesSetting:
    require_at(actor, "dues.manage", organization.path)
    with transaction.atomic():
        row, _ = DuesSetting.objects.get_or_create(organization=organization)
        before = {f: getattr(row, f) for f in SETTING_FIELDS}
        for name in SETTING_FIELDS:
            if name in values:
                setattr(row, name, values[name])
        row.full_clean(exclude=["organization"])
        row.save()
        audit.record(
            "dues.settings",
            actor=actor,
            obj=row,
            changes=audit.diff(before, {f: getattr(row, f) for f in SETTING_FIELDS}),
        )
    return row
