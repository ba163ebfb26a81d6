"""Member use-cases. Sensitive numbers are only ever written through `set_sensitive_numbers`."""

from __future__ import annotations

from ronghe.core import crypto
from ronghe.core.idnumbers import mask_id_number, mask_phone, parse_id_number, parse_phone
from ronghe.members.models import Member


def set_sensitive_numbers(member: Member, *, id_number: str | None = None, phone: str | None = None) -> None:
    """Validate, encrypt, index and mask the ID and phone numbers on an (unsaved) member."""
    if id_number is not None:
        if id_number == "":
            member.id_number_encrypted, member.id_number_index, member.id_number_masked = "", None, ""
        else:
            info = parse_id_number(id_number)
            member.id_number_encrypted = crypto.encrypt(info.number, "id_number")
            member.id_number_index = crypto.blind_index(info.number, "id_number")
            member.id_number_masked = mask_id_number(info.number)
    if phone is not None:
        if phone == "":
            member.phone_encrypted, member.phone_masked = "", ""
        else:
            number = parse_phone(phone)
            member.phone_encrypted = crypto.encrypt(number, "phone")
            member.phone_masked = mask_phone(number)


def reveal_id_number(member: Member) -> str:
    """Plaintext ID number. Callers must check `members.view_sensitive` and audit the read."""
    return crypto.decrypt(member.id_number_encrypted, "id_number")


def reveal_phone(member: Member) -> str:
    return crypto.decrypt(member.phone_encrypted, "phone")


def find_by_id_number(raw: str) -> Member | None:
    info = parse_id_number(raw)
    return Member.objects.filter(id_number_index=crypto.blind_index(info.number, "id_number")).first()
