"""gunicorn settings for 融合 (`gunicorn -c /opt/ronghe/deploy/gunicorn.conf.py ronghe.wsgi:application`).

Only loopback: nginx in front terminates TLS and serves /static/. Each value can be overridden on the
command line (the production-boot test does: `--bind 127.0.0.1:PORT --workers 2`)."""

import os

bind = os.environ.get("RONGHE_BIND", "127.0.0.1:8000")
# Requests are short (pages, API); imports and recomputes run in `ronghe db_worker`.
workers = int(os.environ.get("RONGHE_WEB_WORKERS", "3"))
threads = int(os.environ.get("RONGHE_WEB_THREADS", "2"))
worker_class = "gthread"
timeout = 60  # an upload of RONGHE_UPLOAD_MAX_MB over a slow link is buffered by nginx first
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then (slow leaks), with jitter so they do not restart together
max_requests_jitter = 200
# Request-line and header limits as gunicorn's defaults; the body limit is nginx's client_max_body_size.
limit_request_line = 8190
# Logs go to stderr, collected by journald; the access log is nginx's.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()
# Only nginx on this host may set X-Forwarded-* (Django reads them only with RONGHE_BEHIND_PROXY=1
# and RONGHE_TRUSTED_PROXIES); gunicorn itself trusts the loopback address only.
forwarded_allow_ips = "127.0.0.1"
proc_name = "ronghe"
