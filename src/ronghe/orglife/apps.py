from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "ronghe.orglife"
    label = "orglife"
    verbose_name = "组织生活"

    def ready(self) -> None:
        from ronghe.core import readcache
        from ronghe.orglife.models import Attendance, Meeting, MeetingRequirement

        # the home page's sections and the compliance table read these
        readcache.invalidate_on(Meeting, Attendance, MeetingRequirement)
