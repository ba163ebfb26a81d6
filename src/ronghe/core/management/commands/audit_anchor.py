from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.core import audit


class Command(BaseCommand):
    help = (
        "校验审计日志后，把签名的链头（最后一条编号、哈希、条数、时间）追加到数据目录的锚点文件；"
        "校验失败时不写锚点并以非零状态退出。每天由 cron 运行一次。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--syslog", action="store_true", help="同时把锚点写入 syslog（auth 设施）")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(f"审计日志校验失败，未写锚点：{result.message}（已通过 {result.checked} 条）")
        anchor = audit.write_anchor(result, to_syslog=options["syslog"])
        self.stdout.write(
            f"已写锚点：第 {anchor.last_id} 条、共 {anchor.count} 条，哈希 {anchor.last_hash[:16]}…（{anchor.at}）。"
        )
