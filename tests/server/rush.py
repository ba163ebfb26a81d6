"""The real server under a crowd: `ronghe serve` (waitress, as `make demo` runs it) on SQLite or on
PostgreSQL as a subprocess, a branch of members seeded by `seed()` in a second subprocess, and a small
cookie-keeping HTTP client. Used by the check-in rush and the import-under-load tests (issue 22)."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg

from tests.deploy.site import ROOT, _with_db, free_port, server_url_or_skip, wait_for

PASSWORD = "Rush#Pass-2026"
CODE = "RUSH2026"


def backends() -> list[str]:
    """The databases a server test runs on in this run. On CI's PostgreSQL leg only PostgreSQL: the SQLite
    case already ran on the SQLite leg and is the same work (each case makes its own database). Elsewhere
    SQLite, and PostgreSQL when RONGHE_TEST_POSTGRES_URL names a server (skipped otherwise)."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return ["postgresql"]
    return ["sqlite", "postgresql"]


def seed(count: int) -> None:
    """A branch with `count` members, each with an account, and a meeting open for check-in now.
    Runs inside the server's settings (`python -c`), not in the test process."""
    from django.utils import timezone

    from ronghe.accounts.models import User
    from ronghe.core.idnumbers import make_id_number
    from ronghe.members.models import Member
    from ronghe.members.services import set_sensitive_numbers
    from ronghe.orglife.models import Attendance, Meeting
    from ronghe.orgs.choices import OrgKind
    from ronghe.orgs.models import Organization

    branch = Organization.objects.create(name="压力测试党支部", kind=OrgKind.BRANCH)
    now = timezone.now()
    meeting = Meeting.objects.create(
        organization=branch,
        kind="general_meeting",
        title="压力测试党员大会",
        held_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
        checkin_code=CODE,
        checkin_expires_at=now + timedelta(hours=1),
    )
    from datetime import date

    for i in range(count):
        member = Member(
            name=f"压测党员{i:03d}",
            gender="男",
            birth_date=date(1980, 1, 1),
            joined_on=date(2010, 7, 1),
            full_on=date(2011, 7, 1),
            status="full",
            organization=branch,
        )
        set_sensitive_numbers(member, id_number=make_id_number("110105", date(1980, 1, 1), i + 1, "男"))
        member.save()
        user = User(username=f"rush{i:03d}", display_name=member.name, member=member)
        user.set_password(PASSWORD)
        user.save()
        Attendance.objects.create(meeting=meeting, member=member)


@dataclass
class Server:
    """`ronghe serve` on a database of its own, with data seeded; stopped and dropped in `close()`."""

    backend: str
    tmp: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    db: str = field(default_factory=lambda: f"ronghe_rush_{uuid.uuid4().hex[:10]}")
    pg_server: str = ""

    @property
    def data_dir(self) -> Path:
        return self.tmp / "data"

    @property
    def env(self) -> dict[str, str]:
        keep = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("RONGHE_", "DJANGO_", "DATABASE_", "REDIS_", "DEBUG", "SECRET_KEY"))
        }
        env = {
            **keep,
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            "DJANGO_SETTINGS_MODULE": "tests.server.settings",
            "DEBUG": "0",
            "RONGHE_DATA_DIR": str(self.data_dir),
            "LOG_LEVEL": "ERROR",
        }
        if self.backend == "postgresql":
            env["DATABASE_URL"] = _with_db(self.pg_server, self.db)
        return env

    def run(self, *argv: str, timeout: float = 180) -> str:
        result = subprocess.run(
            [sys.executable, *argv], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, f"{' '.join(argv)}: {result.stdout}{result.stderr}"
        return result.stdout

    def start(self, members: int) -> None:
        self.data_dir.mkdir(mode=0o700)
        if self.backend == "postgresql":
            self.pg_server = server_url_or_skip()
            with psycopg.connect(_with_db(self.pg_server, "postgres"), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.db}"')
        self.run("-m", "ronghe", "migrate", "--noinput", "-v", "0", "--run-syncdb")
        self.run("-c", f"import django; django.setup(); from tests.server.rush import seed; seed({members})")
        log = (self.tmp / "serve.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ronghe", "serve", f"127.0.0.1:{self.port}", "--threads", "16"],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

        def up() -> bool:
            assert self.proc is not None and self.proc.poll() is None, self.log()
            try:
                return Client(self.port).get("/accounts/login/").status == 200
            except OSError:
                return False

        wait_for("ronghe serve to answer", up, timeout=60)

    def log(self) -> str:
        path = self.tmp / "serve.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        if self.backend == "postgresql":
            with psycopg.connect(_with_db(self.pg_server, self.db), autocommit=True) as conn:
                return conn.execute(query).fetchall()  # type: ignore[arg-type]
        with contextlib.closing(sqlite3.connect(self.data_dir / "ronghe.sqlite3", timeout=60)) as conn:
            return conn.execute(query).fetchall()

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(5)
        if self.backend == "postgresql" and self.pg_server:
            with (
                contextlib.suppress(psycopg.Error),
                psycopg.connect(_with_db(self.pg_server, "postgres"), autocommit=True) as conn,
            ):
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')


@contextlib.contextmanager
def server(backend: str, tmp: Path, members: int) -> Iterator[Server]:
    site = Server(backend, tmp)
    try:
        site.start(members)
        yield site
    finally:
        site.close()


@dataclass
class Response:
    status: int
    location: str
    text: str


class Client:
    """One browser: plain HTTP to the demo server, cookies kept, the CSRF token read from each form."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            headers = {"Host": "127.0.0.1"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if data is not None:
                body = urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            response = Response(
                raw.status, raw.getheader("Location", ""), raw.read().decode(errors="replace")
            )
            for header in raw.msg.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
        finally:
            conn.close()
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def submit(self, path: str, fields: dict[str, str]) -> Response:
        """GET the form at `path`, then POST `fields` with its CSRF token."""
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status != 200 or token is None:
            return page
        return self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})


def login_and_check_in(port: int, username: str) -> list[str]:
    """One member's rush: sign in, open the check-in page, check in. Returns what went wrong."""
    client = Client(port)
    problems = []
    signed_in = client.submit("/accounts/login/", {"username": username, "password": PASSWORD})
    if signed_in.status != 302:
        problems.append(f"{username} login: HTTP {signed_in.status}")
        return problems
    checked = client.submit(f"/orglife/c/{CODE}/", {"action": "in"})
    if checked.status != 302:
        problems.append(f"{username} check-in: HTTP {checked.status} {checked.text[:200]}")
    return problems
