"""PI-2 (issue 17, finding 1): nothing a reader without members.view_sensitive receives narrows a
member's ID number to fewer than 100 candidates.

A probe rebuilt numbers from the old mask `3715**********1036` and the birth date shown beside it:
the county has few area codes and the check character filters the rest, so one or two candidates
were left. These tests take what a 纪检 reviewer (county-wide, no reveal) and a branch secretary
(export, no reveal) receive — the member's page, the list, the API's JSON and the xlsx export — and
count the numbers consistent with it: the county's area codes × every birth date and sequence the
bytes leave open, filtered by the check character. The sex is taken as known (pages show it).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

import pytest
from django.urls import reverse

from ronghe.accounts.choices import Role
from ronghe.core.idnumbers import check_char, make_id_number
from ronghe.demo.names import AREA_CODES
from ronghe.members.services import reveal_id_number
from tests.factories import MemberFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

MIN_CANDIDATES = 100
MASK = re.compile(r"(?<![\dXx*])[\dXx*]{18}(?![\dXx*])")
EARLIEST, LATEST = date(1900, 1, 1), date(2026, 12, 31)


def _fits(pattern: str, text: str) -> bool:
    return all(p == "*" or p == c for p, c in zip(pattern, text, strict=True))


def _days(pattern: str, known: date | None) -> Iterator[date]:
    if known is not None:
        if _fits(pattern, f"{known:%Y%m%d}"):
            yield known
        return
    day = EARLIEST
    while day <= LATEST:
        if _fits(pattern, f"{day:%Y%m%d}"):
            yield day
        day += timedelta(days=1)


def count_candidates(
    pattern: str,
    area_codes: Iterable[str],
    *,
    birth_date: date | None = None,
    sex: str | None = None,
    cap: int = 10_000,
) -> int:
    """How many valid ID numbers fit `pattern` (18 characters, `*` unknown), an area code of the county,
    the birth date and the sex if known, and the check character (ISO 7064 MOD 11-2). Stops at `cap`."""
    assert len(pattern) == 18
    pattern = pattern.upper()
    count = 0
    for area in area_codes:
        if not _fits(pattern[:6], area):
            continue
        for day in _days(pattern[6:14], birth_date):
            for seq in range(1000):
                digits = f"{seq:03d}"
                if not _fits(pattern[14:17], digits):
                    continue
                if sex is not None and (seq % 2 == 1) != (sex == "男"):
                    continue
                body = f"{area}{day:%Y%m%d}{digits}"
                if pattern[17] != "*" and check_char(body) != pattern[17]:
                    continue
                count += 1
                if count >= cap:
                    return count
    return count


def test_the_counter_rebuilds_numbers_from_the_old_mask_and_a_birth_date():
    """Control: the probe's view (first 4 + last 4, birth date and sex) leaves at most a couple."""
    number = make_id_number("371502", date(1984, 3, 9), 17, "男")
    old_mask = number[:4] + "*" * 10 + number[-4:]
    assert 1 <= count_candidates(old_mask, AREA_CODES, birth_date=date(1984, 3, 9), sex="男") <= 2
    assert count_candidates(number, AREA_CODES) == 1


def _text(response) -> str:  # noqa: ANN001
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "ignore") for n in archive.namelist())
    return raw.decode("utf-8", "ignore")


def _what_the_bytes_show(text: str, number: str) -> tuple[str, date | None]:
    """The digits of `number` any mask in `text` shows (merged), and its birth date if shown."""
    shown = ["*"] * 18
    for mask in MASK.findall(text):
        if "*" in mask and _fits(mask.upper(), number):
            shown = [m if m != "*" else s for m, s in zip(mask.upper(), shown, strict=True)]
    assert number not in text
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    forms = (
        born.isoformat(),
        f"{born:%Y%m%d}",
        f"{born.year}年{born.month}月{born.day}日",
        f"{born:%Y/%m/%d}",
    )
    return "".join(shown), born if any(f in text for f in forms) else None


@pytest.fixture
def county_members(cast):  # noqa: ANN001
    """Members with numbers from the demo county's area codes, both sexes, assorted birth dates."""
    members = []
    for i, area in enumerate(AREA_CODES):
        born = date(1950 + 7 * i, 1 + i % 12, 1 + 3 * i)
        sex = "男" if i % 2 else "女"
        members.append(
            MemberFactory(
                name=f"县党员{i}",
                organization=cast.branch_a,
                gender=sex,
                birth_date=born,
                id_number=make_id_number(area, born, 100 + 37 * i, sex),
            )
        )
    return members


@pytest.fixture
def reviewer(cast):  # noqa: ANN001
    user = UserFactory(username="jijian_mask")
    grant(user, Role.DISCIPLINE_REVIEWER, cast.committee)
    return user


def _responses(client, member, *, export: bool) -> dict[str, str]:  # noqa: ANN001
    out = {
        "detail": _text(client.get(reverse("members:member-detail", args=[member.code]))),
        "list": _text(client.get(reverse("members:member-list"), {"q": member.name})),
        "api list": _text(client.get("/api/v1/members", {"q": member.name})),
        "api detail": _text(client.get(f"/api/v1/members/{member.code}")),
    }
    if export:
        out["export"] = _text(client.get(reverse("member_io:export"), {"download": "1"}))
        out["card"] = _text(client.get(reverse("member_io:member-card", args=[member.code])))
    return out


@pytest.mark.parametrize("who", ["reviewer", "secretary_a"])
def test_no_response_narrows_an_id_number_below_100_candidates(client, cast, county_members, reviewer, who):
    user = reviewer if who == "reviewer" else cast.secretary_a
    client.force_login(user)
    found = {}
    for member in county_members:
        number = reveal_id_number(member)
        for where, text in _responses(client, member, export=who == "secretary_a").items():
            shown, born = _what_the_bytes_show(text, number)
            # The list page shows age, not the number: every other response carries the mask.
            assert shown != "*" * 18 or where == "list", (
                f"{where}: {member.name}'s mask is not in the response"
            )
            found[(member.name, where)] = count_candidates(
                shown, AREA_CODES, birth_date=born, sex=member.gender
            )
    assert found and min(found.values()) >= MIN_CANDIDATES, {
        k: v for k, v in found.items() if v < MIN_CANDIDATES
    }


def test_migration_remasks_stored_numbers_in_batches(cast, monkeypatch):  # noqa: ANN001
    """0007 decrypts each stored number and masks it again; an undecryptable token keeps 4 digits."""
    from importlib import import_module

    from django.apps import apps

    from ronghe.members.models import Member

    migration = import_module("ronghe.members.migrations.0007_id_number_mask_area_only")
    monkeypatch.setattr(migration, "BATCH", 2)
    members = [MemberFactory(organization=cast.branch_a) for _ in range(3)]
    numbers = {m.pk: reveal_id_number(m) for m in members}
    for m in members:
        Member.objects.filter(pk=m.pk).update(
            id_number_masked=numbers[m.pk][:4] + "*" * 10 + numbers[m.pk][-4:]
        )
    broken = members[0]
    Member.objects.filter(pk=broken.pk).update(id_number_encrypted="k1$bm90IGEgdG9rZW4=")
    migration.forward(apps, None)
    masks = dict(Member.objects.filter(pk__in=numbers).values_list("pk", "id_number_masked"))
    assert masks[broken.pk] == numbers[broken.pk][:4] + "*" * 14
    for m in members[1:]:
        assert masks[m.pk] == numbers[m.pk][:6] + "*" * 12
