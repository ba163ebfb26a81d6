"""The audit chain stays one unbroken line when many requests write at once (PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections

from ronghe.core import audit
from ronghe.core.models import AuditEntry

THREADS = 8
PER_THREAD = 10


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrency"
)
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_writers_keep_the_chain_intact():
    # given: eight threads released together
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                audit.record("test.concurrent", object_type="t", object_id=f"{n}-{i}", username=f"w{n}")
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=write, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then: every row written, each links to a distinct predecessor, and the chain verifies
    assert errors == []
    assert AuditEntry.objects.filter(event="test.concurrent").count() == THREADS * PER_THREAD
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(prev_hashes) == len(set(prev_hashes))
    result = audit.verify()
    assert result.ok, result.message
    assert result.checked == AuditEntry.objects.count()
