"""A running county moved to 国密 (SM4-GCM, HMAC-SM3) and back by `rotate_keys --algorithm`: the same
ID numbers come back, everyone is found by ID throughout, and the audit chain carries on under SM3."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ronghe.core import audit, auditkeys, crypto
from ronghe.core.keyrotation import reseal
from ronghe.core.models import AuditEntry
from ronghe.demo.generator import build_county
from ronghe.members.models import Member
from ronghe.members.services import (
    SEALED,
    MemberError,
    _check_unique_id,
    find_by_id_number,
    reveal_id_number,
    reveal_phone,
    set_sensitive_numbers,
)
from ronghe.recruitment.models import RecruitmentCase
from ronghe.recruitment.services import RecruitmentError, create_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(settings, tmp_path):
    settings.FIELD_KEYS_FILE = tmp_path / "field_keys.json"
    settings.AUDIT_KEYS_FILE = tmp_path / "audit_keys.json"
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    build_county(150, seed=21, today=date(2026, 11, 24), until="recruitment")
    return {m.pk: (reveal_id_number(m), reveal_phone(m)) for m in Member.objects.all()}


def _rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", "--batch-size", "40", *args, stdout=out)
    return out.getvalue()


def test_county_rotated_to_sm4_and_back_reveals_and_finds_the_same_people(county):
    cases = {c.pk: crypto.decrypt(c.id_number_encrypted, "id_number") for c in RecruitmentCase.objects.all()}
    assert len(county) > 100 and cases
    # when the county moves to 国密
    out = _rotate("--algorithm", "sm4")
    # then every token is under the new SM4 key, decrypts to the same numbers, and the index is HMAC-SM3
    ring = crypto.keyring()
    assert ring.family == "sm4" and ring.enc[ring.active].alg == "sm4-gcm" and ring.mac_previous is None
    for m in Member.objects.all():
        assert crypto.key_id_of(m.id_number_encrypted) == ring.active
        assert (reveal_id_number(m), reveal_phone(m)) == county[m.pk]
        assert m.id_number_index == crypto.hmac_hex(
            "hmac-sm3", ring.mac.secret, f"id_number:{county[m.pk][0]}".encode()
        )
        assert find_by_id_number(county[m.pk][0]).pk == m.pk
    for c in RecruitmentCase.objects.all():
        assert crypto.decrypt(c.id_number_encrypted, "id_number") == cases[c.pk]
        assert c.id_number_index == crypto.blind_index(cases[c.pk], "id_number")
    assert (
        f"完成：重新加密 {len(county)} 名党员的数据、{len(cases)} 份发展党员纪实、0 个动态口令密钥。" in out
    )
    # and the audit chain continues under an HMAC-SM3 key, recorded in the rotation's own row
    entry = AuditEntry.objects.get(event="crypto.rotate_keys")
    assert entry.changes["algorithm"] == "sm4-gcm" and entry.changes["mac_algorithm"] == "hmac-sm3"
    assert auditkeys.keys().active.alg == "hmac-sm3" and entry.key_id == auditkeys.keys().active_id
    assert audit.verify().ok
    # when it moves back to AES
    _rotate("--algorithm", "aes")
    # then the same again
    assert crypto.keyring().family == "aes"
    for m in Member.objects.all():
        assert (reveal_id_number(m), reveal_phone(m)) == county[m.pk]
        assert find_by_id_number(county[m.pk][0]).pk == m.pk
    assert audit.verify().ok


def test_an_interrupted_move_never_misses_a_lookup_and_resumes(county):
    # given a move to 国密 interrupted after its first batch
    crypto.rotate("sm4-gcm", "hmac-sm3")

    class Stop(Exception):
        pass

    def stop(_message: str) -> None:
        raise Stop

    with pytest.raises(Stop):
        reseal(Member, SEALED, batch_size=40, log=stop)
    moved = Member.objects.filter(id_number_encrypted__startswith=f"{crypto.keyring().active}$").count()
    assert 0 < moved < len(county)
    # then every member is still found by ID, old index or new
    for pk, (number, _phone) in county.items():
        assert find_by_id_number(number).pk == pk
    # and a not-yet-moved person cannot be registered twice
    in_cases = {crypto.decrypt(c.id_number_encrypted, "id_number") for c in RecruitmentCase.objects.all()}
    late = next(
        m
        for m in Member.objects.exclude(id_number_encrypted__startswith=f"{crypto.keyring().active}$")
        if county[m.pk][0] not in in_cases
    )
    with pytest.raises(RecruitmentError, match="此人已是党员"):
        create_case(
            actor=None,
            organization=late.organization,
            name="重复",
            id_number=county[late.pk][0],
            applied_on=date(2026, 11, 1),
        )
    twin = Member(organization=late.organization, name="重复")
    set_sensitive_numbers(twin, id_number=county[late.pk][0])
    with pytest.raises(MemberError, match="已登记在册"):
        _check_unique_id(twin)
    # and a second move cannot start on top of this one
    with pytest.raises(CommandError, match="--resume"):
        _rotate("--algorithm", "aes", "--new-mac-key")
    # when resumed
    out = _rotate("--resume")
    # then the move finishes: one index per person, under SM3
    assert crypto.keyring().mac_previous is None
    assert "盲索引已全部改用" in out
    for pk, (number, _phone) in county.items():
        assert find_by_id_number(number).pk == pk
        assert Member.objects.get(pk=pk).id_number_index == crypto.blind_index(number, "id_number")
