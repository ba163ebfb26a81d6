from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "ronghe.core.voting"
    label = "voting"
    verbose_name = "手机测评投票"
    default_auto_field = "django.db.models.BigAutoField"
