from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ronghe.ratings"
    label = "ratings"
    verbose_name = "支部评星定级"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from ronghe.core.judging.registry import register_kind
        from ronghe.ratings.models import Entry
        from ronghe.ratings.rules import CAMPAIGN

        def subject_url(key: str) -> str:
            code = Entry.objects.filter(pk=int(key)).values_list("code", flat=True).first()
            return reverse("ratings:entry-detail", args=[code]) if code else ""

        register_kind(CAMPAIGN, subject_url=subject_url)
