"""Check or rebuild the meeting counts compliance reads (`orglife.tallies`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.orglife import tallies


class Command(BaseCommand):
    help = "核对或重建组织生活会议计数（合规统计读取的按月计数）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="从会议记录重新计数（批量导入、升级后）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            n = tallies.rebuild()
            self.stdout.write(f"已重建会议计数：{n} 个（组织、月份、会议类型）")
            return
        wrong = tallies.check()
        if wrong:
            for m in wrong[:20]:
                org, year, month, kind = m.cell
                self.stdout.write(f"组织 {org} {year}-{month:02d} {kind}：计数 {m.kept}，实际 {m.counted}")
            raise CommandError(
                f"{len(wrong)} 个会议计数与会议记录不符：运行 ronghe orglife_tallies --rebuild"
            )
        self.stdout.write("会议计数与会议记录一致")
