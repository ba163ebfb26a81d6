from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ronghe.points.services import recompute_year


class Command(BaseCommand):
    help = "从积分台账重算某年度每名党员的年度积分和各维度积分（SQL 汇总），结果应与日常维护的结果完全一致。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="年度，如 2026")
        parser.add_argument("--dry-run", action="store_true", help="只计算不保存")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("年度应在 2000–2100 之间")

        class DryRun(Exception):
            pass

        try:
            with transaction.atomic():
                count = recompute_year(year=year)
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            self.stdout.write(f"试算 {year} 年度：{count} 名党员（未保存）。")
            return
        self.stdout.write(f"已重算 {year} 年度：{count} 名党员。")
