"""`ronghe rotate_keys`: add a new field-encryption key and re-encrypt every member's ID and phone, and
every two-factor seed."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.accounts.twofactor import reencrypt_seeds
from ronghe.core import audit, crypto
from ronghe.members.services import reencrypt_members


class Command(BaseCommand):
    help = (
        "生成新的字段加密密钥并用它重新加密全部党员的身份证号和手机号（分批进行，期间系统照常读写），"
        "以及全部动态口令密钥。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="每批处理的行数（默认 500）")
        parser.add_argument(
            "--resume", action="store_true", help="不生成新密钥，只把尚未使用当前密钥的行重新加密"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 至少为 1")
        old = crypto.keyring().active
        new = old if options["resume"] else crypto.add_key()
        self.stdout.write(f"当前密钥：{new}（原密钥 {old} 保留用于读取旧密文）")
        count = reencrypt_members(batch_size=options["batch_size"], log=self.stdout.write)
        seeds = reencrypt_seeds()
        audit.record(
            "crypto.rotate_keys",
            object_type="core.keyring",
            object_id=new,
            changes={"from_key": old, "to_key": new, "rows": count, "otp_seeds": seeds},
        )
        self.stdout.write(f"完成：重新加密 {count} 名党员的数据、{seeds} 个动态口令密钥。")
