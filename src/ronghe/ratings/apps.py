from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ronghe.ratings"
    label = "ratings"
    verbose_name = "支部评星定级"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from ronghe.core.judging.registry import register_kind
        from ronghe.orgs.models import Organization
        from ronghe.ratings.models import Entry
        from ronghe.ratings.rules import CAMPAIGN

        def subject_url(key: str) -> str:
            code = Entry.objects.filter(pk=int(key)).values_list("code", flat=True).first()
            return reverse("ratings:entry-detail", args=[code]) if code else ""

        register_kind(CAMPAIGN, subject_url=subject_url)

        from collections.abc import Sequence
        from datetime import date

        from ronghe.core.jointreview.registry import Subject, register_subjects

        def review_subjects(campaign_id: int, keys: Sequence[str]) -> dict[str, Subject]:
            # a rating's 联审 item is an entry: its branch, in the campaign's year
            rows = Entry.objects.filter(
                campaign_id=campaign_id, pk__in=[int(k) for k in keys if k.isdigit()]
            ).values_list("pk", "organization_id", "campaign__year")
            return {
                str(pk): Subject(date(year, 1, 1), date(year, 12, 31), organization_ids=(org_id,))
                for pk, org_id, year in rows
            }

        register_subjects(CAMPAIGN, review_subjects)

        from ronghe.core.scoring.choices import SchemePurpose
        from ronghe.core.scoring.editing import register_purpose

        register_purpose(SchemePurpose.BRANCH_STARS, permission="ratings.manage", noun="评星方案")

        from ronghe.core.evidence.registry import register_owner_kind
        from ronghe.ratings.choices import CampaignState, EntryState
        from ronghe.ratings.rules import ENTRY

        def organization_of(entry_id: int) -> Organization | None:
            entry = Entry.objects.select_related("organization").filter(pk=entry_id).first()
            return entry.organization if entry else None

        def editable(entry_id: int) -> bool:
            # evidence goes with the self-assessment: only while the branch may still change it
            return Entry.objects.filter(
                pk=entry_id,
                state__in=[EntryState.DRAFT, EntryState.RETURNED],
                campaign__state=CampaignState.OPEN,
            ).exists()

        register_owner_kind(
            ENTRY,
            permission="ratings.apply",
            organization_of=organization_of,
            editable=editable,
            view_permission="ratings.view",
        )
