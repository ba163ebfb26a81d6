from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ronghe.demo"
    label = "demo"
    verbose_name = "演示数据"

    def ready(self) -> None:
        # Registers the story step. The demo app is last in INSTALLED_APPS, so the step runs after
        # the bulk steps of orgs, orglife and points (tests/demo/test_story.py checks the order).
        from ronghe.demo import story  # noqa: F401
