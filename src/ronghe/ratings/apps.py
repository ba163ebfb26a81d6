from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ronghe.ratings"
    label = "ratings"
    verbose_name = "支部评星定级"
    default_auto_field = "django.db.models.BigAutoField"
