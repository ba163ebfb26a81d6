from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.reports.annual import services
from ronghe.reports.annual.docx import annual_docx
from ronghe.reports.management.commands.party_statistics import find_organization, write_atomically


class Command(BaseCommand):
    help = (
        "按最新记录生成某党组织某年度的年度工作报告（Word），与“年度工作报告”页面“重新生成”后下载的文件相同；"
        "页面上已填写的文字保持不变并写入文件。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="党组织编码（UUID）或完整名称")
        parser.add_argument("--year", type=int, required=True, help="年度，如 2025")
        parser.add_argument("--out", required=True, help="输出文件，如 2025年度工作报告.docx")

    def handle(self, *args: Any, **options: Any) -> None:
        org = find_organization(options["org"])
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"输出目录不存在：{out.parent}")
        year = options["year"]
        try:
            report = services.generate(organization=org, year=year, actor=None, today=timezone.localdate())
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        write_atomically(out, annual_docx(report))
        audit.record("reports.annual.export", obj=org, changes={"year": year, "command": True})
        self.stdout.write(f"已生成 {org.name} {year} 年度工作报告：{out}")
