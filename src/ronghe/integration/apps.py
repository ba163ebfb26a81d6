from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "ronghe.integration"
    label = "integration"
    verbose_name = "党建与业务融合"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ronghe.core.evidence.registry import register_owner_kind
        from ronghe.integration import rules
        from ronghe.integration.choices import TaskState
        from ronghe.integration.models import TaskProgress
        from ronghe.integration.queries import unit_section
        from ronghe.orgs.models import Organization
        from ronghe.orgs.unit_sections import register_section

        def organization_of(progress_id: int) -> Organization | None:
            row = TaskProgress.objects.select_related("task__organization").filter(pk=progress_id).first()
            return row.task.organization if row is not None else None

        def editable(progress_id: int) -> bool:
            # evidence goes with a progress report while its task is still being worked on
            return TaskProgress.objects.filter(pk=progress_id).exclude(task__state=TaskState.DONE).exists()

        register_owner_kind(
            rules.PROGRESS_EVIDENCE,
            permission="integration.plan",
            organization_of=organization_of,
            editable=editable,
            view_permission="integration.view",
        )
        register_section("integration/_unit_section.html", unit_section)
