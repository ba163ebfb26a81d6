"""The commit pass: stage the valid rows of a roster file, then apply them in short batches.

New members are staged without building model instances; members already registered under the same
ID number are staged as they will be. Applying is set-based (`core.bulk.Stage`: INSERT … SELECT and
UPDATE … FROM per batch), so an update writes as fast as a creation. Commits run one at a time, and
each is audited as member.import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit, crypto, dbfeatures
from ronghe.core.bulk import Stage, larger_page_cache
from ronghe.core.idnumbers import mask_id_number, mask_phone
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.jobs import Outcome
from ronghe.core.imports.reading import Header, open_mapped
from ronghe.core.readcache import invalidate_home_summary
from ronghe.members.imports.columns import PLAIN_FIELDS, SPEC
from ronghe.members.imports.rows import MemberRow, Registered, iterate
from ronghe.members.models import Member
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
    columns: Mapping[str, object] | None = None,
) -> Outcome:
    """Stage the rows, then apply them in short batches. All-or-nothing unless `valid_only` (a bad row
    leaves the roster untouched); audited as member.import.

    Commits run one at a time (a PostgreSQL advisory lock), so two imports naming the same people
    cannot both insert them: the later one finds the earlier one's rows and updates them (FILE-10);
    a member registered by hand meanwhile is updated too (`Stage.apply`)."""
    try:
        return _commit(
            path=path,
            kind=kind,
            target=target,
            user=user,
            valid_only=valid_only,
            original_name=original_name,
            progress=progress,
            columns=columns,
        )
    except IntegrityError as exc:
        raise ImportRefused("导入期间有相同公民身份号码的党员被登记，本次未导入任何数据，请重新导入") from exc


IMPORT_LOCK = 0x52484D49  # "RHMI": the advisory lock key of member-import commits
# Rows applied per transaction. Each batch is one INSERT … SELECT and one UPDATE … FROM of this many
# rows: milliseconds, far below the ~2 s the SQLite write lock may be held while others wait (issue 22).
APPLY_BATCH = 2000

STAGE = Stage(Member, [f.name for f in MEMBER_COLUMNS], unique="id_number_index")


@contextmanager
def _one_commit_at_a_time() -> Iterator[None]:
    """PostgreSQL: a session advisory lock held from the roster check to the last batch applied, so a
    second import sees the first one's members and updates them. (SQLite has one writer anyway.)
    Without the advisory lock (a PostgreSQL fast path, core.dbfeatures) two overlapping imports run
    together and the later one is refused by the unique ID index with a clear message."""
    if not dbfeatures.enabled("advisory_lock"):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK])


def stage_key(path: Path) -> str:
    """The staging area of one file: its stored name, size and time, so a rerun of the same job finds it."""
    stat = path.stat()
    return f"{path.name}:{stat.st_size}:{int(stat.st_mtime)}"


def _commit(
    *,
    path: Path,
    kind: str,
    target: Organization,
    user: User | None,
    valid_only: bool,
    original_name: str,
    progress: Callable[[int], None] | None,
    columns: Mapping[str, object] | None,
) -> Outcome:
    """Two steps. Staging: every row is read, checked and, while the import may still go ahead, written
    to the staging area in its final form, a batch per short transaction; nothing of the roster changes.
    An all-or-nothing import with a bad row then clears the staging area: nothing was written. Applying:
    the staged rows go into the roster a batch per short transaction (`core.bulk.Stage`). A rerun after
    a crash finds the staging complete and applies what is left, so the user gets the whole file."""
    outcome = Outcome()
    STAGE.ensure()
    key = stage_key(path)
    read: Header | None = (
        None  # the header of the staging pass; a rerun that finds the staging complete reads it
    )
    with _one_commit_at_a_time():
        if not STAGE.is_complete(key):
            STAGE.clear(key)
            seq = 1
            with _larger_cache():
                for header, ok, errors, count in iterate(path, kind, target, user, columns=columns):
                    read = header
                    outcome.total = count
                    outcome.invalid.extend(errors)
                    outcome.invalid_rows += len({e.row for e in errors})
                    if ok and (not outcome.invalid or valid_only):
                        rows = _staged_rows(ok, header, target)
                        seq += STAGE.add(key, seq, rows)
                    outcome.valid += len(ok)
                    if progress is not None:
                        progress(count // 2)  # reading and checking is the first half of the bar
            if outcome.invalid and not valid_only:
                STAGE.clear(key)
                return outcome
            STAGE.complete(key)
        else:
            new, updates = STAGE.pending(key)
            outcome.total = outcome.valid = new + updates
        total = max(outcome.total, 1)
        done_before = [0]

        def applied(created: int, updated: int) -> None:
            if progress is not None:
                done_before[0] = created + updated
                progress(total // 2 + done_before[0] * total // max(2 * outcome.valid, 1))

        outcome.created, outcome.updated = STAGE.apply(
            key,
            _update_fields(read or open_mapped(path, kind, SPEC, columns)[0]),
            batch=APPLY_BATCH,
            progress=applied,
        )
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
    # Set-based SQL bypasses the model signals: drop the cached counts and summaries here.
    invalidate_home_summary()
    return outcome


def _larger_cache() -> AbstractContextManager[None]:
    return larger_page_cache() if connection.vendor == "sqlite" else nullcontext()


def _present(header: Header) -> list[str]:
    """The member columns the file sets (gender and birth date follow from the ID number)."""
    return [f for f in PLAIN_FIELDS if f in header.columns or f in ("gender", "birth_date")]


def _update_fields(header: Header) -> list[str]:
    """What the import changes on a member already registered: the columns the file has, the phone when
    the file has a phone column, and the time (the status is never changed by an import: a different
    one is a row error)."""
    phone = ["phone_encrypted", "phone_masked"] if "phone" in header.columns else []
    return [*_present(header), *phone, "updated_at"]


def _staged_rows(
    rows: list[tuple[MemberRow, Registered | None]], header: Header, target: Organization
) -> list[tuple[int | None, list[Any]]]:
    """Each row in its final form, in MEMBER_COLUMNS order: a new member as `_new_member_rows` builds
    it, a registered one as `_updated_rows` does."""
    present = _present(header)
    new = [row for row, found in rows if found is None]
    staged: list[tuple[int | None, list[Any]]] = [
        (None, values) for values in _new_member_rows(new, present, target)
    ]
    staged.extend(_updated_rows([(row, found) for row, found in rows if found is not None], present))
    return staged


def _updated_rows(
    rows: list[tuple[MemberRow, Registered]], present: list[str]
) -> Iterator[tuple[int, list[Any]]]:
    """A registered member's staged row: the columns `_update_fields` writes, from the file (a column the
    file has but a row does not set keeps its current value); the others stay empty, since the update
    never reads them. No model instances: a re-import updates every row."""
    if not rows:
        return
    cipher = crypto.BatchCipher()
    now = timezone.now()
    position = {f.attname: i for i, f in enumerate(MEMBER_COLUMNS)}
    unset = [found.pk for row, found in rows if any(name not in row.values for name in present)]
    current = (
        {
            pk: dict(zip(present, values, strict=True))
            for pk, *values in Member.objects.filter(pk__in=unset).values_list("pk", *present)
        }
        if unset
        else {}
    )
    at_phone, at_phone_mask, at_updated = (
        position["phone_encrypted"],
        position["phone_masked"],
        position["updated_at"],
    )
    for row, found in rows:
        values: list[Any] = [None] * len(MEMBER_COLUMNS)
        for name in present:
            values[position[name]] = row.values[name] if name in row.values else current[found.pk][name]
        if row.phone is not None:
            values[at_phone] = cipher.encrypt(row.phone, "phone") if row.phone else ""
            values[at_phone_mask] = mask_phone(row.phone) if row.phone else ""
        values[at_updated] = now
        yield found.pk, values


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
