from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "ronghe.members"
    label = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from ronghe.core import readcache
        from ronghe.members.models import Member

        readcache.invalidate_on(Member)  # the home summary, the roster's count, the compliance table

        from ronghe.members import exports, imports

        imports.register()
        exports.register_roster_export()  # a big roster is built in the background (我的导出)
