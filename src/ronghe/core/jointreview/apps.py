from django.apps import AppConfig


class JointReviewConfig(AppConfig):
    name = "ronghe.core.jointreview"
    label = "jointreview"
    verbose_name = "联审"
    default_auto_field = "django.db.models.BigAutoField"
