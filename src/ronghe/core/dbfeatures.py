"""PostgreSQL fast paths, each switchable (RONGHE_PG_FAST_PATHS), so a PostgreSQL-compatible database
that lacks one (openGauss, KingbaseES, …) still runs the generic path. docs/databases.md lists what
each one does and what happens without it; tests/dbcompat run with all of them off.

`RONGHE_PG_FAST_PATHS` is ``1`` (default: all on), ``0`` (all off) or a comma-separated list of the
ones to keep, from `FAST_PATHS`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

FAST_PATHS = {
    "copy": "COPY … FROM STDIN for bulk inserts (core.bulk, member imports); else executemany INSERT",
    "array_param": "`= ANY(%s)` with one array parameter (member import lookups); else an ORM `IN` list",
    "advisory_lock": "pg_advisory_xact_lock (audit chain, member-import commits); else the row lock alone",
    "filter_clause": "aggregate FILTER (WHERE …) in the scoring SQL; else SUM(CASE WHEN … ELSE 0 END)",
    "set_based_recompute": "the points year recompute as SQL with jsonb_object_agg; else Python in batches",
    "side_connection": "import progress on a second connection with SET lock_timeout; else in the transaction",
    "statistics": "ALTER COLUMN … SET STATISTICS (migration members.0004); else skipped",
}


def enabled(feature: str, connection: BaseDatabaseWrapper | None = None) -> bool:
    """True when `connection` (default: the default one) is PostgreSQL and `feature` is switched on."""
    if feature not in FAST_PATHS:
        raise KeyError(feature)
    conn = connection or default_connection
    return conn.vendor == "postgresql" and feature in settings.RONGHE_PG_FAST_PATHS


def filter_clause(vendor: str) -> bool:
    """FILTER is standard SQL that SQLite (3.30+) and PostgreSQL both have: SQLite always uses it, the
    PostgreSQL family unless the switch is off."""
    return vendor == "sqlite" or "filter_clause" in settings.RONGHE_PG_FAST_PATHS
