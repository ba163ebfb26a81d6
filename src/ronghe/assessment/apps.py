from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "ronghe.assessment"
    label = "assessment"
    verbose_name = "融合考核"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ronghe.orgs.unit_sections import register_section

        def unit_section(request, unit):  # type: ignore[no-untyped-def]
            from ronghe.assessment import queries

            history = queries.unit_history(unit.pk, request.user)
            return {"history": history} if history else None

        register_section("assessment/_unit_section.html", unit_section)

        from ronghe.assessment.choices import RoundState
        from ronghe.assessment.models import Debrief
        from ronghe.core.evidence.registry import register_owner_kind
        from ronghe.orgs.models import Organization

        def organization_of(debrief_id: int) -> Organization | None:
            debrief = Debrief.objects.select_related("organization").filter(pk=debrief_id).first()
            return debrief.organization if debrief else None

        def editable(debrief_id: int) -> bool:
            # 述职材料 may change until the round's grades are final
            return Debrief.objects.filter(pk=debrief_id).exclude(round__state=RoundState.FINALIZED).exists()

        register_owner_kind(
            "assessment.debrief",
            permission="assessment.report",
            organization_of=organization_of,
            editable=editable,
            view_permission="assessment.view",
        )
