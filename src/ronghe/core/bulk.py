"""Bulk loading of rows that grow with the member count: COPY on PostgreSQL, executemany elsewhere."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model


def bulk_load(
    model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], batch: int = 20000
) -> int:
    """Insert raw value tuples (in `fields` order; a foreign key takes its id) without model instances.

    PostgreSQL: one COPY per batch. Other databases: executemany INSERT per batch. Values must be
    final (no defaults are applied). Returns the number of rows written. Demo steps use this for
    tables that grow with the member count (members, attendance, points ledger).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    model_fields = [model._meta.get_field(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
    total = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            chunk: list[Sequence[Any]] = []

            jsons = [i for i, f in enumerate(model_fields) if f.get_internal_type() == "JSONField"]

            def flush_copy() -> None:
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
        plain = {"CharField", "TextField", "ForeignKey", "IntegerField", "BigAutoField", "BooleanField"}
        preps = [
            None if f.get_internal_type() in plain or "Integer" in f.get_internal_type() else f
            for f in model_fields
        ]
        pending: list[list[Any]] = []
        for row in rows:
            pending.append(
                [
                    v if f is None or v is None else f.get_db_prep_save(v, conn)
                    for f, v in zip(preps, row, strict=True)
                ]
            )
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                total += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            total += len(pending)
    return total
