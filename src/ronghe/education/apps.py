from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "ronghe.education"
    label = "education"
    verbose_name = "学习教育"
    default_auto_field = "django.db.models.BigAutoField"
