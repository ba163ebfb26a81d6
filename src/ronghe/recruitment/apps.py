from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "ronghe.recruitment"
    label = "recruitment"
    verbose_name = "发展党员纪实"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ronghe.core.evidence.registry import register_owner_kind
        from ronghe.core.imports import jobs
        from ronghe.orgs.models import Organization
        from ronghe.recruitment.imports import KIND, commit, preview
        from ronghe.recruitment.models import RecruitmentCase
        from ronghe.recruitment.rules import CASE

        def organization_of(case_id: int) -> Organization | None:
            case = RecruitmentCase.objects.select_related("organization").filter(pk=case_id).first()
            return case.organization if case else None

        def editable(case_id: int) -> bool:
            return RecruitmentCase.objects.filter(pk=case_id, archived_on__isnull=True).exists()

        register_owner_kind(
            CASE,
            permission="recruitment.edit",
            organization_of=organization_of,
            editable=editable,
            view_permission="recruitment.view",
        )
        jobs.register(KIND, preview=preview, commit=commit)
