from django.apps import AppConfig


class SelectionsConfig(AppConfig):
    name = "ronghe.selections"
    label = "selections"
    verbose_name = "评选表彰与品牌示范"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from ronghe.core.evidence.registry import register_owner_kind
        from ronghe.core.judging.registry import register_kind
        from ronghe.core.scoring.choices import SchemePurpose
        from ronghe.core.scoring.editing import register_purpose
        from ronghe.orgs.models import Organization
        from ronghe.orgs.unit_sections import register_section
        from ronghe.selections.choices import CampaignState, NominationState
        from ronghe.selections.models import Brand, Nomination
        from ronghe.selections.rules import BRAND, CAMPAIGN, NOMINATION

        def subject_url(key: str) -> str:
            code = Nomination.objects.filter(pk=int(key)).values_list("code", flat=True).first()
            return reverse("selections:nomination-detail", args=[code]) if code else ""

        register_kind(CAMPAIGN, subject_url=subject_url)
        register_purpose(SchemePurpose.SELECTION, permission="selections.manage", noun="评选标准")

        def nomination_org(pk: int) -> Organization | None:
            row = Nomination.objects.select_related("organization").filter(pk=pk).first()
            return row.organization if row else None

        def nomination_editable(pk: int) -> bool:
            # materials go with the nomination while units may still change it
            return Nomination.objects.filter(
                pk=pk, state=NominationState.NOMINATED, campaign__state=CampaignState.NOMINATING
            ).exists()

        register_owner_kind(
            NOMINATION,
            permission="selections.nominate",
            organization_of=nomination_org,
            editable=nomination_editable,
            view_permission="selections.view",
        )

        def brand_org(pk: int) -> Organization | None:
            row = Brand.objects.select_related("organization").filter(pk=pk).first()
            return row.organization if row else None

        register_owner_kind(
            BRAND,
            permission="selections.nominate",
            organization_of=brand_org,
            editable=lambda pk: True,
            view_permission="selections.view",
        )

        def unit_section(request, unit):  # type: ignore[no-untyped-def]
            from ronghe.core.scope import scoped
            from ronghe.selections import queries

            org_ids = list(Organization.objects.filter(unit=unit).values_list("pk", flat=True))
            honours = scoped(queries.honours_of_organizations(org_ids), request.user, "selections.view")
            rows = list(honours[:20])
            return {"honours": rows} if rows else None

        register_section("selections/_unit_section.html", unit_section)

        from ronghe.members.sections import register_section as register_member_section
        from ronghe.orgs.unit_sections import register_organization_section

        def member_section(request, member):  # type: ignore[no-untyped-def]
            from ronghe.selections import queries

            rows = list(queries.honours_of_member(member.pk)[:20])
            return {"honours": rows} if rows else None

        def organization_section(request, organization):  # type: ignore[no-untyped-def]
            from ronghe.selections import queries

            rows = list(queries.honours_of_organizations([organization.pk]).filter(member__isnull=True)[:20])
            return {"honours": rows} if rows else None

        # an honour lands in the record of its subject: the member's page, the organization's page
        register_member_section("selections/_record_section.html", member_section)
        register_organization_section("selections/_record_section.html", organization_section)
