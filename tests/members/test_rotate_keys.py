import io

import pytest
from django.core.management import call_command

from ronghe.accounts.models import OtpDevice
from ronghe.core import crypto
from ronghe.core.models import AuditEntry
from ronghe.members.models import Member
from ronghe.members.services import reveal_id_number, reveal_phone
from tests.accounts.otp import enrol, seed_of
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_rotate_keys_reencrypts_every_row(cast):
    # given members written under the current key
    for _ in range(3):
        MemberFactory(organization=cast.branch_a)
    before = {m.pk: (reveal_id_number(m), reveal_phone(m)) for m in Member.objects.all()}
    enrol(cast.committee_admin)
    seed = seed_of(cast.committee_admin)
    old = crypto.keyring().active
    # when
    out = io.StringIO()
    call_command("rotate_keys", "--batch-size", "2", stdout=out)
    # then every token names the new key and decrypts to the same value
    new = crypto.keyring().active
    assert new != old
    for m in Member.objects.all():
        assert crypto.key_id_of(m.id_number_encrypted) == new
        assert crypto.key_id_of(m.phone_encrypted) == new
        assert (reveal_id_number(m), reveal_phone(m)) == before[m.pk]
    assert "完成：重新加密 5 名党员的数据、0 份发展党员纪实、1 个动态口令密钥。" in out.getvalue()
    entry = AuditEntry.objects.get(event="crypto.rotate_keys")
    assert entry.changes == {
        "from_key": old,
        "to_key": new,
        "rows": 5,
        "otp_seeds": 1,
        "algorithm": "aes-256-gcm",
    }
    # and the two-factor seed is under the new key, unchanged
    assert crypto.key_id_of(OtpDevice.objects.get(user=cast.committee_admin).seed_encrypted) == new
    assert seed_of(cast.committee_admin) == seed
    # and the blind index still finds members
    from ronghe.members.services import find_by_id_number

    some = Member.objects.first()
    assert find_by_id_number(before[some.pk][0]).pk == some.pk
