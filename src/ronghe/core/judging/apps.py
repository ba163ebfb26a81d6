from django.apps import AppConfig


class JudgingConfig(AppConfig):
    name = "ronghe.core.judging"
    label = "judging"
    verbose_name = "评委评分"
    default_auto_field = "django.db.models.BigAutoField"
