"""ronghe import_members FILE --org CODE [--map "列名=field" …] [--dry-run] [--json] [--valid-only] [--user NAME]

Import a roster spreadsheet into the organization with the given code (as the API shows it).
Rows naming no organization go to it; rows naming one are matched inside its subtree. Without
--user the importer's scope is that subtree; with --user it is the user's members.import scope.

Columns are read as the import page reads them (core.imports.mapping): the mapping the organization
last confirmed on the page for files with the same headers, else the automatic rules; a column left
in doubt, or one they cannot match, is named with `--map "列名=field"` (the field's code such as
id_number, or its label such as 公民身份号码; "列名=不导入" leaves a column out).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.accounts.models import User
from ronghe.core.imports import jobs, mapping
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.files import check_upload
from ronghe.core.imports.reading import read_columns
from ronghe.core.scope import has_perm_at
from ronghe.members import imports
from ronghe.orgs.models import Organization


class Command(BaseCommand):
    help = "从 Excel/CSV 导入党员名册"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="目标党组织的编码（code）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出检查结果")
        parser.add_argument(
            "--valid-only", action="store_true", help="只导入有效行（默认有错误则全部不导入）"
        )
        parser.add_argument("--user", help="以该用户的权限范围导入")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="列名=字段",
            help='指定某列对应的字段，如 --map "证件号=id_number"；可重复；“列名=不导入”表示不导入该列',
        )

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
            if user is None or not has_perm_at(user, "members.import", target.path):
                raise CommandError("该用户无权向此党组织导入党员")
        try:
            kind = check_upload(path, path.name)
            columns, remembered = _columns(path, kind, options["map"], target)
            if remembered and not options["json"]:
                self.stdout.write("各列沿用本组织上次在导入页面确认的对应关系")
            if options["dry_run"]:
                outcome = imports.preview(path=path, kind=kind, target=target, user=user, columns=columns)
            else:
                outcome = imports.commit(
                    path=path,
                    kind=kind,
                    target=target,
                    user=user,
                    valid_only=options["valid_only"],
                    original_name=path.name,
                    columns=columns,
                )
        except ImportRefused as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
            return
        for error in outcome.invalid:
            self.stdout.write(f"第 {error.row} 行 [{error.column}] {error.message}")
        if options["dry_run"]:
            self.stdout.write(f"检查完成：有效 {outcome.valid} 行，错误 {outcome.invalid_rows} 行（未写入）")
        elif outcome.invalid and not options["valid_only"]:
            raise CommandError(f"有 {outcome.invalid_rows} 行存在错误，未导入任何数据")
        else:
            self.stdout.write(
                f"导入完成：新增 {outcome.created} 人，更新 {outcome.updated} 人，跳过错误 {outcome.invalid_rows} 行"
            )


def _columns(
    path: Path, kind: str, options: list[str], target: Organization
) -> tuple[dict[str, object] | None, bool]:
    """The mapping to import with, and whether it is the one `target` last confirmed for these
    headers: that memory, then the --map choices over it, else the automatic rules (None: the
    passes apply the rules themselves, refusing a column in doubt)."""
    named = [option.partition("=")[0] for option in options]
    head, guessed = read_columns(path, kind, imports.SPEC, extra=named, keep=True)  # the passes read it next
    chosen = jobs.remembered_columns(organization_id=target.pk, kind=imports.KIND, head=head, guessed=guessed)
    remembered = chosen is not guessed
    if not options and not remembered:
        return None, False
    choices = mapping.parse_map_options(options, head.cells, imports.SPEC)
    chosen = mapping.choose(chosen, choices, imports.SPEC)
    mapping.refuse_undecided(chosen, imports.SPEC)
    return chosen.as_json(), remembered
