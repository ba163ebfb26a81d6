from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.core import backup


class Command(BaseCommand):
    help = (
        "从 ronghe backup 的归档恢复：先校验每个文件的 SHA-256（损坏或不完整则拒绝，不做任何更改），"
        "数据库非空时须加 --yes；恢复数据库和文件后写一条审计记录并检查行数、迁移状态和审计链。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="确认覆盖非空的数据库")
        parser.add_argument(
            "--keys", type=Path, help="密钥文件（backup --include-keys 所写），数据目录中没有密钥时放回"
        )
        parser.add_argument("--operator", default="", help="执行人（记入审计日志和恢复记录）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.restore(
                options["archive"],
                yes=options["yes"],
                keys_file=options["keys"],
                operator=options["operator"],
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = report.manifest
        if not report.ok:
            raise CommandError("已恢复，但检查未通过：" + "；".join(report.problems))
        self.stdout.write(
            f"已从 {report.archive} 恢复（备份于 {m['created_at']}，{len(m['files'])} 个文件），"
            f"用时 {report.seconds} 秒；行数、迁移状态和审计日志检查均通过。"
        )
