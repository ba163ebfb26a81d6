from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ronghe.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self) -> None:
        from ronghe.accounts import checks, receivers  # noqa: F401  (signal receivers, system checks)
