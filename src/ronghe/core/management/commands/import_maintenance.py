from typing import Any

from django.core.management.base import BaseCommand

from ronghe.core.imports.jobs import maintain


class Command(BaseCommand):
    help = "导入任务维护（建议每小时运行）：标记异常中止的导入为失败，删除过期的上传文件和错误行文件。"

    def handle(self, *args: Any, **options: Any) -> None:
        done = maintain()
        self.stdout.write(
            f"异常中止的导入 {done['stale']} 个；删除过期导入文件 {done['expired']} 个任务；"
            f"清理无主文件 {done['strays']} 个。"
        )
