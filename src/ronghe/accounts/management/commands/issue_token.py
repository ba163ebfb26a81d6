from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ronghe.accounts import services
from ronghe.accounts.models import User


class Command(BaseCommand):
    help = (
        "为用户签发接口令牌（Authorization: Bearer <token>），最后一行输出令牌。"
        "令牌在 --days 天后到期（默认取 RONGHE_TOKEN_DAYS，90 天；1–365）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--days", type=int, default=None, help="有效天数（1–365，默认 RONGHE_TOKEN_DAYS）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"用户不存在或已停用：{options['username']}") from exc
        try:
            issued = services.issue_token(user=user, days=options["days"])
        except services.AccountError as exc:
            raise CommandError(exc.message) from exc
        expires = timezone.localtime(issued.token.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(f"已为 {user.username} 签发令牌（编号 {issued.token.pk}，到期时间：{expires}），")
        self.stdout.write("请妥善保存（仅显示一次）：")
        self.stdout.write(issued.secret)
