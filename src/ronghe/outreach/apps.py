from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "ronghe.outreach"
    label = "outreach"
    verbose_name = "联系服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ronghe.core.evidence.registry import register_owner_kind
        from ronghe.orgs.models import Organization
        from ronghe.outreach.models import VolunteerActivity

        def activity_org(pk: int) -> Organization | None:
            row = VolunteerActivity.objects.select_related("organization").filter(pk=pk).first()
            return row.organization if row else None

        # a volunteer activity's photos and records (志愿服务佐证), through the generic evidence endpoints
        register_owner_kind(
            "outreach.activity",
            permission="outreach.edit",
            organization_of=activity_org,
            editable=lambda pk: True,
            view_permission="outreach.view",
        )
