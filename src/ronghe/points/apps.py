from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "ronghe.points"
    label = "points"
    verbose_name = "党员积分"

    def ready(self) -> None:
        from ronghe.points import demo  # noqa: F401 — registers the demo step
