from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """党内统计 and the annual work report: read across the domain apps, write nothing of theirs."""

    name = "ronghe.reports"
    label = "reports"
    verbose_name = "统计与报告"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ronghe.orgs.unit_sections import register_section
        from ronghe.reports.summaries import unit_section

        register_section("reports/_unit_summaries.html", unit_section)
