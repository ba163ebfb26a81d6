from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.core import backup


class Command(BaseCommand):
    help = (
        "备份：数据库一致性快照（SQLite 在线备份 / PostgreSQL pg_dump -Fc）、上传文件、审计锚点和带 SHA-256 "
        "的清单，打包为一个 tar 文件（权限 0600）。密钥不在其中，须单独保存（--include-keys 另写一个密钥文件）。"
        "--list 列出备份和恢复（演练）记录。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="备份目录（默认 RONGHE_BACKUP_DIR，即数据目录下的 backups）"
        )
        parser.add_argument(
            "--include-keys", action="store_true", help="另写一个 .keys.json 密钥文件（须与备份分开保存）"
        )
        parser.add_argument("--list", action="store_true", help="列出备份和恢复记录，不做备份")
        parser.add_argument("--operator", default="", help="执行人（记入审计日志和备份记录）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        try:
            archive, manifest = backup.create(
                options["output"], include_keys=options["include_keys"], operator=options["operator"]
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"已备份到 {archive}（{manifest['vendor']}，{len(manifest['files'])} 个文件，{total} 行）。"
        )
        if options["include_keys"]:
            self.stdout.write(f"密钥另存于 {archive.with_suffix('.keys.json')}：请与备份分开保存。")
        else:
            self.stdout.write("注意：密钥（field_keys.json、audit_keys.json）不在备份中，须另行备份。")

    def _list(self) -> None:
        entries = backup.history()
        if not entries:
            self.stdout.write("尚无备份或恢复记录。")
        for e in entries:
            kind = "备份" if e.get("kind") == "backup" else "恢复"
            result = {"ok": "成功", "failed": "检查未通过", "refused": "拒绝"}.get(
                e.get("result", ""), e.get("result")
            )
            extra = e.get("message") or "；".join(e.get("problems") or [])
            self.stdout.write(
                f"{e.get('at')}  {kind}  {result}  {e.get('seconds', '')} 秒  {e.get('archive')}"
                + (f"  {e['operator']}" if e.get("operator") else "")
                + (f"  {extra}" if extra else "")
            )
        drill = backup.last_drill()
        self.stdout.write(
            f"最近一次成功的恢复演练：{drill['at']}（{drill['archive']}）"
            if drill
            else "尚无成功的恢复演练记录。"
        )
