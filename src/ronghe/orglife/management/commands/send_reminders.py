from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ronghe.orglife.reminders import produce_reminders
from ronghe.orglife.services import advance_meetings


class Command(BaseCommand):
    help = "将已开始且出席情况已全部标记的会议转为已召开，生成组织生活到期和逾期提醒，记入未按时交纳党费的扣分（每天运行一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按指定日期计算（YYYY-MM-DD），默认今天")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务队列执行")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        if options["enqueue"]:
            from ronghe.orglife.tasks import send_reminders

            send_reminders.enqueue(today.isoformat())
            self.stdout.write("已加入任务队列。")
            return
        held = advance_meetings()  # started meetings completed by check-in count before reminding
        created = produce_reminders(today=today)
        self.stdout.write(f"已召开会议 {held} 次；新生成提醒 {created} 条。")
        from ronghe.orglife.tasks import late_dues

        self.stdout.write(f"未按时交纳党费扣分 {late_dues(today)} 条。")
        from ronghe.reports import summaries  # reports reads orglife: imported at call time

        result = summaries.run_if_due(today)
        if result is not None:
            self.stdout.write(
                f"月度工作小结：已下发 {len(result.delivered)} 个单位，失败 {len(result.failed)} 个。"
            )
            for name, error in result.failed:
                self.stderr.write(f"月度工作小结失败：{name}：{error}")
            if (
                result.failed
            ):  # non-zero exit: the timer's OnFailure alerts; a rerun delivers only the missing
                raise CommandError(
                    "部分单位的月度工作小结生成失败，其余已下发；修正后运行 ronghe monthly_summaries 补发。"
                )
