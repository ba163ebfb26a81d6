from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ronghe.core import audit


class Command(BaseCommand):
    help = (
        "校验审计日志的密钥哈希链，并与数据目录中最新的锚点比对；"
        "发现被修改、删除、截断或被重算的记录时以非零状态退出并指出问题。只读，不写锚点（锚点由 audit_anchor 写）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(f"审计日志校验失败：{result.message}（已通过 {result.checked} 条）")
        self.stdout.write(f"审计日志完整：共 {result.checked} 条记录，哈希链无断裂。")
        if result.anchor is None:
            self.stdout.write("尚无锚点：请每天运行 audit_anchor，否则无法发现整体删除或截断。")
        else:
            a = result.anchor
            self.stdout.write(f"与锚点一致：第 {a.last_id} 条、共 {a.count} 条（{a.at}）。")
