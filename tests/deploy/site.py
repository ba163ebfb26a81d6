"""A production-configured 融合 on its own PostgreSQL database, driven as an operator would: `ronghe`
commands, the real gunicorn and `ronghe db_worker` as subprocesses, and a small HTTP client that
talks to gunicorn as nginx would (Host, X-Forwarded-Proto: https, Origin) and keeps the cookies.

Every subprocess is started in its own session and killed in `Site.close()`, which the fixtures call
in `finally`; the database is dropped there too."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "dangjian.example.gov.cn"
ORIGIN = f"https://{HOST}"


def server_url_or_skip() -> str:
    """The PostgreSQL server to create databases on (DATABASE_URL of the PostgreSQL leg), or skip."""
    url = os.environ.get("RONGHE_TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "needs PostgreSQL: runs on CI's PostgreSQL leg (DATABASE_URL=postgres://…) "
            "or with RONGHE_TEST_POSTGRES_URL=postgres://user@host:5432/db"
        )
    try:
        with psycopg.connect(_with_db(url, "postgres"), connect_timeout=3):
            pass
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable at {urlsplit(url).hostname}: {exc}")
    return url


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Site:
    server_url: str
    data_dir: Path
    logs: Path
    db: str = field(default_factory=lambda: f"ronghe_deploy_{uuid.uuid4().hex[:10]}")
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return _with_db(self.server_url, self.db)

    @property
    def env(self) -> dict[str, str]:
        keep = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("RONGHE_", "DJANGO_", "DATABASE_", "REDIS_", "DEBUG", "SECRET_KEY"))
        }
        return {
            **keep,
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "ronghe.settings",
            "RONGHE_PRODUCTION": "1",
            "DEBUG": "0",
            "DATABASE_URL": self.url,
            "RONGHE_DATA_DIR": str(self.data_dir),
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": ORIGIN,
            "RONGHE_BEHIND_PROXY": "1",
            "RONGHE_TRUSTED_PROXIES": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            **self.extra_env,
        }

    def create(self) -> None:
        with psycopg.connect(_with_db(self.server_url, "postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db}"')

    def ronghe(
        self, *args: str, timeout: float = 120, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """`ronghe ARGS` with the production settings; its output in the assertion message on failure."""
        result = subprocess.run(
            [sys.executable, "-m", "ronghe", *args],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check:
            assert result.returncode == 0, f"ronghe {' '.join(args)}: {result.stdout}{result.stderr}"
        return result

    def spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.procs.append(proc)
        return proc

    def worker(self, name: str = "worker") -> subprocess.Popen[bytes]:
        return self.spawn(
            name, [sys.executable, "-m", "ronghe", "db_worker", "--interval", "0.2", "--no-startup-delay"]
        )

    def gunicorn(self, port: int) -> subprocess.Popen[bytes]:
        return self.spawn(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "2",
                "ronghe.wsgi:application",
            ],
        )

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(query, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    @staticmethod
    def stop(proc: subprocess.Popen[bytes], timeout: float = 15) -> int:
        """SIGTERM the process group, then SIGKILL what is left; returns the exit status."""
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        return int(proc.returncode)

    def close(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(Exception):
                self.stop(proc, timeout=5)
        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(_with_db(self.server_url, "postgres"), autocommit=True) as conn,
        ):
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')


@contextlib.contextmanager
def production_site(tmp_path: Path, *, collectstatic: bool = False, **extra_env: str) -> Iterator[Site]:
    """A fresh database, migrated with the production settings (and `collectstatic` run meanwhile);
    everything torn down afterwards."""
    site = Site(server_url_or_skip(), tmp_path / "data", tmp_path, extra_env=dict(extra_env))
    site.data_dir.mkdir(mode=0o700)
    try:
        site.create()
        static = None
        if collectstatic:
            static = site.spawn(
                "collectstatic", [sys.executable, "-m", "ronghe", "collectstatic", "--noinput"]
            )
        site.ronghe("migrate", "--noinput", "-v", "0", timeout=180)
        if static is not None:
            assert static.wait(120) == 0, site.log("collectstatic")
        yield site
    finally:
        site.close()


def wait_for(what: str, probe: Callable[[], Any], timeout: float, every: float = 0.2) -> Any:
    """Poll `probe` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path

    def json(self) -> Any:
        return json.loads(self.body)


class Browser:
    """Talks to gunicorn as nginx forwards a browser's requests: HTTPS as far as Django knows."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            head = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.10"}
            if self.cookies:
                head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method == "POST":
                head |= {"Origin": ORIGIN, "Referer": f"{ORIGIN}{path}"}
            conn.request(method, path, body=body, headers=head | (headers or {}))
            raw = conn.getresponse()
            response = Response(raw.status, raw.msg, raw.read())
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)  # a deletion (Django sends those without Secure)
                else:
                    assert morsel["secure"], f"cookie {name} set without Secure"
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, headers=headers)

    def post(
        self, path: str, fields: dict[str, str], *, page: Response | None = None, form: str | None = None
    ) -> Response:
        """POST a form with the CSRF token of `page`, or of a fresh GET of `form` (default: `path`)."""
        token = self.token(page) if page is not None else self.csrf(form or path)
        data = {"csrfmiddlewaretoken": token, **fields}
        return self.request(
            "POST",
            path,
            urlencode(data).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def upload(self, path: str, fields: dict[str, str], name: str, filename: str, content: bytes) -> Response:
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in {"csrfmiddlewaretoken": self.csrf(path), **fields}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST", path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def csrf(self, path: str) -> str:
        page = self.get(path)
        assert page.status == 200, f"GET {path}: {page.status} {page.location}"
        return self.token(page)

    @staticmethod
    def token(page: Response) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, f"no CSRF token in {page.text[:300]}"
        return match.group(1)
