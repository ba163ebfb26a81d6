from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ronghe.accounts import hygiene


class Command(BaseCommand):
    help = (
        "停用长期未使用的账户（security.md AUTH-10，每日定时运行）：超过 RONGHE_IDLE_ACCOUNT_DAYS 天"
        "（默认 90）未登录（从未登录的按建立时间）的在用账户被停用并吊销其令牌，每个账户记一条审计日志；"
        "三员角色各保留最后一名在用的账户。--dry-run 只列出，不停用。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出将停用的账户，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        plan = hygiene.disable_idle_accounts(dry_run=dry_run)
        days = settings.RONGHE_IDLE_ACCOUNT_DAYS
        verb = "将停用" if dry_run else "已停用"
        for user in plan.disable:
            seen = timezone.localtime(user.last_seen).strftime("%Y-%m-%d")  # type: ignore[attr-defined]
            self.stdout.write(f"{verb}\t{user.username}\t最近登录 {seen}")
        for user, why in plan.kept:
            self.stdout.write(f"保留\t{user.username}\t{why}")
        self.stdout.write(
            f"超过 {days} 天未使用：{verb} {len(plan.disable)} 个账户，保留 {len(plan.kept)} 个。"
        )
