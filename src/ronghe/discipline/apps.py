from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "ronghe.discipline"
    label = "discipline"
    verbose_name = "纪检监察"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ronghe.core import readcache
        from ronghe.core.jointreview.registry import register_notes
        from ronghe.discipline.models import Sanction
        from ronghe.discipline.review_notes import notes

        # a 纪检 reviewer sees the sanctions of each subject of a 联审 list
        register_notes(notes)
        # cached pages that read a fact (ratings' and the assessment's aggregates) drop with a sanction
        readcache.invalidate_on(Sanction)
