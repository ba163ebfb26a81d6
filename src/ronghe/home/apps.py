from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The 工作台 and the side navigation: above every domain app, reading each through its queries."""

    name = "ronghe.home"
    label = "home"
    verbose_name = "工作台"
