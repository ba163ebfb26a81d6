"""ronghe dues_month_run --org CODE [--period YYYY-MM]

The monthly 党费 run for an organization's subtree (cron, early each month): one record per active member
for the month, and a case for the 支部大会 for each member at 6 months of arrears. Records already made
are left alone, so running it twice does nothing more.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ronghe.core.errors import DomainError
from ronghe.dues import services
from ronghe.orgs.models import Organization


class Command(BaseCommand):
    help = "生成每月党费记录（并对连续6个月未交党费的党员提出支部大会研究事项）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="党组织的编码（code）")
        parser.add_argument("--period", help="月份，如 2026-03（默认本月）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            org = Organization.objects.get(code=options["org"])
        except (Organization.DoesNotExist, ValidationError, ValueError) as exc:
            raise CommandError(f"未找到编码为 {options['org']} 的党组织") from exc
        today = timezone.localdate()
        period = today.replace(day=1)
        if options["period"]:
            try:
                year, month = (int(p) for p in options["period"].split("-"))
                period = date(year, month, 1)
            except ValueError as exc:
                raise CommandError("--period 应为月份，如 2026-03") from exc
        try:
            result = services.run_month(actor=None, organization=org, period=period, today=today)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{org.name} {period:%Y-%m}：新生成 {result.created} 条，免交 {result.exempt} 条，"
            f"未核定基数 {result.no_base} 人，新提出支部大会研究事项 {result.cases_opened} 件"
        )
