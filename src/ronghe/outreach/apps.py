from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "ronghe.outreach"
    label = "outreach"
    verbose_name = "联系服务"
    default_auto_field = "django.db.models.BigAutoField"
