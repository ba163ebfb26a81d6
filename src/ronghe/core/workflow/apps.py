from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "ronghe.core.workflow"
    label = "workflow"
    verbose_name = "流程"
    default_auto_field = "django.db.models.BigAutoField"
