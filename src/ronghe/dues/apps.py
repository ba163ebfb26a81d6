from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "ronghe.dues"
    label = "dues"
    verbose_name = "党费"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ronghe.core import readcache
        from ronghe.dues.models import DuesRecord, VoluntaryPayment

        # the 收缴报表 (cached per organization and year) reads these; the services' bulk and queryset
        # writes drop it themselves
        readcache.invalidate_on(DuesRecord, VoluntaryPayment)
