"""Bulk loading of rows that grow with the member count: COPY on PostgreSQL, executemany elsewhere."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

from ronghe.core import dbfeatures

# PostgreSQL types for COPY's binary format, by the column type Django creates (modifiers dropped).
BINARY_TYPES = {
    "varchar": "text",
    "text": "text",
    "uuid": "uuid",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
}


def bulk_load(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    batch: int = 20000,
    *,
    binary: bool = False,
    table: str | None = None,
    leading: Sequence[str] = (),
) -> int:
    """Insert raw value tuples (in `fields` order; a foreign key takes its id) without model instances.

    PostgreSQL: one COPY per batch. Other databases: executemany INSERT per batch. Values must be
    final (no defaults are applied). Returns the number of rows written. Demo steps use this for
    tables that grow with the member count (members, attendance, points ledger).

    `binary=True` uses COPY's binary format when every column has a type in BINARY_TYPES: less work
    for the client and the server, but each value must already be of its column's Python type
    (str, int, date, aware datetime, UUID); the text format also accepts e.g. "3" for an integer.

    `table` writes into another table with the model's columns (a `Stage`), and each row then starts
    with the values of the `leading` raw columns (keys and integers, passed as they are).
    """
    table = connection.ops.quote_name(table or model._meta.db_table)
    model_fields, columns = _columns(model, fields)
    if leading:
        columns = ", ".join([*(connection.ops.quote_name(c) for c in leading), columns])
        binary = False
    total = 0
    with connection.cursor() as cursor:
        if dbfeatures.enabled("copy"):
            raw = cursor.cursor
            chunk: list[Sequence[Any]] = []

            jsons = [
                i + len(leading) for i, f in enumerate(model_fields) if f.get_internal_type() == "JSONField"
            ]
            types = _binary_types(model_fields) if binary else None

            def flush_copy() -> None:
                if types is not None:
                    with raw.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                        copy.set_types(types)
                        for row in chunk:
                            copy.write_row(row)
                    return
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in chunk:
                        if jsons:
                            row = list(row)
                            for i in jsons:
                                row[i] = None if row[i] is None else json.dumps(row[i], ensure_ascii=False)
                        copy.write_row(row)

            for row in rows:
                chunk.append(row)
                if len(chunk) >= batch:
                    flush_copy()
                    total += len(chunk)
                    chunk = []
            if chunk:
                flush_copy()
                total += len(chunk)
            return total
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (len(leading) + len(fields)))})"
        conn = connections[DEFAULT_DB_ALIAS]
        preps = [None] * len(leading) + [_prep(f, conn) for f in model_fields]
        pending: list[list[Any]] = []
        for row in rows:
            pending.append([v if p is None or v is None else p(v) for p, v in zip(preps, row, strict=True)])
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                total += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            total += len(pending)
    return total


@contextmanager
def larger_page_cache(mib: int = 64) -> Iterator[None]:
    """SQLite: a bigger page cache on this connection while a bulk write runs (random-key index
    inserts of a 100,000-row import were a third faster), then the previous size again, so
    ordinary requests keep the small default."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-int(mib) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def _columns(model: type[Model], fields: Sequence[str]) -> tuple[list[Field[Any, Any]], str]:
    """The named fields and their quoted column list (a foreign key is its `_id` column)."""
    model_fields: list[Field[Any, Any]] = []
    columns: list[str] = []
    for name in fields:
        field = model._meta.get_field(name)
        if not isinstance(field, Field) or field.column is None:
            raise ValueError(f"{model.__name__}.{name} is not a column")
        model_fields.append(field)
        columns.append(connection.ops.quote_name(field.column))
    return model_fields, ", ".join(columns)


PLAIN = {"CharField", "TextField", "ForeignKey", "BooleanField"}


def _prep(field: Field[Any, Any], conn: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How one column's values become parameters for executemany: None when the driver takes the
    value as it is; dates as ISO text (what Django's adapter gives); other values through the
    field, remembering the last immutable one (a batch's timestamps are usually one object)."""
    kind = field.get_internal_type()
    if kind in PLAIN or "Integer" in kind or kind.endswith("AutoField"):
        return None
    if kind == "DateField":
        return lambda v: v.isoformat() if type(v) is date else field.get_db_prep_save(v, conn)
    last: list[Any] = [object(), None]

    def prep(v: Any) -> Any:
        if isinstance(v, (dict, list)):  # mutable: the same object may hold other values next row
            return field.get_db_prep_save(v, conn)
        if v is not last[0]:
            last[0], last[1] = v, field.get_db_prep_save(v, conn)
        return last[1]

    return prep


def _binary_types(model_fields: Sequence[Field[Any, Any]]) -> list[str] | None:
    types = []
    for f in model_fields:
        db_type = (f.db_type(connection) or "").split("(")[0].strip()
        if db_type not in BINARY_TYPES:
            return None
        types.append(BINARY_TYPES[db_type])
    return types


class Stage:
    """A work table shaped like `model`'s columns, where a bulk write is prepared before it is applied.

    Rows are staged under a key (the job's file) with a sequence number and, for rows that update an
    existing record, its id (`target_id`). `apply(key, fields)` then writes them in batches of `batch`
    rows, each batch one short transaction: new rows with `INSERT … SELECT`, existing ones with one
    set-based `UPDATE … FROM` (PostgreSQL; SQLite ≥ 3.33), and the batch's staged rows deleted in the
    same transaction — so a rerun after a crash applies exactly what is left (idempotent), and no
    transaction holds SQLite's write lock for long (issue 22). A row at sequence 0 marks the staging
    as complete. The table is created on first use (`CREATE TABLE IF NOT EXISTS`): a work table, not
    part of the model, its rows gone once applied.
    """

    def __init__(self, model: type[Model], fields: Sequence[str], *, unique: str) -> None:
        self.model = model
        self.fields = list(fields)
        self.unique = unique  # the column that identifies a record (a staged new row may exist by now)
        self.table = f"{model._meta.db_table}_stage"
        self.model_fields, self.columns = _columns(model, fields)

    def _q(self, name: str) -> str:
        return str(connection.ops.quote_name(name))

    def ensure(self) -> None:
        specs = [
            f"{self._q(f.column)} {f.db_type(connection)}"
            for f in self.model_fields
            if f.column is not None and f.db_type(connection)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self._q(self.table)} (stage_key varchar(200) NOT NULL, "
                f"stage_seq bigint NOT NULL, target_id bigint NULL, {', '.join(specs)})"
            )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {self._q(self.table + '_key')} "
                f"ON {self._q(self.table)} (stage_key, stage_seq)"
            )

    def is_complete(self, key: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {self._q(self.table)} WHERE stage_key = %s AND stage_seq = 0", [key]
            )
            return cursor.fetchone() is not None

    def clear(self, key: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self._q(self.table)} WHERE stage_key = %s", [key])

    def add(self, key: str, first_seq: int, rows: Sequence[tuple[int | None, Sequence[Any]]]) -> int:
        """Stage `rows` — (target id or None, values in `fields` order) — from sequence `first_seq`."""
        staged = ([key, first_seq + i, target, *values] for i, (target, values) in enumerate(rows))
        with transaction.atomic():
            return bulk_load(
                self.model,
                self.fields,
                staged,
                table=self.table,
                leading=["stage_key", "stage_seq", "target_id"],
            )

    def complete(self, key: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {self._q(self.table)} (stage_key, stage_seq) VALUES (%s, 0)", [key])

    def pending(self, key: str) -> tuple[int, int]:
        """(new rows, updates) still staged under `key`."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) - COUNT(target_id), COUNT(target_id) FROM {self._q(self.table)} "
                "WHERE stage_key = %s AND stage_seq > 0",
                [key],
            )
            new, updates = cursor.fetchone()
        return int(new), int(updates)

    def apply(
        self,
        key: str,
        update_fields: Sequence[str],
        *,
        batch: int = 2000,
        progress: Callable[[int, int], None] | None = None,
    ) -> tuple[int, int]:
        """Write what is staged under `key` into the model's table, batch by batch; returns (created,
        updated). Updates set only `update_fields`; inserts write every staged column."""
        stage, table = self._q(self.table), self._q(self.model._meta.db_table)
        unique = self._q(_columns(self.model, [self.unique])[0][0].column or self.unique)
        pk = self._q(str(getattr(self.model._meta.pk, "column", "id")))
        _, update_columns = _columns(self.model, update_fields)
        sets = ", ".join(f"{c} = s.{c}" for c in update_columns.split(", "))
        window = "stage_key = %s AND stage_seq >= %s AND stage_seq < %s"
        created = updated = 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MIN(stage_seq), MAX(stage_seq) FROM {stage} WHERE stage_key = %s AND stage_seq > 0",
                [key],
            )
            low, high = cursor.fetchone()
        if low is None:
            return 0, 0
        for start in range(int(low), int(high) + 1, batch):
            params: list[str | int] = [key, start, start + batch]
            with transaction.atomic(), connection.cursor() as cursor:
                # a record registered since the row was staged (by hand, or by another import) is updated
                cursor.execute(
                    f"UPDATE {stage} SET target_id = (SELECT m.{pk} FROM {table} m WHERE m.{unique} = {stage}.{unique}) "
                    f"WHERE {window} AND target_id IS NULL "
                    f"AND EXISTS (SELECT 1 FROM {table} m WHERE m.{unique} = {stage}.{unique})",
                    params,
                )
                cursor.execute(
                    f"UPDATE {table} SET {sets} FROM {stage} s WHERE s.target_id = {table}.{pk} AND s.{window}",
                    params,
                )
                updated += max(cursor.rowcount, 0)
                cursor.execute(
                    f"INSERT INTO {table} ({self.columns}) SELECT {self.columns} FROM {stage} "
                    f"WHERE {window} AND target_id IS NULL",
                    params,
                )
                created += max(cursor.rowcount, 0)
                cursor.execute(f"DELETE FROM {stage} WHERE {window}", params)
            if progress is not None:
                progress(created, updated)
        self.clear(key)  # the completion mark
        return created, updated
