"""A roster re-import that updates thousands of members runs while a branch signs in, checks in and
reads pages through the real server — on SQLite and on PostgreSQL: no request fails (issue 22.2).
On SQLite the import holds the write lock only a batch at a time; the others wait briefly."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.deploy.operator import roster_xlsx
from tests.deploy.site import ROOT
from tests.server.rush import CODE, Client, backends, login_and_check_in, server

pytestmark = pytest.mark.server

MEMBERS = 40
ROSTER = 2000


def _import(site, path, org: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ronghe", "import_members", str(path), "--org", org],
        env=site.env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("backend", backends())
def test_page_views_and_check_ins_during_a_reimport_all_succeed(backend, tmp_path):
    with server(backend, tmp_path, MEMBERS) as site:
        ((org,),) = site.sql("SELECT code FROM orgs_organization WHERE name = '压力测试党支部'")
        first, again = tmp_path / "first.xlsx", tmp_path / "again.xlsx"
        first.write_bytes(roster_xlsx(ROSTER))
        again.write_bytes(roster_xlsx(ROSTER, prefix="复核"))
        created = _import(site, first, str(org))
        assert created.wait(240) == 0, created.stdout.read() if created.stdout else ""
        # while the second import updates every one of them
        reimport = _import(site, again, str(org))
        problems: list[str] = []
        views = 0

        def browse(i: int) -> list[str]:
            nonlocal views
            client = Client(site.port)
            found = login_and_check_in(site.port, f"rush{i:03d}")
            client_ok = client.submit(
                "/accounts/login/", {"username": f"rush{i:03d}", "password": "Rush#Pass-2026"}
            )
            if client_ok.status != 302:
                found.append(f"rush{i:03d} second login: HTTP {client_ok.status}")
            while reimport.poll() is None:
                for path in ("/", f"/orglife/c/{CODE}/"):
                    page = client.get(path)
                    views += 1
                    if page.status != 200:
                        found.append(f"GET {path}: HTTP {page.status} {page.text[:200]}")
                time.sleep(0.2)
            return found

        with ThreadPoolExecutor(MEMBERS) as pool:
            for found in pool.map(browse, range(MEMBERS)):
                problems.extend(found)
        output = reimport.stdout.read() if reimport.stdout else ""
        assert reimport.wait(240) == 0, output
        # then: nobody was turned away, and the import went through whole
        assert problems == [], f"{problems[:10]}\n{site.log()}"
        assert views > 0
        assert site.sql("SELECT COUNT(*) FROM orglife_attendance WHERE checked_in_at IS NOT NULL") == [
            (MEMBERS,)
        ]
        assert site.sql("SELECT COUNT(*) FROM members_member WHERE name LIKE '复核%%'") == [(ROSTER,)]
