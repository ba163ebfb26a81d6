from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "ronghe.orglife"
    label = "orglife"
    verbose_name = "组织生活"

    def ready(self) -> None:
        from ronghe.core import readcache
        from ronghe.orglife.models import Attendance, Meeting, MeetingRequirement

        readcache.invalidate_on(
            Meeting, Attendance, MeetingRequirement
        )  # the home page, the compliance table

        from ronghe.orglife import demo  # noqa: F401  (registers the demo step)
