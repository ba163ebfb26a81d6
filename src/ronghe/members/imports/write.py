"""The commit pass: write the valid rows of a roster file in one transaction.

New members are inserted without building model instances (a background COPY on PostgreSQL,
`core.bulk.bulk_load` elsewhere); members already registered under the same ID number are updated
with the columns the file has. Commits run one at a time, and each is audited as member.import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit, crypto, dbfeatures
from ronghe.core.bulk import BackgroundCopy, bulk_load, larger_page_cache
from ronghe.core.idnumbers import mask_id_number, mask_phone
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.jobs import Outcome
from ronghe.core.imports.reading import Header
from ronghe.core.readcache import invalidate_home_summary
from ronghe.members.imports.columns import PLAIN_FIELDS
from ronghe.members.imports.rows import BATCH, MemberRow, iterate
from ronghe.members.models import Member
from ronghe.members.services import set_sensitive_numbers
from ronghe.orgs.models import Organization

MEMBER_COLUMNS = [f for f in Member._meta.concrete_fields if not f.primary_key]


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
    """Without the advisory lock (a PostgreSQL fast path, core.dbfeatures) two overlapping imports
    run together and the later one is refused by the unique ID index with a clear message."""
    if dbfeatures.enabled("advisory_lock"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def _commit(
    *,
    path: Path,
    kind: str,
    target: Organization,
    user: User | None,
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
    if dbfeatures.enabled("copy"):
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
        # the index under the same keyring as the token: a key rotation between the check and the write
        # must not leave a token under the new key next to an index under the previous MAC key
        values[at_index] = cipher.blind_index(row.id_number, "id_number")
        values[at_id_mask] = mask_id_number(row.id_number)
        if row.phone:
            values[at_phone] = cipher.encrypt(row.phone, "phone")
            values[at_phone_mask] = mask_phone(row.phone)
        yield values
