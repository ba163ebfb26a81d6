from typing import Any

from django.core.management.base import BaseCommand

from ronghe.core.exports import jobs as export_jobs
from ronghe.core.imports.jobs import maintain


class Command(BaseCommand):
    help = (
        "导入导出任务维护（建议每小时运行）：标记异常中止的导入和导出为失败，删除过期的上传文件、"
        "错误行文件和导出文件。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = maintain()
        self.stdout.write(
            f"异常中止的导入 {done['stale']} 个；删除过期导入文件 {done['expired']} 个任务；"
            f"清理无主文件 {done['strays']} 个。"
        )
        exported = export_jobs.maintain()
        self.stdout.write(
            f"异常中止的导出 {exported['stale']} 个；删除过期导出文件 {exported['expired']} 个；"
            f"清理无主导出文件 {exported['strays']} 个。"
        )
