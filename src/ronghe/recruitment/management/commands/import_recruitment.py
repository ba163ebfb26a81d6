"""ronghe import_recruitment FILE --org CODE [--dry-run] [--json] [--valid-only] [--user NAME]

Import people already in the 发展党员 pipeline (申请人, 积极分子, 发展对象) with their recorded dates
into the organization with the given code. Every §3 rule a row's dates break is a row error naming
the rule; with any error nothing is written unless --valid-only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.accounts.models import User
from ronghe.core.errors import DomainError
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.files import check_upload
from ronghe.core.scope import has_perm_at
from ronghe.orgs.models import Organization
from ronghe.recruitment import imports


class Command(BaseCommand):
    help = "从 Excel/CSV 导入已在发展党员程序中的人员（申请人、积极分子、发展对象）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="目标党组织的编码（code）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument(
            "--json", action="store_true", help='以 JSON 输出检查结果：{"valid": n, "invalid": [...]}'
        )
        parser.add_argument(
            "--valid-only", action="store_true", help="只导入有效行（默认有错误则全部不导入）"
        )
        parser.add_argument("--user", help="以该用户的权限范围导入")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            target = Organization.objects.get(code=options["org"])
        except (Organization.DoesNotExist, ValidationError, ValueError) as exc:
            raise CommandError(f"未找到编码为 {options['org']} 的党组织") from exc
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None or not has_perm_at(user, "recruitment.import", target.path):
                raise CommandError("该用户无权向此党组织导入发展党员名单")
        try:
            kind = check_upload(path, path.name)
            if options["dry_run"]:
                outcome = imports.preview(path=path, kind=kind, target=target, user=user)
            else:
                outcome = imports.commit(
                    path=path,
                    kind=kind,
                    target=target,
                    user=user,
                    valid_only=options["valid_only"],
                    original_name=path.name,
                )
        except (ImportRefused, DomainError) as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
            if outcome.invalid and not options["dry_run"] and not options["valid_only"]:
                raise CommandError(f"有 {outcome.invalid_rows} 行存在错误，未导入任何数据")
            return
        for error in outcome.invalid:
            self.stdout.write(f"第 {error.row} 行 [{error.column}] {error.message}")
        if options["dry_run"]:
            self.stdout.write(f"检查完成：有效 {outcome.valid} 行，错误 {outcome.invalid_rows} 行（未写入）")
        elif outcome.invalid and not options["valid_only"]:
            raise CommandError(f"有 {outcome.invalid_rows} 行存在错误，未导入任何数据")
        else:
            self.stdout.write(f"导入完成：新增 {outcome.created} 人，跳过错误 {outcome.invalid_rows} 行")
