from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ronghe.core import audit


class Command(BaseCommand):
    help = "校验审计日志哈希链；发现被修改或删除的记录时以非零状态退出并指出第一条。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(f"审计日志校验失败：{result.message}（已通过 {result.checked} 条）")
        self.stdout.write(f"审计日志完整：共 {result.checked} 条记录，哈希链无断裂。")
