from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.accounts.models import ApiToken, User
from ronghe.core import audit


class Command(BaseCommand):
    help = "为用户签发接口令牌（Authorization: Bearer <token>），最后一行输出令牌。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"用户不存在或已停用：{options['username']}") from exc
        token = ApiToken.issue(user)
        audit.record("token.issue", actor=None, obj=user, username="(命令行)")
        self.stdout.write(f"已为 {user.username} 签发令牌，请妥善保存（仅显示一次）：")
        self.stdout.write(token)
