"""A bulk write on SQLite gets a larger page cache for its duration only."""

from __future__ import annotations

import pytest
from django.db import connection

from ronghe.core.bulk import larger_page_cache

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite connection setting"),
]


def cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return int(cursor.fetchone()[0])


def test_the_cache_grows_for_the_write_and_shrinks_after_even_on_error():
    before = cache_size()
    with larger_page_cache(64):
        assert cache_size() == -64 * 1024
    assert cache_size() == before
    with pytest.raises(RuntimeError), larger_page_cache(32):
        raise RuntimeError("导入失败")
    assert cache_size() == before
