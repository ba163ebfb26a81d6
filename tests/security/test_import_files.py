"""FILE-4: an .xlsx with an external entity (XXE) or an entity-expansion bomb (billion laughs) is
refused with a clean Chinese message; nothing of the referenced file shows up anywhere.
FILE-10: concurrent imports of overlapping people on PostgreSQL leave no duplicates."""

from __future__ import annotations

import re
import threading
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse

from ronghe.core import crypto
from ronghe.core.models import AuditEntry, ImportJob
from ronghe.core.scope import grants
from ronghe.members import imports as member_imports
from ronghe.members.imports import write as member_write
from ronghe.members.models import Member
from tests.factories import valid_id_number
from tests.imports.pages import upload
from tests.imports.sheets import HEADER, write_csv, write_xlsx

SECRET = "TOPSECRET-机密-7f3a"

XXE_DOCTYPE = '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file://{path}">]>'
LAUGHS_DOCTYPE = (
    '<!DOCTYPE sst [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>"
)


def _poison(path: Path, doctype: str, entity: str) -> Path:
    """Rewrite xl/sharedStrings.xml: declare `doctype` and use `&entity;` as the first string."""
    out = path.with_name("poisoned.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                text = data.decode()
                text = text.replace("?>", "?>" + doctype, 1)
                text = re.sub(r"<t>[^<]*</t>", f"<t>&{entity};</t>", text, count=1)
                data = text.encode()
            dst.writestr(item, data)
    return out


def _upload(client, cast, path: Path):
    return upload(client, cast.org_a, path, name="名册.xlsx")


def _roster(tmp_path: Path) -> Path:
    row = ["孙一", "男", valid_id_number(date(1981, 2, 3), "男"), None, "", "", "2019-07-01", "", "", ""]
    return write_xlsx(tmp_path / "a.xlsx", [HEADER, row], title=None)


@pytest.mark.django_db
@pytest.mark.parametrize("attack", ["xxe", "billion_laughs"])
def test_entity_attacks_are_refused_cleanly(client_for, cast, tmp_path, attack):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET, encoding="utf-8")
    if attack == "xxe":
        path = _poison(_roster(tmp_path), XXE_DOCTYPE.format(path=secret_file), "xxe")
    else:
        path = _poison(_roster(tmp_path), LAUGHS_DOCTYPE, "lol9")
    client = client_for(cast.secretary_a)
    response = _upload(client, cast, path)
    job = ImportJob.objects.get()
    assert response.status_code in (302, 400)
    assert job.status == "refused"
    assert job.message == "文件已损坏或格式不正确，无法读取"
    assert job.stored_name == ""
    page = client.get(reverse("member_io:import-job", kwargs={"code": job.code})).content.decode()
    assert "文件已损坏或格式不正确，无法读取" in page
    assert SECRET not in page and "lollollol" not in page
    assert SECRET not in repr(list(AuditEntry.objects.values())) + repr(job.errors)
    assert not Member.objects.filter(name="孙一").exists()


def _import_rows(path: Path, cast, user) -> None:
    try:
        member_imports.commit(
            path=path, kind="csv", target=cast.org_a, user=user, valid_only=True, original_name=path.name
        )
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_people_leave_no_duplicates(cast, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL")
    people = [
        [
            f"并发{i}",
            "男",
            valid_id_number(date(1980, 1, 1 + i), "男"),
            None,
            "",
            "",
            "2019-07-01",
            "",
            "",
            "",
        ]
        for i in range(20)
    ]
    files = [
        write_csv(tmp_path / "one.csv", [HEADER, *people[:15]]),
        write_csv(tmp_path / "two.csv", [HEADER, *people[5:]]),
    ]
    grants(cast.secretary_a)  # cache the grants: threads share nothing but the user object
    threads = [threading.Thread(target=_import_rows, args=(f, cast, cast.secretary_a)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for row in people:
        index = crypto.blind_index(row[2], "id_number")
        assert Member.objects.filter(id_number_index=index).count() == 1, row[0]
    assert Member.objects.filter(name__startswith="并发").count() == 20


@pytest.mark.django_db
def test_a_unique_conflict_during_commit_refuses_the_import_with_a_message(cast, tmp_path, monkeypatch):
    from django.db import IntegrityError

    from ronghe.core.imports.errors import ImportRefused

    def clash(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(member_write.STAGE, "apply", clash)  # the staged rows applied to the roster
    path = write_csv(
        tmp_path / "one.csv", [HEADER, ["孙一", "男", valid_id_number(), None, "", "", "2019-07-01"]]
    )
    with pytest.raises(ImportRefused) as exc:
        member_imports.commit(
            path=path,
            kind="csv",
            target=cast.org_a,
            user=cast.secretary_a,
            valid_only=True,
            original_name="a",
        )
    assert exc.value.message == "导入期间有相同公民身份号码的党员被登记，本次未导入任何数据，请重新导入"
    assert not AuditEntry.objects.filter(event="member.import").exists()
