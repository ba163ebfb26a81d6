"""40 members of a branch sign in and check in at the same moment against the demo's real server
(`ronghe serve`, waitress) — on SQLite and on PostgreSQL: no request fails and 40 check-ins are
recorded, each with one audit row (issue 22.1)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.server.rush import backends, login_and_check_in, server

pytestmark = pytest.mark.server

MEMBERS = 40


@pytest.mark.parametrize("backend", backends())
def test_forty_members_sign_in_and_check_in_at_once(backend, tmp_path):
    with server(backend, tmp_path, MEMBERS) as site:
        # when all 40 sign in and tap 签到 together
        with ThreadPoolExecutor(MEMBERS) as pool:
            results = list(pool.map(lambda i: login_and_check_in(site.port, f"rush{i:03d}"), range(MEMBERS)))
        problems = [p for r in results for p in r]
        # then nobody was turned away and every check-in is recorded once
        assert problems == [], f"{problems}\n{site.log()}"
        checked = site.sql("SELECT COUNT(*) FROM orglife_attendance WHERE checked_in_at IS NOT NULL")
        assert checked == [(MEMBERS,)]
        audited = site.sql("SELECT COUNT(*) FROM core_auditentry WHERE event = 'orglife.checkin'")
        assert audited == [(MEMBERS,)]
