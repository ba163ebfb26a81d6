from datetime import date
from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ronghe.orgs.models import Unit
from ronghe.reports import summaries


class Command(BaseCommand):
    help = "生成并下发各单位的月度工作小结（通知 + PDF 附件），默认上月；已下发的单位跳过，除非 --force。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="统计月份（YYYY-MM），默认上月")
        parser.add_argument("--unit", help="只生成一个单位：单位编号（UUID）或单位名称")
        parser.add_argument("--force", action="store_true", help="已下发的也重新生成（另发一条通知）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                year, month = (int(p) for p in options["month"].split("-"))
                first = date(year, month, 1)
            except ValueError as exc:
                raise CommandError("月份格式应为 YYYY-MM，例如 2026-11") from exc
        else:
            first = summaries.previous_month(timezone.localdate())
        if first >= timezone.localdate().replace(day=1):
            raise CommandError("只能生成已结束月份的小结")
        units = None
        if options["unit"]:
            units = list(_units(options["unit"]))
            if not units:
                raise CommandError(f"未找到单位：{options['unit']}")
        result = summaries.run(first, units=units, force=options["force"])
        self.stdout.write(
            f"{summaries.month_label(first)}：已下发 {len(result.delivered)} 个单位，跳过 {len(result.skipped)} 个"
            f"（已下发过或没有对应党组织），失败 {len(result.failed)} 个。"
        )
        for name, error in result.failed:
            self.stderr.write(f"失败：{name}：{error}")
        if result.failed:
            raise CommandError(
                "部分单位的月度工作小结生成失败，其余已下发；修正后重新运行即可（已下发的不会重复）。"
            )


def _units(value: str) -> Any:
    try:
        return Unit.objects.filter(code=UUID(value))
    except ValueError:
        return Unit.objects.filter(name=value)
