"""Moving stored ciphertexts and blind indexes to the active keys, batch by batch, online.

Each app that stores `core.crypto` tokens hands its model and fields to `reseal` (the command that
drives it, `ronghe rotate_keys`, names them). A batch is one transaction over rows read in primary-key
order with a row lock, so readers see a row either before or after, never half: every token names
its key, and while `crypto.mac_moving()` lookups try the previous blind index as well as the new one.

Only rows holding a token under an older key are touched, and the MAC key only ever changes together
with a new encryption key (`rotate_keys`), so "token under the active key" also means "index under the
active MAC key": the pass is resumable from anywhere (`rotate_keys --resume`) and repeatable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import models, transaction

from ronghe.core import crypto


@dataclass(frozen=True)
class Sealed:
    """A token column, its purpose (the AEAD associated data) and, if any, its blind-index column."""

    token: str
    purpose: str
    index: str | None = None


def _stale(fields: Sequence[Sealed], active: str) -> models.Q:
    prefix = f"{active}$"
    return reduce(
        or_, (~models.Q(**{f"{f.token}__startswith": prefix}) & ~models.Q(**{f.token: ""}) for f in fields)
    )


def remaining(model: type[models.Model], fields: Sequence[Sealed]) -> int:
    """Rows still holding a token under an older key."""
    return model._default_manager.filter(_stale(fields, crypto.keyring().active)).count()


def reseal(
    model: type[models.Model],
    fields: Sequence[Sealed],
    *,
    batch_size: int = 500,
    log: Callable[[str], object] | None = None,
) -> int:
    """Re-encrypt every stale token under the active key and recompute its blind index under the
    active MAC key, in keyset-paginated batches of `batch_size`; returns the number of rows rewritten."""
    ring = crypto.keyring()
    active = ring.active
    stale = _stale(fields, active)
    columns = sorted({f.token for f in fields} | {f.index for f in fields if f.index})
    manager = model._default_manager
    last_pk: object = None
    done = 0
    label = str(model._meta.verbose_name)
    while True:
        with transaction.atomic():
            rows_qs = manager.select_for_update().filter(stale).order_by("pk").only("pk", *columns)
            if last_pk is not None:
                rows_qs = rows_qs.filter(pk__gt=last_pk)
            rows = list(rows_qs[:batch_size])
            if not rows:
                break
            for row in rows:
                for f in fields:
                    token = getattr(row, f.token)
                    if not token or crypto.key_id_of(token) == active:
                        continue
                    plain = crypto.decrypt(token, f.purpose)
                    setattr(row, f.token, crypto.encrypt(plain, f.purpose))
                    if f.index:
                        setattr(row, f.index, crypto.blind_index(plain, f.purpose))
            manager.bulk_update(rows, columns)
            done += len(rows)
            last_pk = rows[-1].pk
        if log:
            log(f"{label}：已处理至第 {last_pk} 行，重新加密 {done} 行")
    return done
