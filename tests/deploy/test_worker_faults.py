"""`kill -9` in the middle of the long writes (issue 17, item 12), on PostgreSQL with real processes.

* A 20,000-row roster import: the `ronghe db_worker` running its commit is SIGKILLed once the job
  reports progress. The commit stages the rows, then applies them a short transaction per batch
  (issue 22), so a part of the file may be in; the job stays COMMITTING until its heartbeat is older
  than RONGHE_IMPORT_STALE_MINUTES, when `ronghe import_maintenance` marks it FAILED with the message
  the job page shows, keeping its upload. Retried with a new worker (the page's 重试), the preview
  and the commit run again and every row is there once.
* A points recompute (`ronghe recompute_points`, one transaction; scheme activation and year end
  call the same function inside their own transaction): SIGKILLed while its UPDATE of the yearly
  results is half done (held on one row's lock, so some rows are already rewritten in the
  transaction). Every stored result is still the old one; running it again gives the new ones.

Two approvals of one workflow step at the same moment are in tests/points/test_claim_concurrency.py
(threads on PostgreSQL: exactly one succeeds)."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest

from tests.deploy.operator import roster_xlsx
from tests.deploy.site import Site, production_site, wait_for

pytestmark = pytest.mark.postgres

ROWS = 20_000
DEAD = "导入进程异常中止（例如服务器重启），本次导入没有完成"

RETRY = """
from ronghe.core.imports.jobs import retry
from ronghe.core.models import ImportJob
assert retry(ImportJob.objects.get(code={code!r}))
"""

SETUP = """
from django.core.management import call_command
call_command("bootstrap_admins", root_name="测试县直机关工委")
from ronghe.accounts.models import RoleAssignment, User
from ronghe.orgs.models import Organization
root = Organization.objects.get(parent=None)
user = User.objects.create_user(username="importer", password="Import#Pass-2026x", display_name="导入员")
RoleAssignment.objects.create(user=user, role="unit_admin", organization=root)
"""

START = """
from django.core.files.uploadedfile import SimpleUploadedFile
from ronghe.accounts.models import User
from ronghe.core.imports import jobs
from ronghe.members.imports import start_import
from ronghe.orgs.models import Organization
data = open({path!r}, "rb").read()
user = User.objects.get(username="importer")
job = start_import(upload=SimpleUploadedFile("名册.xlsx", data), target=Organization.objects.get(parent=None),
                   user=user)
_head, columns = jobs.column_step(job)  # the columns confirmed as understood
jobs.confirm_columns(job=job, choices={{c.index: c.field for c in columns.columns}}, user=user)
print(job.code)
"""

COMMIT = """
from ronghe.core.imports.jobs import request_commit
from ronghe.core.models import ImportJob
request_commit(job=ImportJob.objects.get(code={code!r}), valid_only=False)
"""


def _job(site: Site, code: str) -> tuple[str, int, str, str]:
    status, processed, message, stored = site.sql(
        "SELECT status, processed_rows, message, stored_name FROM core_importjob WHERE code = %s", (code,)
    )[0]
    return str(status), int(processed), str(message), str(stored)


def _members(site: Site) -> int:
    return int(site.sql("SELECT count(*) FROM members_member")[0][0])


def _other_backends(site: Site) -> int:
    """Connections to the site's database other than the asking one (the killed process's included)."""
    return int(
        site.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )[0][0]
    )


def _import(site: Site, path: Path) -> str:
    code = site.ronghe("shell", "-c", START.format(path=str(path))).stdout.strip().splitlines()[-1]
    wait_for("the preview of the roster", lambda: _job(site, code)[0] == "validated", timeout=120)
    site.ronghe("shell", "-c", COMMIT.format(code=code))
    return code


@pytest.fixture
def site(tmp_path):
    """A production site of its own for each test (xdist may run them on different workers)."""
    (tmp_path / "site").mkdir()
    with production_site(tmp_path / "site") as site:
        site.ronghe("shell", "-c", SETUP)  # `bootstrap_admins`, then an account that imports
        yield site


def _address_space_limit(pid: int) -> str:
    limits = Path(f"/proc/{pid}/limits").read_text().splitlines()
    return next(row for row in limits if row.startswith("Max address space")).split()[3]


def test_kill_9_in_the_middle_of_an_import_commit(site, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(roster_xlsx(ROWS))
    before = _members(site)
    worker = site.worker("worker-import")
    try:
        # the worker bounds its own memory: RONGHE_WORKER_MEMORY_MB's default, set before Django loads
        wait_for("the worker's RLIMIT_AS", lambda: _address_space_limit(worker.pid) != "unlimited", 20)
        assert _address_space_limit(worker.pid) == str(2048 * 1024 * 1024)
        code = _import(site, path)

        # when: the worker is killed while the commit is writing
        def midway() -> bool:
            assert worker.poll() is None, site.log("worker-import")
            status, processed, _, _ = _job(site, code)
            assert status == "committing", (status, site.log("worker-import"))
            return 0 < processed < ROWS

        wait_for("the commit's progress", midway, timeout=120, every=0.05)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        assert worker.returncode == -signal.SIGKILL

        # then: what was applied is whole batches; the rest is still staged
        wait_for(
            "PostgreSQL to end the killed worker's session", lambda: _other_backends(site) == 0, timeout=30
        )
        assert before <= _members(site) <= before + ROWS
        status, _, _, stored = _job(site, code)
        assert status == "committing" and stored
        # a live-looking job (heartbeat younger than RONGHE_IMPORT_STALE_MINUTES) is left alone ...
        out = site.ronghe("import_maintenance").stdout
        assert "异常中止的导入 0 个" in out and _job(site, code)[0] == "committing"
        # ... and once its heartbeat is older than that (the clock moved on 16 minutes), it is failed
        site.sql(
            "UPDATE core_importjob SET heartbeat_at = heartbeat_at - interval '16 minutes' WHERE code = %s",
            (code,),
        )
        out = site.ronghe("import_maintenance").stdout
        assert "异常中止的导入 1 个" in out
        status, _, message, stored_after = _job(site, code)
        assert (status, message, stored_after) == ("failed", DEAD, stored)
        assert (
            site.data_dir / "imports" / stored
        ).exists()  # kept for a retry, until RONGHE_IMPORT_FILE_HOURS

        # and retried with a new worker, the preview and the commit finish the file: every row once
        worker = site.worker("worker-import-2")
        site.ronghe("shell", "-c", RETRY.format(code=code))
        wait_for("the retried preview", lambda: _job(site, code)[0] == "validated", timeout=120)
        site.ronghe("shell", "-c", COMMIT.format(code=code))
        wait_for("the retried commit", lambda: _job(site, code)[0] == "committed", timeout=120)
        assert _members(site) == before + ROWS
    finally:
        Site.stop(worker)


RECOMPUTE_SETUP = """
from ronghe.orgs.models import Organization
from ronghe.points.services import seed_default_scheme
seed_default_scheme(organization=Organization.objects.get(parent=None), year=2026)
"""


def test_kill_9_in_the_middle_of_a_points_recompute(site, tmp_path):
    path = tmp_path / "roster.xlsx"  # members, imported by the operator's command (no worker needed)
    path.write_bytes(roster_xlsx(2000))
    root = site.sql("SELECT code FROM orgs_organization WHERE parent_id IS NULL")[0][0]
    site.ronghe("import_members", str(path), "--org", str(root))
    site.ronghe("shell", "-c", RECOMPUTE_SETUP)  # the scheme, active, and every member's 2026 result
    # The ledger gains 5 points a member behind the stored results' back, so a recompute changes every row.
    site.sql(
        textwrap.dedent(
            """
            INSERT INTO points_pointsentry (code, member_id, indicator_id, points, occurred_on, year,
                                            source_type, source_id, note, created_at)
            SELECT gen_random_uuid(), m.id, i.id, 5, DATE '2026-03-02', 2026, 'adjustment', 'fault-test', '', now()
            FROM members_member m,
                 (SELECT i.id FROM scoring_indicator i JOIN scoring_scheme s ON s.id = i.scheme_id
                  WHERE s.status = 'active' AND i.points > 0 ORDER BY i.id LIMIT 1) i
            """
        )
    )
    old = site.sql("SELECT count(*), sum(total) FROM points_memberyear WHERE year = 2026")[0]
    assert old[0] == _members(site)

    holder = psycopg.connect(site.url)
    recompute = None
    try:
        # One stored row is locked, so the recompute's UPDATE stops half-way through the table.
        holder.execute(
            "SELECT id FROM points_memberyear WHERE year = 2026 ORDER BY member_id DESC LIMIT 1 FOR UPDATE"
        )
        recompute = site.spawn(
            "recompute", [sys.executable, "-m", "ronghe", "recompute_points", "--year", "2026"]
        )

        def blocked() -> bool:
            assert recompute is not None and recompute.poll() is None, site.log("recompute")
            return bool(
                site.sql(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE 'UPDATE%%points_memberyear%%'"
                )
            )

        wait_for("the recompute's UPDATE", blocked, timeout=60)
        os.killpg(recompute.pid, signal.SIGKILL)
        recompute.wait(10)
        holder.rollback()
        wait_for(
            "PostgreSQL to end the killed recompute's session", lambda: _other_backends(site) <= 1, timeout=30
        )
    finally:
        holder.close()
        if recompute is not None:
            Site.stop(recompute)
    wait_for("the killed session to go", lambda: _other_backends(site) == 0, timeout=30)
    assert site.sql("SELECT count(*), sum(total) FROM points_memberyear WHERE year = 2026")[0] == old

    # run again: it completes, and every member has the new result
    site.ronghe("recompute_points", "--year", "2026")
    new = site.sql("SELECT count(*), sum(total) FROM points_memberyear WHERE year = 2026")[0]
    assert new[0] == old[0] and new[1] > old[1]
    site.ronghe(
        "recompute_points", "--year", "2026"
    )  # a recompute that confirms the stored year changes nothing
    assert site.sql("SELECT count(*), sum(total) FROM points_memberyear WHERE year = 2026")[0] == new
