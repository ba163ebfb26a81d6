"""The re-import path (issue 22.2): updates are staged and applied in short batches like creations; a
bad row in an all-or-nothing import leaves the roster and the staging area untouched; a commit that
died half-way through applying is finished by the rerun, with nobody twice and nobody missing."""

from datetime import date

import pytest

from ronghe.core import crypto
from ronghe.core.models import AuditEntry
from ronghe.members import imports as member_imports
from ronghe.members.imports import write as member_write
from ronghe.members.models import Member
from tests.factories import valid_id_number
from tests.imports.sheets import HEADER, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(ids, name="党员", gender="男"):
    return [[f"{name}{i}", gender, number, None, "", "", "2019-07-01"] for i, number in enumerate(ids)]


def _commit(path, cast, valid_only=False):
    return member_imports.commit(
        path=path, kind="csv", target=cast.org_a, user=None, valid_only=valid_only, original_name=path.name
    )


def _staged() -> int:
    member_write.STAGE.ensure()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {member_write.STAGE.table}")
        return int(cursor.fetchone()[0])


def test_a_reimport_updates_every_member_in_place(cast, tmp_path):
    ids = [valid_id_number(date(1980, 1, 1 + i), "男") for i in range(25)]
    _commit(write_csv(tmp_path / "first.csv", [HEADER, *_rows(ids)]), cast)
    outcome = _commit(write_csv(tmp_path / "again.csv", [HEADER, *_rows(ids, name="更名")]), cast)
    assert (outcome.created, outcome.updated) == (0, 25)
    assert Member.objects.filter(name__startswith="更名").count() == 25
    assert not Member.objects.filter(name__startswith="党员").exists()
    assert _staged() == 0


def test_a_bad_row_in_an_all_or_nothing_reimport_changes_nothing(cast, tmp_path):
    ids = [valid_id_number(date(1981, 1, 1 + i), "男") for i in range(10)]
    _commit(write_csv(tmp_path / "first.csv", [HEADER, *_rows(ids)]), cast)
    bad = [*_rows(ids, name="更名"), ["缺号", "男", "123", None, "", "", "2019-07-01"]]
    outcome = _commit(write_csv(tmp_path / "bad.csv", [HEADER, *bad]), cast)
    assert outcome.invalid_rows == 1 and (outcome.created, outcome.updated) == (0, 0)
    assert not Member.objects.filter(name__startswith="更名").exists()
    assert _staged() == 0
    assert AuditEntry.objects.filter(event="member.import").count() == 1  # the first import only


def test_a_commit_killed_while_applying_is_finished_by_the_rerun(cast, tmp_path, monkeypatch):
    old = [valid_id_number(date(1982, 1, 1 + i), "男") for i in range(12)]
    _commit(write_csv(tmp_path / "first.csv", [HEADER, *_rows(old)]), cast)
    new = [valid_id_number(date(1983, 1, 1 + i), "女") for i in range(8)]
    path = write_csv(
        tmp_path / "again.csv", [HEADER, *_rows(old, name="更名"), *_rows(new, name="新人", gender="女")]
    )
    # given: the worker dies after the first batch of 5 rows was applied
    monkeypatch.setattr(member_write, "APPLY_BATCH", 5)

    def die(created, updated):
        raise SystemExit("worker killed")

    original = member_write.Stage.apply

    def apply_then_die(self, key, fields, *, batch, progress=None):
        return original(self, key, fields, batch=batch, progress=die)

    monkeypatch.setattr(member_write.Stage, "apply", apply_then_die)
    with pytest.raises(SystemExit):
        _commit(path, cast)
    assert Member.objects.filter(name__regex=r"^(更名|新人)").count() == 5  # one batch in, the rest not
    # when: the job is run again
    monkeypatch.setattr(member_write.Stage, "apply", original)
    _commit(path, cast)
    # then: everyone is there once, with the file's values
    assert Member.objects.filter(name__regex=r"^(更名|新人|党员)").count() == 20
    assert Member.objects.filter(name__startswith="更名").count() == 12
    assert Member.objects.filter(name__startswith="新人").count() == 8
    for number in new:
        assert Member.objects.filter(id_number_index=crypto.blind_index(number, "id_number")).count() == 1
    assert _staged() == 0
