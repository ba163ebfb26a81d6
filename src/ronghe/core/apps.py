from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ronghe.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from ronghe.core import checks, readcache  # noqa: F401  (system checks; cache-version signal receivers)
