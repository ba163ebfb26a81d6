"""RONGHE_PG_FAST_PATHS: each PostgreSQL fast path can be switched off and the generic path gives the
same result (docs/databases.md). These run on SQLite and PostgreSQL; CI runs this directory and the
tests that exercise the fast paths once more on PostgreSQL with `RONGHE_PG_FAST_PATHS=0`."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ronghe.core import audit, dbfeatures
from ronghe.core.scoring.sql import evaluation_select
from ronghe.demo.generator import build_county
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.points import services as points
from ronghe.points.models import MemberYear
from ronghe.points.services import results
from ronghe.points.services.resolve import Resolver
from tests.points.test_recompute import stored

ON_PG = connection.vendor == "postgresql"


@pytest.fixture
def fast_paths_off(settings):
    settings.RONGHE_PG_FAST_PATHS = frozenset()


def test_every_fast_path_is_documented_and_settable():
    from django.conf import settings

    names = set(dbfeatures.FAST_PATHS)
    assert set(settings.RONGHE_PG_FAST_PATHS) <= names
    docs = (Path(__file__).resolve().parents[2] / "docs" / "databases.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in docs for name in names)
    # the environment variable: 0 turns all off, a list keeps the ones named, a typo refuses to start
    code = "from ronghe import settings as s; print(','.join(sorted(s.RONGHE_PG_FAST_PATHS)))"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}

    def run(value: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code],
            env={**env, "RONGHE_PG_FAST_PATHS": value},
            capture_output=True,
            text=True,
        )

    assert run("0").stdout.strip() == ""
    assert run("1").stdout.strip() == ",".join(sorted(names))
    assert run("copy, advisory_lock").stdout.strip() == "advisory_lock,copy"
    bad = run("copy,cope")
    assert bad.returncode != 0 and "unknown ['cope']" in bad.stderr


def test_the_switch_turns_each_path_off(settings):
    settings.RONGHE_PG_FAST_PATHS = frozenset(dbfeatures.FAST_PATHS)
    assert all(dbfeatures.enabled(name) == ON_PG for name in dbfeatures.FAST_PATHS)
    settings.RONGHE_PG_FAST_PATHS = frozenset({"copy"})
    assert dbfeatures.enabled("copy") == ON_PG
    assert not dbfeatures.enabled("advisory_lock")
    with pytest.raises(KeyError):
        dbfeatures.enabled("no_such_path")


def test_scoring_sql_without_filter_uses_case(fast_paths_off):
    from ronghe.core.scoring.rules import DimensionRule, IndicatorRule, Kind, SchemeRules

    rules = SchemeRules(
        version=1,
        dimensions=(DimensionRule(code="d", name="维度"),),
        indicators=(IndicatorRule(code="a", name="指标", dimension="d", kind=Kind.DERIVED),),
    )
    sql, _params = evaluation_select(
        rules, subjects=("SELECT 1", []), sums=("SELECT 1", []), vendor="postgresql"
    )
    assert "FILTER" not in sql and "SUM(CASE WHEN sm.month = 12 THEN sm.total ELSE 0 END)" in sql
    # SQLite keeps FILTER: it is not a PostgreSQL extension there
    sql, _params = evaluation_select(rules, subjects=("SELECT 1", []), sums=("SELECT 1", []), vendor="sqlite")
    assert "FILTER (WHERE sm.month = 12)" in sql


@pytest.mark.django_db
def test_points_recompute_in_python_equals_the_set_based_sql(settings):
    # given a demo county whose points the set-based SQL stored (unless CI switched it off already)
    county = build_county(120, seed=8, today=date(2026, 11, 24))
    year = county.today.year
    evaluated = points.recompute_year(year=year)
    settings.RONGHE_PG_FAST_PATHS = frozenset()
    resolver = Resolver()
    by_sql = stored(year)
    assert len(by_sql) > 60
    # when the generic path runs over the same members
    active = resolver.active(year)
    members = Member.objects.filter(status__in=ACTIVE_STATUSES)
    before = dict(MemberYear.objects.filter(year=year).values_list("member_id", "updated_at"))
    count = sum(
        results._recompute_scheme_in_python(
            year, scheme, resolver.rules(scheme), members.filter(organization__path__startswith=path)
        )
        for path, scheme in active.items()
    )
    # then it agrees row for row and rewrites nothing
    assert count == evaluated
    assert stored(year) == by_sql
    assert dict(MemberYear.objects.filter(year=year).values_list("member_id", "updated_at")) == before
    # and rebuilds what was lost, the same as the SQL
    MemberYear.objects.filter(member_id__in=list(before)[:20]).delete()
    assert points.recompute_year(year=year) == evaluated  # the Python path on PostgreSQL, SQL on SQLite
    assert stored(year) == by_sql


@pytest.mark.django_db
def test_audit_chain_without_the_advisory_lock(fast_paths_off, settings, tmp_path):
    settings.AUDIT_KEYS_FILE = tmp_path / "audit_keys.json"
    with CaptureQueriesContext(connection) as queries:
        for n in range(3):
            audit.record("test.event", object_type="t", object_id=str(n))
    assert not any("pg_advisory" in q["sql"] for q in queries.captured_queries)
    assert audit.verify().ok
