from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """党内统计 and the annual work report: read across the domain apps, write nothing of theirs."""

    name = "ronghe.reports"
    label = "reports"
    verbose_name = "统计与报告"
    default_auto_field = "django.db.models.BigAutoField"
