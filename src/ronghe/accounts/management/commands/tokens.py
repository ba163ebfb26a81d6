from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from ronghe.accounts import services
from ronghe.accounts.models import ApiToken


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class Command(BaseCommand):
    help = (
        "接口令牌：list 列出全部令牌（编号、用户、前缀、创建、最近使用、到期、状态）；"
        "revoke <编号> 吊销一个令牌（记入审计日志；--dry-run 只检查不写入）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="列出令牌")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("id", type=int, help="令牌编号（见 list）")
        revoke.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
        else:
            self._revoke(options["id"], dry_run=options["dry_run"])

    def _list(self) -> None:
        self.stdout.write("编号\t用户\t前缀\t创建\t最近使用\t到期\t状态")
        for token in ApiToken.objects.select_related("user").order_by("pk"):
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        token.user.username,
                        token.prefix,
                        _when(token.created_at),
                        _when(token.last_used_at),
                        _when(token.expires_at),
                        token.status,
                    ]
                )
            )

    def _revoke(self, pk: int, *, dry_run: bool) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=pk).first()
        if token is None:
            raise CommandError(f"没有编号为 {pk} 的令牌")
        with transaction.atomic():
            try:
                services.revoke_token(actor=None, token=token)
            except services.AccountError as exc:
                raise CommandError(exc.message) from exc
            if dry_run:
                transaction.set_rollback(True)
        verb = "将吊销" if dry_run else "已吊销"
        self.stdout.write(f"{verb}令牌 {token.pk}（{token.user.username} {token.prefix}…）")
