"""Identifier rules: 公民身份号码 (GB 11643-1999) and mainland mobile numbers. Pure functions."""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level prefixes on valid cards (GB/T 2260 first two digits, plus HK/MO/TW residents).
PROVINCES = {
    11,
    12,
    13,
    14,
    15,
    21,
    22,
    23,
    31,
    32,
    33,
    34,
    35,
    36,
    37,
    41,
    42,
    43,
    44,
    45,
    46,
    50,
    51,
    52,
    53,
    54,
    61,
    62,
    63,
    64,
    65,
    71,
    81,
    82,
    83,
}
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS_RE = re.compile(r"[\s\-]")


class IdentifierError(ValueError):
    """A bad identifier, with a Chinese message for the user."""


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    sex: str  # "男" or "女"


def normalize(raw: str) -> str:
    """NFKC (full-width → ASCII), drop spaces and hyphens, upper-case x."""
    text = str(raw or "")
    if text.isascii() and text.isalnum():  # the usual cell: already normal (NFKC keeps ASCII as is)
        return text.upper()
    return _SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", text)).upper()


def check_char(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character for a 17-digit body."""
    if len(body17) != len(WEIGHTS):
        raise ValueError("check_char needs a 17-digit body")
    total = sum(map(operator.mul, map(int, body17), WEIGHTS))
    return CHECK_CHARS[total % 11]


def parse_id_number(raw: str, *, today: date | None = None, earliest: date = date(1900, 1, 1)) -> IdInfo:
    """Validate an 18-character ID number: format, province, real birth date, check character.

    Raises IdentifierError with a Chinese message; returns the normalised number, birth date and sex.
    """
    number = normalize(raw)
    if not number:
        raise IdentifierError("公民身份号码不能为空")
    if not _ID_RE.match(number):
        raise IdentifierError("公民身份号码应为18位，前17位为数字，最后一位为数字或X")
    if int(number[:2]) not in PROVINCES:
        raise IdentifierError("公民身份号码的地址码不是有效的省级行政区划代码")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdentifierError("公民身份号码中的出生日期不是有效日期") from exc
    today = today or datetime.now(SHANGHAI).date()
    if born > today or born < earliest:
        raise IdentifierError("公民身份号码中的出生日期超出合理范围")
    if check_char(number[:17]) != number[17]:
        raise IdentifierError("公民身份号码校验码错误，请核对是否输错")
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return IdInfo(number=number, birth_date=born, sex=sex)


def make_id_number(area: str, born: date, seq: int, sex: str) -> str:
    """Build a valid number (for demo data): area(6) + birth date + 3-digit sequence with sex parity."""
    seq = seq % 500 * 2 + (1 if sex == "男" else 0)
    seq = seq if seq > 0 else 2
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + check_char(body)


MASK_KEEP = 6


def mask_id_number(number: str) -> str:
    """371502************ — keep the 6-digit area code only (docs/architecture.md, "Field encryption").

    The sequence digits and the check character are hidden as well as the birth date: pages show the
    birth date and the sex, and with those an area code plus the last four characters left one or two
    candidate numbers. With the area, birth date and sex known, 500 sequences remain (the check
    character follows from the other 17), so nothing a reader without reveal sees narrows a number to
    fewer than 100 candidates.
    """
    if len(number) <= MASK_KEEP:
        return "*" * len(number)
    return number[:MASK_KEEP] + "*" * (len(number) - MASK_KEEP)


def parse_phone(raw: str) -> str:
    """A mainland mobile number, 11 digits starting 13–19 (a +86 prefix is dropped)."""
    number = normalize(raw)
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("86") and len(number) == 13:
        number = number[2:]
    if not _PHONE_RE.match(number):
        raise IdentifierError("手机号码应为11位数字，以13–19开头")
    return number


def mask_phone(number: str) -> str:
    """138****5678."""
    return number[:3] + "****" + number[-4:] if len(number) == 11 else "*" * len(number)
