"""`ronghe serve`: the demo's web server — waitress, many threads, static files served by Django.

`runserver` is a development server: on SQLite a check-in rush of 40 members lost requests to
"database is locked" under it (issue 22). waitress is a real multi-threaded WSGI server that runs
anywhere Python does; production still puts gunicorn behind nginx (docs/deployment.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandParser
from django.core.wsgi import get_wsgi_application


class Command(BaseCommand):
    help = "用 waitress（多线程 WSGI 服务器）启动演示站点，静态文件由本进程提供"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000"
        )
        parser.add_argument("--threads", type=int, default=16, help="工作线程数（默认 16）")

    def handle(self, *args: Any, **options: Any) -> None:
        import waitress

        host, _, port = str(options["addrport"]).rpartition(":")
        # the same static files `runserver --insecure` served, from the app directories (no collectstatic)
        app = StaticFilesHandler(get_wsgi_application())
        waitress.serve(
            app,
            host=host or "127.0.0.1",
            port=int(port),
            threads=options["threads"],
            ident="ronghe",
            # a rush of phones: let connections queue instead of being refused
            backlog=256,
            connection_limit=200,
            channel_timeout=60,
        )
