"""Bulk loading of rows that grow with the member count: COPY on PostgreSQL, executemany elsewhere."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from types import TracebackType
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
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
) -> int:
    """Insert raw value tuples (in `fields` order; a foreign key takes its id) without model instances.

    PostgreSQL: one COPY per batch. Other databases: executemany INSERT per batch. Values must be
    final (no defaults are applied). Returns the number of rows written. Demo steps use this for
    tables that grow with the member count (members, attendance, points ledger).

    `binary=True` uses COPY's binary format when every column has a type in BINARY_TYPES: less work
    for the client and the server, but each value must already be of its column's Python type
    (str, int, date, aware datetime, UUID); the text format also accepts e.g. "3" for an integer.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    model_fields, columns = _columns(model, fields)
    total = 0
    with connection.cursor() as cursor:
        if dbfeatures.enabled("copy"):
            raw = cursor.cursor
            chunk: list[Sequence[Any]] = []

            jsons = [i for i, f in enumerate(model_fields) if f.get_internal_type() == "JSONField"]
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
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        conn = connections[DEFAULT_DB_ALIAS]
        preps = [_prep(f, conn) for f in model_fields]
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


class BackgroundCopy:
    """Binary COPY of one batch at a time on a worker thread (PostgreSQL; see `bulk_load`).

    `send(rows)` waits for the previous batch, starts copying `rows` and returns at once, so the
    server inserts and indexes one batch while the caller validates and encrypts the next (on two
    cores). A psycopg connection runs one operation at a time: a query the caller makes meanwhile
    simply waits for the COPY. Used as a context manager, leaving waits for the last batch; a failed
    COPY is raised as Django's database error (IntegrityError …) from `send`, `wait` or the exit,
    taking precedence over the error it caused in the caller (an aborted transaction).
    """

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        model_fields, columns = _columns(model, fields)
        types = _binary_types(model_fields)
        if connection.vendor != "postgresql" or types is None:
            raise ValueError("BackgroundCopy needs PostgreSQL and columns with binary COPY types")
        table = connection.ops.quote_name(model._meta.db_table)
        self.sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"
        self.types = types
        connection.ensure_connection()
        self.raw = connection.connection
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-copy")
        self.pending: Future[int] | None = None
        self.total = 0

    def send(self, rows: list[Sequence[Any]]) -> None:
        self.wait()
        self.pending = self.pool.submit(self._copy, rows)

    def _copy(self, rows: list[Sequence[Any]]) -> int:
        with self.raw.cursor() as cursor, cursor.copy(self.sql) as copy:
            copy.set_types(self.types)
            for row in rows:
                copy.write_row(row)
        return len(rows)

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            with connection.wrap_database_errors:
                self.total += pending.result()

    def __enter__(self) -> BackgroundCopy:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.wait()
        finally:
            self.pool.shutdown(wait=True)
