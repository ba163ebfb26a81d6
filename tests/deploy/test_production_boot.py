"""The production configuration boots and works end to end (issue 17, item 11; docs/deployment.md).

On a fresh PostgreSQL database with `RONGHE_PRODUCTION=1`: migrate, collectstatic, gunicorn (2 workers,
2 threads, deploy/gunicorn.conf.py) and `ronghe db_worker` as real processes. Then the operator's path
over HTTP, as nginx would forward it: `bootstrap_admins`; the system administrator binds TOTP, changes
the initial password and creates an account; the security administrator does the same and grants it
单位党务管理员; that user changes the initial password, uploads a roster through the import page,
and the worker previews and commits it; the roster is read back on the page and through
`/api/v1/members` with a token from `ronghe issue_token`. Both processes stop cleanly on SIGTERM.

Runs on CI's PostgreSQL leg (its DATABASE_URL names the server; the test makes its own database)."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest

from tests.deploy.operator import login, roster_xlsx
from tests.deploy.site import HOST, ROOT, Browser, Site, free_port, production_site, wait_for

pytestmark = pytest.mark.postgres


def _job_status(site: Site, code: str) -> str:
    rows = site.sql("SELECT status, message FROM core_importjob WHERE code = %s", (code,))
    return str(rows[0][0]) if rows else ""


def test_production_boot_login_import_and_read_back(tmp_path):
    with production_site(tmp_path, collectstatic=True) as site:
        # collectstatic wrote STATIC_ROOT, the folder nginx serves (deploy/nginx/ronghe.conf)
        static_root = site.data_dir / "static"
        assert (static_root / "vendor" / "bootstrap" / "bootstrap.min.css").is_file()
        out = site.ronghe("bootstrap_admins", "--root-name", "测试县直机关工委").stdout
        initial = dict(re.findall(r"用户名 (\w+)\s+初始密码 (\S+)", out))
        assert set(initial) == {"sysadmin", "secadmin", "auditadmin"}, out

        port = free_port()
        web = site.gunicorn(port)
        worker = site.worker()
        browser = Browser(port)

        def healthy() -> bool:
            assert web.poll() is None, f"gunicorn exited: {site.log('gunicorn')}"
            try:
                return browser.get("/healthz").status == 200
            except OSError:
                return False

        wait_for("gunicorn to answer /healthz", healthy, timeout=30)

        if shutil.which("nginx"):  # where nginx is installed: the shipped site in front of gunicorn
            _through_nginx(site, port, static_root)

        # plain HTTP (no X-Forwarded-Proto from the proxy) is sent to HTTPS
        plain = browser.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "http"})
        assert plain.status == 301 and plain.headers["Location"].startswith("https://")
        page = browser.get("/accounts/login/")
        assert page.status == 200
        for header in ("Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options"):
            assert len(page.headers.get_all(header) or []) == 1, header
        # every static file the page links is in STATIC_ROOT, where nginx finds it
        linked = re.findall(r'(?:href|src)="/static/([^"?]+)', page.text)
        assert linked and all((static_root / name).is_file() for name in linked), linked

        # the system administrator: TOTP, new password, then a new account
        sysadmin = Browser(port)
        login(sysadmin, "sysadmin", initial["sysadmin"], "Sys#Admin-2026x")
        created = sysadmin.post(
            "/accounts/users/create/",
            {"username": "unitadmin", "display_name": "单位管理员", "password": "Init#Pass-2026"},
            form="/accounts/users/",
        )
        assert created.status == 302, created.text[:2000]

        # the security administrator grants it 单位党务管理员 at the root organization
        secadmin = Browser(port)
        roles = login(secadmin, "secadmin", initial["secadmin"], "Sec#Admin-2026x")
        roles = secadmin.get("/accounts/roles/")
        root = re.search(r'<option value="([0-9a-f-]{36})"', roles.text)
        assert root, roles.text[:2000]
        granted = secadmin.post(
            "/accounts/roles/grant/",
            {"username": "unitadmin", "role": "unit_admin", "organization": root.group(1)},
            page=roles,
        )
        assert granted.status == 302, granted.text[:2000]

        # the new user: initial password changed at the first login, then the import page
        user = Browser(port)
        login(user, "unitadmin", "Init#Pass-2026", "Unit#Admin-2026x")
        form = user.get("/members/io/import/")
        org = re.search(r'<option value="([0-9a-f-]{36})"', form.text)
        assert org, form.text[:2000]
        uploaded = user.upload(
            "/members/io/import/", {"organization": org.group(1)}, "file", "名册.xlsx", roster_xlsx(3)
        )
        assert uploaded.status == 302, uploaded.text[:2000]
        # the columns as understood are confirmed first (the mapping step), then the worker checks
        columns_path = uploaded.location
        columns = user.get(columns_path)
        chosen = dict(
            re.findall(r'name="(column_\d+)".*?<option value="([^"]*)" selected', columns.text, re.S)
        )
        assert chosen, columns.text[:2000]
        confirmed = user.post(columns_path, chosen, page=columns)
        assert confirmed.status == 302, confirmed.text[:2000]
        job_path = confirmed.location
        code = job_path.rstrip("/").rsplit("/", 1)[-1]
        wait_for("the worker's preview", lambda: _job_status(site, code) == "validated", timeout=30)
        committed = user.post(f"{job_path}commit/", {"mode": "atomic"}, form=job_path)
        assert committed.status == 302, committed.text[:2000]
        wait_for("the worker's commit", lambda: _job_status(site, code) == "committed", timeout=30)
        result = user.get(job_path)
        assert "导入完成：新增 3 人" in result.text

        # read back: the roster page and the API with a token
        roster = user.get("/members/")
        assert roster.status == 200
        assert all(f"测试{i:06d}" in roster.text for i in range(3))
        assert "no-store" in roster.headers.get("Cache-Control", "")
        token = site.ronghe("issue_token", "unitadmin", "--days", "1").stdout.strip().splitlines()[-1]
        api = user.get("/api/v1/members", Authorization=f"Bearer {token}")
        assert api.status == 200, api.text[:500]
        names = {item["name"] for item in api.json()["items"]}
        assert {f"测试{i:06d}" for i in range(3)} <= names
        assert api.json()["count"] == 3

        # clean shutdown: both exit on SIGTERM without being killed
        assert Site.stop(worker) == 0, site.log("worker")
        assert Site.stop(web) == 0, site.log("gunicorn")


def _through_nginx(site: Site, app_port: int, static_root: Path) -> None:
    """deploy/nginx/ronghe.conf with loopback ports, a throwaway certificate and this site's STATIC_ROOT:
    static files come from nginx, pages from gunicorn with each security header once, uploads are
    not served, an oversized body is refused before it reaches the application."""
    tls, plain, tmp = free_port(), free_port(), site.logs
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    conf = (ROOT / "deploy" / "nginx" / "ronghe.conf").read_text()
    conf = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", conf)
    conf = (
        conf.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls} ssl http2;")
        .replace("listen 80;", f"listen 127.0.0.1:{plain};")
        .replace("/etc/ssl/ronghe/fullchain.pem", str(cert))
        .replace("/etc/ssl/ronghe/privkey.pem", str(key))
        .replace("/var/log/nginx/", f"{tmp}/")
        .replace("alias /var/lib/ronghe/static/;", f"alias {static_root}/;")
    )
    (tmp / "ronghe-site.conf").write_text(conf)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read STATIC_ROOT in a 0700 tmp dir
    (tmp / "nginx.conf").write_text(
        f"{user}pid {tmp}/nginx.pid;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  include {tmp}/ronghe-site.conf;\n}}\n"
    )
    proxy = site.spawn(
        "nginx",
        ["nginx", "-p", str(tmp), "-e", str(tmp / "nginx-error.log"), "-c", str(tmp / "nginx.conf")]
        + ["-g", "daemon off;"],
    )
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False

    def fetch(path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        conn = http.client.HTTPSConnection("127.0.0.1", tls, timeout=30, context=context)
        conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response

    def listening() -> bool:
        assert proxy.poll() is None, site.log("nginx") + (tmp / "nginx-error.log").read_text(errors="replace")
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", tls)) == 0

    try:
        wait_for("nginx to listen", listening, timeout=20)
        css = fetch("/static/vendor/bootstrap/bootstrap.min.css")
        assert css.status == 200 and css.getheader("Content-Type") == "text/css"
        assert css.getheader("Server") == "nginx"  # server_tokens off: no version
        page = fetch("/accounts/login/")
        assert page.status == 200
        for header in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
        ):
            assert len(page.headers.get_all(header) or []) == 1, header
        assert len(page.headers.get_all("Strict-Transport-Security") or []) == 1
        assert fetch("/files/anything").status == 404  # uploads only through the application's views
        conn = http.client.HTTPSConnection("127.0.0.1", tls, timeout=30, context=context)
        conn.putrequest("POST", "/members/io/import/", skip_host=True)
        conn.putheader("Host", HOST)
        conn.putheader("Content-Length", str(22 * 1024 * 1024))
        conn.endheaders()
        assert conn.getresponse().status == 413  # client_max_body_size, before gunicorn sees a byte
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", plain, timeout=30)
        conn.request("GET", "/accounts/login/", headers={"Host": HOST})
        redirect = conn.getresponse()
        assert redirect.status == 301 and redirect.getheader("Location", "").startswith("https://")
        conn.close()
    finally:
        Site.stop(proxy)
