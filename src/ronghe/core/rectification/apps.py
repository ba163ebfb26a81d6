from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "ronghe.core.rectification"
    label = "rectification"
    verbose_name = "整改"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ronghe.core.evidence.registry import register_owner_kind
        from ronghe.core.rectification.models import Item, State
        from ronghe.core.rectification.services import EVIDENCE_KIND
        from ronghe.core.types import OrgNode

        def permission(pk: int) -> str:
            return Item.objects.filter(pk=pk).values_list("owner_permission", flat=True).first() or ""

        def organization_of(pk: int) -> OrgNode | None:
            item = Item.objects.select_related("organization").filter(pk=pk).first()
            return item.organization if item is not None else None

        def editable(pk: int) -> bool:
            return Item.objects.filter(pk=pk, state=State.OPEN).exists()

        # evidence of an item: added and removed by the organization while the item is open
        register_owner_kind(
            EVIDENCE_KIND, permission=permission, organization_of=organization_of, editable=editable
        )
