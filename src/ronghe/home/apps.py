from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The 工作台 and the side navigation: above every domain app, reading each through its queries."""

    name = "ronghe.home"
    label = "home"
    verbose_name = "工作台"

    def ready(self) -> None:
        from ronghe.home.trends import organization_trends, unit_trends
        from ronghe.orgs.unit_sections import register_organization_section, register_section

        # the monthly trends read orglife and points, which orgs cannot name
        register_section("home/_trend_section.html", unit_trends)
        register_organization_section("home/_trend_section.html", organization_trends)
