"""Tokens issued before expiry existed get created_at + RONGHE_TOKEN_DAYS (accounts 0003)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ronghe.accounts.models import ApiToken
from tests.factories import UserFactory

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_get_the_default_lifetime(settings):
    settings.RONGHE_TOKEN_DAYS = 30
    user = UserFactory(username="machine")
    created = datetime(2026, 1, 5, 8, tzinfo=TZ)
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("accounts", "0001_initial")])
        old = executor.loader.project_state([("accounts", "0001_initial")]).apps
        OldToken = old.get_model("accounts", "ApiToken")
        row = OldToken.objects.create(user_id=user.pk, digest="d" * 64, prefix="rh_abcde")
        OldToken.objects.filter(pk=row.pk).update(created_at=created)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    token = ApiToken.objects.get(pk=row.pk)
    assert token.expires_at == created + timedelta(days=30)
    assert (token.revoked, token.revoked_reason) == (False, "")
