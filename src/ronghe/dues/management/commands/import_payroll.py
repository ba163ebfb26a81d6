"""ronghe import_payroll FILE --org CODE --from YYYY-MM [--map 表头=项目代码 ...] [--dry-run] [--json]

Read a payroll spreadsheet and set each member's 党费 base from that month, for the organization with
the given code (its subtree's members). Any bad row: nothing is written. `--json` prints
{"valid": n, "invalid": [{"row", "column", "message"}]}, the shape of the roster import.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.core.errors import DomainError
from ronghe.dues import imports
from ronghe.orgs.models import Organization


class Command(BaseCommand):
    help = "从工资表导入党费计算基数"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="党组织的编码（code）")
        parser.add_argument("--from", dest="start", required=True, help="基数起始月份，如 2026-01")
        parser.add_argument("--map", action="append", default=[], help="列对应：表头=项目代码（可多次）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出检查结果")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            org = Organization.objects.get(code=options["org"])
        except (Organization.DoesNotExist, ValidationError, ValueError) as exc:
            raise CommandError(f"未找到编码为 {options['org']} 的党组织") from exc
        try:
            year, month = (int(p) for p in options["start"].split("-"))
            start = date(year, month, 1)
        except ValueError as exc:
            raise CommandError("--from 应为月份，如 2026-01") from exc
        try:
            outcome = imports.import_payroll_file(
                actor=None,
                organization=org,
                path=path,
                original_name=path.name,
                effective_from=start,
                mapping=imports.parse_mapping("\n".join(options["map"])),
                dry_run=options["dry_run"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
            return
        for error in outcome.invalid:
            self.stdout.write(f"第 {error.row} 行 [{error.column}] {error.message}")
        if outcome.invalid:
            raise CommandError(f"有 {len(outcome.invalid)} 处错误，未导入任何数据")
        if options["dry_run"]:
            self.stdout.write(f"检查完成：可导入 {len(outcome.valid)} 人（未写入）")
        else:
            self.stdout.write(f"导入完成：已核定 {outcome.written} 人的计算基数")
