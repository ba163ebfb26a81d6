from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "ronghe.dues"
    label = "dues"
    verbose_name = "党费"
    default_auto_field = "django.db.models.BigAutoField"
