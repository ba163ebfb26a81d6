from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ronghe.orgs"
    label = "orgs"
    verbose_name = "党组织"

    def ready(self) -> None:
        from ronghe.orgs import demo  # noqa: F401  (registers the demo step)
