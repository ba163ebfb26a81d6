import os
import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.orgs.models import Organization
from ronghe.reports import exports, statistics


def find_organization(value: str) -> Organization:
    """An organization by its code (UUID) or its exact name, for the schedulers' commands."""
    try:
        found = list(Organization.objects.filter(code=UUID(value)))
    except ValueError:
        found = list(Organization.objects.filter(name=value)[:2])
    if not found:
        raise CommandError(f"找不到党组织：{value}")
    if len(found) > 1:
        raise CommandError(f"有多个名为“{value}”的党组织，请改用党组织编码")
    return found[0]


def write_atomically(path: Path, content: bytes) -> None:
    """The whole file or none: written beside the target, then moved into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "生成某党组织某年度的党内统计表（截至 12 月 31 日，xlsx），与“党内统计”页面导出的文件相同。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="党组织编码（UUID）或完整名称")
        parser.add_argument("--year", type=int, required=True, help="统计年度，如 2025")
        parser.add_argument("--out", required=True, help="输出文件，如 2025党内统计.xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        org = find_organization(options["org"])
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"输出目录不存在：{out.parent}")
        try:
            stats = statistics.party_statistics(org, options["year"], timezone.localdate())
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        write_atomically(out, exports.statistics_xlsx(stats))
        audit.record("reports.statistics.export", obj=org, changes={"year": options["year"], "command": True})
        self.stdout.write(f"已生成 {org.name} {options['year']} 年党内统计：{out}")
