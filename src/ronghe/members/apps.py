from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "ronghe.members"
    label = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from ronghe.members import imports

        imports.register()
