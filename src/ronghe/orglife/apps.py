from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "ronghe.orglife"
    label = "orglife"
    verbose_name = "组织生活"

    def ready(self) -> None:
        from django.urls import reverse

        from ronghe.core import readcache
        from ronghe.core.evidence.registry import register_link_kind
        from ronghe.orglife.models import Attendance, Meeting, MeetingRequirement
        from ronghe.orglife.queries import meeting_evidence_choices

        # the home page's sections and the compliance table read these
        readcache.invalidate_on(Meeting, Attendance, MeetingRequirement)
        # meetings held per organization, kind and month, kept as meetings are written
        from django.db.models import signals

        from ronghe.orglife import tallies

        signals.pre_save.connect(tallies.before_save, sender=Meeting, dispatch_uid="orglife.tally.pre_save")
        signals.post_save.connect(tallies.after_save, sender=Meeting, dispatch_uid="orglife.tally.post_save")
        signals.pre_delete.connect(
            tallies.before_delete, sender=Meeting, dispatch_uid="orglife.tally.pre_del"
        )
        signals.post_delete.connect(
            tallies.after_delete, sender=Meeting, dispatch_uid="orglife.tally.post_del"
        )

        def meeting_url(pk: int) -> str:
            code = Meeting.objects.filter(pk=pk).values_list("code", flat=True).first()
            return reverse("orglife:meeting-detail", kwargs={"code": code}) if code else ""

        # a meeting may be cited as 佐证材料 (evidence) of a rating, a rectification…
        register_link_kind(
            "orglife.meeting", label="组织生活", url=meeting_url, choices=meeting_evidence_choices
        )
