from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.accounts.services import BootstrapRefused, bootstrap_three_admins


class Command(BaseCommand):
    help = "一次性建立三员账户（系统管理员、安全管理员、审计管理员），打印随机初始密码；首次登录须修改密码。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--root-name", help="尚无党组织时，新建的根党组织（机关工委）名称")
        parser.add_argument("--dry-run", action="store_true", help="只检查能否生成，不写入数据库")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            issued = bootstrap_three_admins(root_name=options["root_name"], dry_run=options["dry_run"])
        except BootstrapRefused as exc:
            raise CommandError(str(exc)) from exc
        if options["dry_run"]:
            self.stdout.write(f"检查通过：可以在“{issued[0].organization}”建立三员账户（未写入）。")
            return
        self.stdout.write("已建立三员账户。初始密码只显示这一次，请分别当面交给本人；首次登录须修改密码：")
        for login in issued:
            self.stdout.write(f"  {login.role_label}  用户名 {login.username}  初始密码 {login.password}")
        self.stdout.write(f"管理范围：{issued[0].organization}")
