from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "ronghe.discipline"
    label = "discipline"
    verbose_name = "纪检监察"
    default_auto_field = "django.db.models.BigAutoField"
