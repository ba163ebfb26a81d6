from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`ronghe demo`: its steps (and the other apps' `demo` modules) are imported only when it runs."""

    name = "ronghe.demo"
    label = "demo"
    verbose_name = "演示数据"
