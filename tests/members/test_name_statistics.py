"""The roster's name search keeps a good plan at a province: PostgreSQL samples 1,000 names."""

from __future__ import annotations

import pytest
from django.db import connection

from ronghe.core import dbfeatures
from ronghe.members.models import Member


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
@pytest.mark.django_db
def test_names_are_sampled_for_the_planner():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'name'",
            [Member._meta.db_table],
        )
        target = cursor.fetchone()[0]
    if dbfeatures.enabled("statistics"):
        assert target == 1000
    else:  # RONGHE_PG_FAST_PATHS without `statistics` (docs/databases.md): the migration left the default
        assert target in (-1, None)
