from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "ronghe.core.scoring"
    label = "scoring"
    verbose_name = "评价方案"
    default_auto_field = "django.db.models.BigAutoField"
