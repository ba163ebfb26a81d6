"""The fast paths of the roster import give the same results as the plain ones they replaced:
per-file RowParser memo, BatchCipher, the ISO date shortcut, whitespace cleaning, and a unique
member registered between the check and the write."""

import re
import unicodedata
from datetime import date

import pytest

from ronghe.core import crypto
from ronghe.core.imports.errors import CellError
from ronghe.core.imports.reading import Header
from ronghe.core.imports.values import clean_text, parse_date
from ronghe.core.models import AuditEntry
from ronghe.members import imports as member_imports
from ronghe.members.imports import rows as member_rows
from ronghe.members.imports import write as member_write
from ronghe.members.imports.columns import PLAIN_FIELDS
from ronghe.members.models import Member
from ronghe.members.services import set_sensitive_numbers
from tests.factories import valid_id_number
from tests.imports.sheets import HEADER, write_csv


@pytest.mark.parametrize(
    "raw",
    [
        "  a \t b\u3000c  ",
        "\u00a0x\u2003y\n",
        "ｆｕｌｌ　ｗｉｄｔｈ",
        "plain",
        "",
        "\x1c\x1dz\x1e\x1f",
        "a\u200bb",
    ],
)
def test_clean_text_matches_the_regex_rule(raw):
    expected = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", raw)).strip()
    assert clean_text(raw) == expected


def test_iso_shortcut_keeps_the_messages_for_impossible_and_odd_dates():
    assert parse_date("2019-07-01") == date(2019, 7, 1)
    with pytest.raises(CellError, match="日期“2019-02-30”不存在"):
        parse_date("2019-02-30")
    with pytest.raises(CellError, match="日期格式无法识别"):
        parse_date("2019-W1-01")


def test_batch_cipher_tokens_decrypt_and_its_index_matches(settings, tmp_path):
    settings.FIELD_KEYS_FILE = tmp_path / "keys.json"
    cipher = crypto.BatchCipher()
    cipher.NONCES = 2  # cross a refill of the nonce pool
    tokens = [cipher.encrypt(f"1380000{i:04d}", "phone") for i in range(5)]
    assert [crypto.decrypt(t, "phone") for t in tokens] == [f"1380000{i:04d}" for i in range(5)]
    assert len({t.split("$")[1][:16] for t in tokens}) == 5  # fresh nonces
    assert cipher.blind_index("110105194912310021", "id_number") == crypto.blind_index(
        "110105194912310021", "id_number"
    )


@pytest.mark.django_db
def test_row_parser_memo_keeps_equal_cells_of_different_types_apart(cast):
    header = Header(1, {"name": 0, "id_number": 1, "joined_on": 2, "ethnicity": 3}, {}, [])
    parse = member_rows.RowParser(header, member_rows.OrgIndex(cast.org_a, None), set())
    number = valid_id_number(date(1980, 3, 4), "男")
    rows = [parse(n, ["王一", number, "2019-07-01", value]) for n, value in enumerate([1, 1.0, True], 2)]
    assert [row.values["ethnicity"] for row, _errors in rows] == ["1", "1", "True"]


@pytest.mark.django_db
def test_row_parser_repeats_memoised_errors_on_every_row(cast):
    header = Header(1, {"name": 0, "id_number": 1, "joined_on": 2, "organization": 3}, {}, [])
    parse = member_rows.RowParser(header, member_rows.OrgIndex(cast.org_a, None), set())
    number = valid_id_number(date(1980, 3, 4), "男")
    results = [parse(n, ["王一", number, "2019-13-01", "没有这个支部"]) for n in (2, 3)]
    for n, (row, errors) in zip((2, 3), results, strict=True):
        assert row is None
        assert [(e.row, e.column, e.message[:7]) for e in errors] == [
            (n, "入党日期", "日期“2019"),
            (n, "所在党组织", "未找到名为“没"),
        ]


@pytest.mark.django_db
def test_new_member_rows_match_what_a_saved_member_holds(cast):
    header = Header(1, {"name": 0, "id_number": 1, "joined_on": 2, "phone": 3}, {}, [])
    parse = member_rows.RowParser(header, member_rows.OrgIndex(cast.org_a, None), set())
    number = valid_id_number(date(1980, 3, 4), "女")
    row, errors = parse(2, ["王一", number, "2019-07-01", "13800001111"])
    assert not errors
    present = [f for f in PLAIN_FIELDS if f in header.columns or f in ("gender", "birth_date")]
    (values,) = member_write._new_member_rows([row], present, cast.org_a)
    got = dict(zip((f.attname for f in member_write.MEMBER_COLUMNS), values, strict=True))
    assert crypto.decrypt(got.pop("id_number_encrypted"), "id_number") == number
    assert crypto.decrypt(got.pop("phone_encrypted"), "phone") == "13800001111"
    assert got.pop("code") and got.pop("created_at") == got.pop("updated_at")

    member = Member(
        name="王一", organization=cast.org_a, joined_on=date(2019, 7, 1), status=row.values["status"]
    )
    member.gender, member.birth_date = row.values["gender"], row.values["birth_date"]
    set_sensitive_numbers(member, id_number=number, phone="13800001111")
    expected = {
        f.attname: getattr(member, f.attname)
        for f in member_write.MEMBER_COLUMNS
        if f.attname not in ("code", "created_at", "updated_at", "id_number_encrypted", "phone_encrypted")
    }
    assert got == expected


@pytest.mark.django_db(transaction=True)
def test_a_member_registered_after_the_check_is_updated_not_duplicated(cast, tmp_path, monkeypatch):
    """A member registered after the batch lookup (by hand, or by another import): applying the staged
    rows finds them by the ID number's index and updates them (issue 22: no refusal half-way)."""
    number = valid_id_number(date(1981, 2, 3), "男")
    member = Member(name="孙零", gender="男", birth_date=date(1981, 2, 3), joined_on=date(2010, 1, 1))
    member.organization = cast.org_a
    set_sensitive_numbers(member, id_number=number)
    member.save()
    monkeypatch.setattr(member_rows, "_existing", lambda indexes: {})
    rows = [
        [f"孙{i}", "男", valid_id_number(date(1980, 1, 1 + i), "男"), None, "", "", "2019-07-01"]
        for i in range(3)
    ]
    rows.append(["孙一", "男", number, None, "", "", "2019-07-01"])
    path = write_csv(tmp_path / "clash.csv", [HEADER, *rows])
    before = Member.objects.count()
    outcome = member_imports.commit(
        path=path, kind="csv", target=cast.org_a, user=None, valid_only=False, original_name="clash.csv"
    )
    assert (outcome.created, outcome.updated) == (3, 1)
    assert Member.objects.count() == before + 3
    member.refresh_from_db()
    assert member.name == "孙一"
    assert AuditEntry.objects.filter(event="member.import").count() == 1
