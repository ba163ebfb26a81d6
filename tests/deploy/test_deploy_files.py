"""The files in deploy/ agree with the application (issue 17, item 11): the nginx site, the systemd
units and timers, the gunicorn settings and the environment template. No server needed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from configparser import ConfigParser
from pathlib import Path

import pytest
from django.conf import settings

from ronghe.__main__ import WORKER_MEMORY_MB, limit_worker_memory

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "ronghe.conf").read_text()
UNITS = DEPLOY / "systemd"
# Set by the application on its responses (settings.py, django-csp): nginx must not add them for those.
APP_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
)


def _unit(name: str) -> ConfigParser:
    parser = ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text())
    return parser


def _location(path: str) -> str:
    match = re.search(rf"location {re.escape(path)} \{{(.*?)\n    \}}", NGINX, re.S)
    assert match, f"no location {path}"
    return match.group(1)


def _directives(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_nginx_body_limit_matches_the_upload_limit():
    size = re.search(r"client_max_body_size (\d+)m;", NGINX)
    assert size, "client_max_body_size missing"
    upload_mb = settings.RONGHE_UPLOAD_MAX_BYTES // (1024 * 1024)
    # room for the multipart form around the largest file, not a second, larger limit
    assert upload_mb < int(size.group(1)) <= upload_mb + 2


def test_nginx_serves_collected_static_files_only():
    static = _location("/static/")
    assert "alias /var/lib/ronghe/static/;" in static  # STATIC_ROOT = RONGHE_DATA_DIR/static
    assert settings.STATIC_URL.strip("/") == "static"
    served = re.findall(r"^\s*(?:alias|root)\s+(\S+);", NGINX, re.M)
    assert served == ["/var/lib/ronghe/static/"], served  # never files/, imports/, keys or backups
    assert "/files" not in "".join(_directives(NGINX)).replace("/static/", "")


def test_nginx_does_not_duplicate_the_applications_security_headers():
    proxied = "\n".join(_directives(NGINX.split("location /static/")[0] + _location("/")))
    for header in APP_HEADERS:
        assert f"add_header {header}" not in proxied, header
    forwarded = _location("/")
    assert "proxy_set_header X-Forwarded-Proto https;" in forwarded  # overwritten, never passed on
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in forwarded
    assert re.search(r"ssl_certificate\s+/etc/ssl/ronghe/", NGINX)  # TLS placeholders


@pytest.mark.skipif(
    shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx-light)"
)
def test_nginx_accepts_the_site(tmp_path):
    # the site as shipped, with a throwaway certificate and logs in tmp_path instead of the placeholders
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=ronghe.test"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = (
        NGINX.replace("/etc/ssl/ronghe/fullchain.pem", str(cert))
        .replace("/etc/ssl/ronghe/privkey.pem", str(key))
        .replace("/var/log/nginx/", f"{tmp_path}/")
    )
    (tmp_path / "ronghe.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/ronghe.conf;\n}}\n"
    )
    result = subprocess.run(
        [
            "nginx",
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(tmp_path / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_every_daily_task_has_a_unit_and_a_timer():
    readme = (ROOT / "README.md").read_text() + (ROOT / "docs" / "deployment.md").read_text()
    for command in (
        "audit_anchor",
        "send_reminders",
        "disable_idle_accounts",
        "backup",
        "import_maintenance",
    ):
        name = "ronghe-" + command.replace("_", "-")
        assert command in readme
        service, timer = _unit(f"{name}.service"), _unit(f"{name}.timer")
        exec_start = service["Service"]["ExecStart"]
        assert exec_start.startswith(f"/opt/ronghe/venv/bin/ronghe {command}"), exec_start
        assert service["Service"]["Type"] == "oneshot"
        assert service["Service"]["EnvironmentFile"] == "/etc/ronghe/ronghe.env"
        assert service["Unit"]["OnFailure"] == "ronghe-alert@%n.service"
        assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
    # the backup follows the audit anchor, as docs/deployment.md §9 says
    assert "ronghe-audit-anchor.service" in _unit("ronghe-backup.service")["Unit"]["After"]


def test_web_and_worker_units():
    web = _unit("ronghe.service")["Service"]
    assert "gunicorn -c /opt/ronghe/deploy/gunicorn.conf.py ronghe.wsgi:application" in web["ExecStart"]
    worker = _unit("ronghe-worker.service")["Service"]
    assert worker["ExecStart"].endswith("ronghe db_worker --no-reload")
    assert worker["MemoryMax"] and worker["Restart"] == "always"
    for unit in (web, worker):
        assert unit["User"] == "ronghe" and unit["UMask"] == "0077"


def test_gunicorn_settings_bind_loopback_only():
    namespace: dict[str, object] = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 — our own file
    assert str(namespace["bind"]).startswith("127.0.0.1:")
    assert namespace["forwarded_allow_ips"] == "127.0.0.1"


def test_env_template_holds_no_secret_and_parses_strictly(tmp_path):
    lines = [
        line
        for line in (DEPLOY / "ronghe.env.example").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    env = dict(line.split("=", 1) for line in lines)
    assert env["RONGHE_PRODUCTION"] == "1" and env["DEBUG"] == "0"
    assert not [k for k in env if "SECRET" in k or "PASSWORD" in k]
    assert ":" not in env["DATABASE_URL"].split("@")[0].removeprefix("postgres://")  # no password in the URL
    assert int(env["RONGHE_UPLOAD_MAX_MB"]) * 1024 * 1024 == settings.RONGHE_UPLOAD_MAX_BYTES
    # the settings module accepts every value of the template (strict parsing: a typo fails at start)
    code = "import ronghe.settings as s; assert s.RONGHE_PRODUCTION and not s.DEBUG"
    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "RONGHE_DATA_DIR": str(data), "PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_worker_memory_limit_makes_a_huge_allocation_fail(tmp_path):
    code = (
        "from ronghe.__main__ import limit_worker_memory\n"
        "assert limit_worker_memory({'RONGHE_WORKER_MEMORY_MB': '256'}) == 256 * 1024 * 1024\n"
        "try:\n    bytearray(512 * 1024 * 1024)\nexcept MemoryError:\n    print('refused')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.stdout.strip() == "refused", result.stderr
    assert WORKER_MEMORY_MB == 2048


def test_worker_memory_limit_can_be_switched_off_and_refuses_nonsense():
    assert limit_worker_memory({"RONGHE_WORKER_MEMORY_MB": "0"}) == 0
    with pytest.raises(SystemExit, match="RONGHE_WORKER_MEMORY_MB must be an integer"):
        limit_worker_memory({"RONGHE_WORKER_MEMORY_MB": "lots"})
