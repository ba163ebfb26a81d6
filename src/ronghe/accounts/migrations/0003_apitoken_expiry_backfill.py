"""Tokens issued before expiry existed get the default lifetime, counted from their creation."""

from datetime import timedelta

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def backfill(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ApiToken = apps.get_model("accounts", "ApiToken")
    lifetime = timedelta(days=settings.RONGHE_TOKEN_DAYS)
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + lifetime)


def unfill(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("accounts", "ApiToken").objects.update(expires_at=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_apitoken_expiry_and_revocation")]

    operations = [migrations.RunPython(backfill, unfill)]
