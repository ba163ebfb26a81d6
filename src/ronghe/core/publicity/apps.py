from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "ronghe.core.publicity"
    label = "publicity"
    verbose_name = "公示"
    default_auto_field = "django.db.models.BigAutoField"
