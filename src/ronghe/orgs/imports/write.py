"""The commit pass of a units register import: one transaction, audited as org.unit_import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.jobs import Outcome
from ronghe.orgs.imports.rows import UnitRow, iterate
from ronghe.orgs.models import Organization, Unit
from ronghe.orgs.services import can_manage_units


def commit(
    *,
    path: Path,
    kind: str,
    target: Organization,
    user: User | None,
    valid_only: bool,
    original_name: str,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Create the new units and update the registered ones (by name) with the columns the file has.
    All-or-nothing unless `valid_only`."""
    if user is None or not can_manage_units(user):
        raise ImportRefused("您没有维护单位名录的权限")
    outcome = Outcome()
    good: list[UnitRow] = []
    with transaction.atomic():
        for _header, _number, _cells, ok, errors in iterate(path, kind):
            outcome.total += 1
            outcome.valid += len(ok)
            good += ok
            if errors:
                outcome.invalid.extend(errors)
                outcome.invalid_rows += 1
            if progress is not None:
                progress(outcome.total)
        if outcome.invalid and not valid_only:
            return outcome
        for row in good:
            if row.unit is None:
                Unit.objects.create(**row.values)
                outcome.created += 1
            else:
                if not can_manage_units(user, row.unit):
                    raise PermissionDenied("您没有执行此操作的权限")
                for name, value in row.values.items():
                    setattr(row.unit, name, value)
                row.unit.save(update_fields=[*row.values, "updated_at"])
                outcome.updated += 1
        audit.record(
            "org.unit_import",
            actor=user,
            object_type="orgs.organization",
            object_id=str(target.code),
            object_repr=target.name,
            org_path=target.path,
            changes={"file": original_name, "created": outcome.created, "updated": outcome.updated},
        )
    return outcome
