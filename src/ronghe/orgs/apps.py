from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ronghe.orgs"
    label = "orgs"
    verbose_name = "党组织"

    def ready(self) -> None:
        from ronghe.core import readcache
        from ronghe.orgs.models import Organization

        readcache.invalidate_on(Organization)  # the home summary, compliance table and side-bar tree

        from ronghe.orgs import imports

        imports.register()  # the units register import (core.imports.jobs kind "units")
